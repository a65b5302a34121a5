"""torch.func recipes at toy size: per-sample gradients with functional_call + vmap + grad, model
ensembling with stack_module_state, the empirical neural tangent kernel with jacrev + vmap, and
forward-mode jvp / linearize / vjp / hessian."""
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, grad, grad_and_value, hessian, jacfwd, jacrev, jvp, linearize, \
    stack_module_state, vjp, vmap

torch.manual_seed(0)


def r(t, n=4):
    return t.detach().round(decimals=n)


class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(4, 8), nn.Linear(8, 3)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


model = SimpleMLP()
data, targets = torch.randn(5, 4), torch.tensor([0, 2, 1, 1, 0])
params = {k: v.detach() for k, v in model.named_parameters()}
buffers = {k: v.detach() for k, v in model.named_buffers()}
print(list(params), buffers)


def compute_loss(params, buffers, sample, target):
    batch, tgt = sample.unsqueeze(0), target.unsqueeze(0)
    return F.cross_entropy(functional_call(model, (params, buffers), (batch,)), tgt)


ft_grads = vmap(grad(compute_loss), in_dims=(None, None, 0, 0))(params, buffers, data, targets)
print({k: tuple(v.shape) for k, v in ft_grads.items()})
for i in range(2):
    model.zero_grad()
    F.cross_entropy(model(data[i:i + 1]), targets[i:i + 1]).backward()
    print(i, all(torch.allclose(ft_grads[k][i], p.grad, atol=1e-6) for k, p in model.named_parameters()))
print(r(ft_grads["fc2.bias"]))
gv = vmap(grad_and_value(compute_loss), in_dims=(None, None, 0, 0))(params, buffers, data, targets)
print(type(gv).__name__, len(gv), r(gv[1]))
print(r(functional_call(model, params, (data[:2],))), r(model(data[:2])))

# ensembling
models = [SimpleMLP() for _ in range(3)]
e_params, e_buffers = stack_module_state(models)
print({k: tuple(v.shape) for k, v in e_params.items()}, e_params["fc1.weight"].requires_grad)
base = copy.deepcopy(models[0]).to("meta")
print(base.fc1.weight.device, base.fc1.weight.shape)


def fmodel(p, b, x):
    return functional_call(base, (p, b), (x,))


minibatch = data[:2]
same = vmap(fmodel, in_dims=(0, 0, None))(e_params, e_buffers, minibatch)
print(same.shape, all(torch.allclose(same[i], models[i](minibatch), atol=1e-6) for i in range(3)))
diff_batches = torch.randn(3, 2, 4)
each = vmap(fmodel)(e_params, e_buffers, diff_batches)
print(each.shape, torch.allclose(each[1], models[1](diff_batches[1]), atol=1e-6))
print(r(each.argmax(dim=-1).float(), 0))

# empirical NTK
net = nn.Sequential(nn.Linear(3, 6), nn.Tanh(), nn.Linear(6, 2))
nparams = {k: v.detach() for k, v in net.named_parameters()}


def fnet_single(p, x):
    return functional_call(net, p, (x.unsqueeze(0),)).squeeze(0)


def empirical_ntk(p, x1, x2):
    jac1 = vmap(jacrev(fnet_single), (None, 0))(p, x1)
    jac2 = vmap(jacrev(fnet_single), (None, 0))(p, x2)
    jac1 = [j.flatten(2) for j in jac1.values()]
    jac2 = [j.flatten(2) for j in jac2.values()]
    return torch.stack([torch.einsum("Naf,Mbf->NMab", j1, j2) for j1, j2 in zip(jac1, jac2)]).sum(0)


x_a, x_b = torch.randn(4, 3), torch.randn(3, 3)
ntk = empirical_ntk(nparams, x_a, x_b)
print(ntk.shape, r(ntk[0, 0], 3), r(ntk[2, 1], 3))
ntk_aa = empirical_ntk(nparams, x_a, x_a)
print(torch.allclose(ntk_aa, ntk_aa.permute(1, 0, 3, 2), atol=1e-5))
jac = vmap(jacrev(fnet_single), (None, 0))(nparams, x_b)
print({k: tuple(v.shape) for k, v in jac.items()})

# forward mode
f = lambda x: torch.sin(x) * x ** 2
x, v = torch.tensor([0.5, 1.0, 2.0]), torch.tensor([1.0, 0.0, 2.0])
out, tangent = jvp(f, (x,), (v,))
print(r(out), r(tangent))
print(torch.allclose(tangent, (torch.cos(x) * x ** 2 + 2 * x * torch.sin(x)) * v))
out2, jvp_fn = linearize(f, x)
print(r(out2), r(jvp_fn(v)), r(jvp_fn(torch.ones(3))))
out3, vjp_fn = vjp(f, x)
(ct,) = vjp_fn(torch.ones(3))
print(r(ct), torch.allclose(ct, jvp_fn(torch.ones(3))))
g = lambda w: (w ** 3).sum() + w[0] * w[1]
w = torch.tensor([1.0, 2.0, -1.0])
print(r(jacrev(g)(w)), r(jacfwd(g)(w)))
print(hessian(g)(w))
print(r(jacfwd(jacrev(lambda w: w.sin().sum()))(w)))
print(vmap(torch.dot)(torch.ones(2, 3), torch.arange(6.).view(2, 3)))
print(vmap(lambda a, b: a * b, in_dims=(0, None), out_dims=1)(torch.arange(3.), torch.ones(2)))
print(vmap(vmap(torch.outer))(torch.ones(2, 2, 2), torch.arange(8.).view(2, 2, 2)).shape)
for bad in [lambda: vmap(torch.sum)(torch.ones(2, 3), torch.ones(3, 2)),
            lambda: vmap(lambda a, b: a + b)(torch.ones(2, 3), torch.ones(3, 3)),
            lambda: grad(lambda z: z * 2)(torch.ones(3))]:
    try:
        bad()
        print("no error")
    except Exception as e:
        print(type(e).__name__, str(e)[:150])

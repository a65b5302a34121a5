"""In the style of the official torch.func tutorials ("Model ensembling" and "Per-sample-gradients"),
condensed into one script with the sanity checks a reader would add.

Stacks the weights of several small MLPs with stack_module_state, runs them all at once with vmap
over functional_call, then computes per-sample gradients with grad + vmap and compares them with a
plain loop over the batch.
"""
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, grad, stack_module_state, vmap

torch.manual_seed(0)
torch.set_printoptions(precision=4, sci_mode=False)


class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(12, 16)
        self.fc2 = nn.Linear(16, 8)
        self.fc3 = nn.Linear(8, 4)

    def forward(self, x):
        x = x.flatten(1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


num_models = 5
minibatches = torch.randn(num_models, 6, 3, 4)
models = [SimpleMLP() for _ in range(num_models)]
minibatch = minibatches[0]
predictions_diff = [model(minibatch) for model, minibatch in zip(models, minibatches)]
predictions_same = [model(minibatch) for model in models]

params, buffers = stack_module_state(models)
print("stacked params:")
for k, v in params.items():
    print(f"  {k:<12} {tuple(v.shape)} requires_grad={v.requires_grad} is_leaf={v.is_leaf}")
print("buffers:", buffers)

base_model = copy.deepcopy(models[0]).to("meta")
print("meta model weight:", base_model.fc1.weight.device, base_model.fc1.weight.shape)


def fmodel(params, buffers, x):
    return functional_call(base_model, (params, buffers), (x,))


predictions1_vmap = vmap(fmodel)(params, buffers, minibatches)
print("vmap over different minibatches:", predictions1_vmap.shape,
      torch.allclose(predictions1_vmap, torch.stack(predictions_diff), atol=1e-6, rtol=1e-5))
predictions2_vmap = vmap(fmodel, in_dims=(0, 0, None))(params, buffers, minibatch)
print("vmap over the same minibatch:", predictions2_vmap.shape,
      torch.allclose(predictions2_vmap, torch.stack(predictions_same), atol=1e-6, rtol=1e-5))
print("model 2, sample 0:", predictions2_vmap[2, 0].detach())
ensemble_mean = predictions2_vmap.mean(0)
print("ensemble prediction:", ensemble_mean.argmax(-1))
print("disagreement (std over models):", f"{predictions2_vmap.std(0).mean().item():.4f}")

try:
    vmap(fmodel, in_dims=(0, 0, 0))(params, buffers, minibatches[:3])
except ValueError as e:
    print(type(e).__name__, e)

# functional_call on its own: swap in other weights without touching the module
single = models[1]
zero_params = {k: torch.zeros_like(v) for k, v in single.named_parameters()}
out = functional_call(single, zero_params, (minibatch,))
print("functional_call with zero weights:", out.abs().sum().item(), "module untouched:",
      single.fc1.weight.abs().sum().item() > 0)
partial = functional_call(single, {"fc3.bias": torch.ones(4)}, (minibatch,))
print("partial override changes output:", not torch.allclose(partial, single(minibatch)))
try:
    functional_call(single, {"fc9.weight": torch.ones(1)}, (minibatch,), strict=True)
except Exception as e:
    print(type(e).__name__, e)
try:
    functional_call(single, {"fc1.weight": torch.ones(1)}, (minibatch,))
except Exception as e:
    print(type(e).__name__, e)
try:
    stack_module_state([SimpleMLP(), nn.Linear(2, 2)])
except Exception as e:
    print(type(e).__name__, e)
print("tied/duplicate dicts:", functional_call(single, ({"fc3.bias": torch.zeros(4)}, {}), (minibatch,)).shape)

# --- per-sample gradients -----------------------------------------------------------
print("\n## per-sample gradients")
torch.manual_seed(1)
model = SimpleMLP()
data = torch.randn(8, 3, 4)
targets = torch.randint(4, (8,))


def loss_fn(predictions, targets):
    return F.nll_loss(F.log_softmax(predictions, dim=-1), targets)


def compute_grad(sample, target):
    sample = sample.unsqueeze(0)
    target = target.unsqueeze(0)
    prediction = model(sample)
    loss = loss_fn(prediction, target)
    return torch.autograd.grad(loss, list(model.parameters()))


per_sample_grads = [compute_grad(data[i], targets[i]) for i in range(len(data))]
per_sample_grads = list(zip(*per_sample_grads))
per_sample_grads = [torch.stack(shards) for shards in per_sample_grads]
print("loop shapes:", [tuple(g.shape) for g in per_sample_grads])

params = {k: v.detach() for k, v in model.named_parameters()}
buffers = {k: v.detach() for k, v in model.named_buffers()}


def compute_loss(params, buffers, sample, target):
    batch = sample.unsqueeze(0)
    targets = target.unsqueeze(0)
    predictions = functional_call(model, (params, buffers), (batch,))
    return loss_fn(predictions, targets)


ft_compute_grad = grad(compute_loss)
ft_compute_sample_grad = vmap(ft_compute_grad, in_dims=(None, None, 0, 0))
ft_per_sample_grads = ft_compute_sample_grad(params, buffers, data, targets)
for per_sample_grad, (name, ft_grad) in zip(per_sample_grads, ft_per_sample_grads.items()):
    print(f"{name:<11} {tuple(ft_grad.shape)} match={torch.allclose(per_sample_grad, ft_grad, atol=3e-3, rtol=1e-5)}")
print("mean of per-sample grads == batch grad:", end=" ")
model.zero_grad()
loss_fn(model(data), targets).backward()
print(torch.allclose(ft_per_sample_grads["fc3.weight"].mean(0), model.fc3.weight.grad, atol=1e-6))
norms = torch.stack([g.flatten(1).norm(dim=1) for g in ft_per_sample_grads.values()]).norm(dim=0)
print("per-sample grad norms:", norms)
clip = (1.0 / (norms + 1e-6)).clamp(max=1.0)
print("DP-style clip factors:", clip)

# grad_and_value / has_aux
from torch.func import grad_and_value, jacrev


def loss_with_aux(params, x, y):
    out = functional_call(model, params, (x,))
    loss = F.cross_entropy(out, y)
    return loss, out.argmax(-1)


(grads, (loss, preds)) = grad_and_value(loss_with_aux, has_aux=True)(params, data, targets)
print("grad_and_value:", f"{loss.item():.4f}", preds, sorted(grads)[:2])
jac = jacrev(lambda x: model(x.unsqueeze(0)).squeeze(0))(data[0])
print("jacobian of logits wrt one input:", jac.shape)
print("vmap of a lambda with out_dims=1:", vmap(lambda x: x * 2, out_dims=1)(torch.arange(6.0).view(2, 3)))
print("chunked vmap:", vmap(torch.trace, chunk_size=2)(torch.eye(3).expand(4, 3, 3)))

# randomness inside vmap: an error by default, opt in with "same" or "different"
noisy = lambda t: t + 0.1 * torch.randn(3)
try:
    vmap(noisy)(torch.zeros(4, 3))
except RuntimeError as e:
    print(type(e).__name__, e)
torch.manual_seed(5)
same = vmap(noisy, randomness="same")(torch.zeros(4, 3))
print("same noise for every sample:", same[0], bool((same == same[0]).all()))
print("generator after 'same':", torch.rand(2))
torch.manual_seed(5)
print("'different' noise:", vmap(noisy, randomness="different")(torch.zeros(2, 3)))

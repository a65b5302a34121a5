"""DARTS-style differentiable architecture search (Liu et al.), written like the common minimal
reimplementations: a candidate-operation list (none / skip / pooling / separable-ish convs), MixedOp
weighting each op by softmax of architecture parameters alpha, a cell over a DAG of nodes, alphas
kept apart from the weights (arch_parameters()), two optimizers (SGD with cosine schedule for the
weights, Adam for alphas), first-order bilevel steps and the second-order unrolled approximation with
torch.autograd.grad and finite differences, then genotype derivation with topk over the alphas."""
import copy
from collections import namedtuple

import torch
import torch.nn as nn
import torch.nn.functional as F

PRIMITIVES = ["none", "max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3", "dil_conv_3x3"]
Genotype = namedtuple("Genotype", "normal normal_concat")


class Zero(nn.Module):
    def forward(self, x):
        return x.mul(0.)


class ReLUConvBN(nn.Module):
    def __init__(self, C_in, C_out, kernel_size, padding, dilation=1, groups=1):
        super().__init__()
        self.op = nn.Sequential(
            nn.ReLU(inplace=False),
            nn.Conv2d(C_in, C_in, kernel_size, padding=padding, dilation=dilation, groups=groups, bias=False),
            nn.Conv2d(C_in, C_out, 1, bias=False),
            nn.BatchNorm2d(C_out, affine=False))

    def forward(self, x):
        return self.op(x)


OPS = {
    "none": lambda C: Zero(),
    "max_pool_3x3": lambda C: nn.MaxPool2d(3, stride=1, padding=1),
    "avg_pool_3x3": lambda C: nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False),
    "skip_connect": lambda C: nn.Identity(),
    "sep_conv_3x3": lambda C: ReLUConvBN(C, C, 3, 1, groups=C),
    "dil_conv_3x3": lambda C: ReLUConvBN(C, C, 3, 2, dilation=2, groups=C),
}


class MixedOp(nn.Module):
    def __init__(self, C):
        super().__init__()
        self._ops = nn.ModuleList()
        for primitive in PRIMITIVES:
            op = OPS[primitive](C)
            if "pool" in primitive:
                op = nn.Sequential(op, nn.BatchNorm2d(C, affine=False))
            self._ops.append(op)

    def forward(self, x, weights):
        return sum(w * op(x) for w, op in zip(weights, self._ops))


class Cell(nn.Module):
    def __init__(self, steps, C):
        super().__init__()
        self._steps = steps
        self._ops = nn.ModuleList()
        for i in range(self._steps):
            for j in range(1 + i):
                self._ops.append(MixedOp(C))

    def forward(self, s0, weights):
        states = [s0]
        offset = 0
        for i in range(self._steps):
            s = sum(self._ops[offset + j](h, weights[offset + j]) for j, h in enumerate(states))
            offset += len(states)
            states.append(s)
        return torch.cat(states[-self._steps:], dim=1)


class Network(nn.Module):
    def __init__(self, C=4, num_classes=3, steps=2):
        super().__init__()
        self._C, self._steps, self._num_classes = C, steps, num_classes
        self.stem = nn.Sequential(nn.Conv2d(1, C, 3, padding=1, bias=False), nn.BatchNorm2d(C))
        self.cell = Cell(steps, C)
        self.classifier = nn.Linear(C * steps, num_classes)
        self._initialize_alphas()

    def _initialize_alphas(self):
        k = sum(1 for i in range(self._steps) for n in range(1 + i))
        self.alphas_normal = nn.Parameter(1e-3 * torch.randn(k, len(PRIMITIVES)))
        self._arch_parameters = [self.alphas_normal]

    def arch_parameters(self):
        return self._arch_parameters

    def weights(self):
        return [p for n, p in self.named_parameters() if "alphas" not in n]

    def new(self):
        model_new = Network(self._C, self._num_classes, self._steps)
        for x, y in zip(model_new.arch_parameters(), self.arch_parameters()):
            x.data.copy_(y.data)
        return model_new

    def forward(self, x):
        s0 = self.stem(x)
        weights = F.softmax(self.alphas_normal, dim=-1)
        out = self.cell(s0, weights)
        out = F.adaptive_avg_pool2d(out, 1)
        return self.classifier(out.view(out.size(0), -1))

    def _loss(self, x, y):
        return F.cross_entropy(self(x), y)

    def genotype(self):
        def _parse(weights):
            gene, start, n = [], 0, 1
            for i in range(self._steps):
                end = start + n
                W = weights[start:end].copy()
                edges = sorted(range(i + 1), key=lambda x: -max(W[x][k] for k in range(len(W[x]))
                                                               if k != PRIMITIVES.index("none")))[:2]
                for j in edges:
                    k_best = None
                    for k in range(len(W[j])):
                        if k != PRIMITIVES.index("none"):
                            if k_best is None or W[j][k] > W[j][k_best]:
                                k_best = k
                    gene.append((PRIMITIVES[k_best], j))
                start = end
                n += 1
            return gene
        gene_normal = _parse(F.softmax(self.alphas_normal, dim=-1).data.cpu().numpy())
        return Genotype(normal=gene_normal, normal_concat=list(range(1, 1 + self._steps)))


def _concat(xs):
    return torch.cat([x.view(-1) for x in xs])


class Architect:
    def __init__(self, model, momentum=0.9, weight_decay=3e-4, arch_lr=3e-3):
        self.network_momentum, self.network_weight_decay = momentum, weight_decay
        self.model = model
        self.optimizer = torch.optim.Adam(self.model.arch_parameters(), lr=arch_lr, betas=(0.5, 0.999),
                                          weight_decay=1e-3)

    def step(self, x_train, y_train, x_valid, y_valid, eta, w_optimizer, unrolled):
        self.optimizer.zero_grad()
        if unrolled:
            self._backward_step_unrolled(x_train, y_train, x_valid, y_valid, eta, w_optimizer)
        else:
            self.model._loss(x_valid, y_valid).backward()
        self.optimizer.step()

    def _compute_unrolled_model(self, x, y, eta, w_optimizer):
        loss = self.model._loss(x, y)
        theta = _concat(self.model.weights()).data
        try:
            moment = _concat(w_optimizer.state[v]["momentum_buffer"] for v in self.model.weights()).mul_(
                self.network_momentum)
        except KeyError:
            moment = torch.zeros_like(theta)
        dtheta = _concat(torch.autograd.grad(loss, self.model.weights())).data + self.network_weight_decay * theta
        return self._construct_model_from_theta(theta.sub(moment + dtheta, alpha=eta))

    def _construct_model_from_theta(self, theta):
        model_new = self.model.new()
        model_dict = self.model.state_dict()
        params, offset = {}, 0
        for k, v in self.model.named_parameters():
            if "alphas" in k:
                continue
            v_length = v.numel()
            params[k] = theta[offset: offset + v_length].view(v.size())
            offset += v_length
        assert offset == len(theta)
        model_dict.update(params)
        model_new.load_state_dict(model_dict)
        return model_new

    def _backward_step_unrolled(self, x_train, y_train, x_valid, y_valid, eta, w_optimizer):
        unrolled_model = self._compute_unrolled_model(x_train, y_train, eta, w_optimizer)
        unrolled_loss = unrolled_model._loss(x_valid, y_valid)
        unrolled_loss.backward()
        dalpha = [v.grad for v in unrolled_model.arch_parameters()]
        vector = [v.grad.data for v in unrolled_model.weights()]
        implicit_grads = self._hessian_vector_product(vector, x_train, y_train)
        for g, ig in zip(dalpha, implicit_grads):
            g.data.sub_(ig.data, alpha=eta)
        for v, g in zip(self.model.arch_parameters(), dalpha):
            if v.grad is None:
                v.grad = g.data.clone()
            else:
                v.grad.data.copy_(g.data)

    def _hessian_vector_product(self, vector, x, y, r=1e-2):
        R = r / _concat(vector).norm()
        for p, v in zip(self.model.weights(), vector):
            p.data.add_(v, alpha=R)
        grads_p = torch.autograd.grad(self.model._loss(x, y), self.model.arch_parameters())
        for p, v in zip(self.model.weights(), vector):
            p.data.sub_(v, alpha=2 * R)
        grads_n = torch.autograd.grad(self.model._loss(x, y), self.model.arch_parameters())
        for p, v in zip(self.model.weights(), vector):
            p.data.add_(v, alpha=R)
        return [(x - y).div_(2 * R) for x, y in zip(grads_p, grads_n)]


torch.manual_seed(2)
x_all = torch.randn(48, 1, 6, 6)
y_all = (x_all.mean(dim=(1, 2, 3)) > 0).long() + (x_all[:, 0, 0, 0] > 1).long()
x_train, y_train, x_valid, y_valid = x_all[:24], y_all[:24], x_all[24:], y_all[24:]

model = Network()
print("alphas", model.alphas_normal.shape, model.alphas_normal.requires_grad, model.alphas_normal.is_leaf)
print("weights", len(model.weights()), "all params", len(list(model.parameters())),
      sum(p.numel() for p in model.weights()))
print(model.cell._ops[0]._ops[1])
w_opt = torch.optim.SGD(model.weights(), lr=0.05, momentum=0.9, weight_decay=3e-4)
epochs = 3
sched = torch.optim.lr_scheduler.CosineAnnealingLR(w_opt, float(epochs), eta_min=0.001)
architect = Architect(model)
for epoch in range(epochs):
    lr = sched.get_last_lr()[0]
    for step in range(0, 24, 8):
        xb, yb = x_train[step:step + 8], y_train[step:step + 8]
        xv, yv = x_valid[step:step + 8], y_valid[step:step + 8]
        architect.step(xb, yb, xv, yv, lr, w_opt, unrolled=(epoch == 2))
        w_opt.zero_grad()
        logits = model(xb)
        loss = F.cross_entropy(logits, yb)
        loss.backward()
        nn.utils.clip_grad_norm_(model.weights(), 5.0)
        w_opt.step()
    sched.step()
    acc = (logits.argmax(1) == yb).float().mean().item()
    print(f"epoch {epoch} lr {lr:.5f} loss {loss.item():.4f} acc {acc:.3f} "
          f"|alpha| {model.alphas_normal.abs().sum().item():.4f}")
print("alpha grad", model.alphas_normal.grad.shape, model.alphas_normal.grad.abs().max().item() > 0)
probs = F.softmax(model.alphas_normal, dim=-1)
print("softmax alphas", probs.detach().round(decimals=3))
print(model.genotype())
vals, idx = probs[:, 1:].topk(2, dim=-1)
print("top ops", [[PRIMITIVES[1 + i] for i in row] for row in idx.tolist()])
print("argmax", probs.argmax(-1).tolist(), probs.max(dim=-1))
print("arch state", list(architect.optimizer.state_dict()["state"][0].keys()),
      architect.optimizer.state_dict()["param_groups"][0]["betas"])
print("momentum keys", len(w_opt.state), sorted(w_opt.state_dict()["param_groups"][0].keys()))

# GDAS / SNAS flavour: hard Gumbel-softmax sampling of one op per edge, straight-through
torch.manual_seed(5)
alpha = torch.zeros(3, len(PRIMITIVES), requires_grad=True)
hard = F.gumbel_softmax(alpha, tau=1.0, hard=True)
print("hard", hard, hard.sum(-1), hard.grad_fn.name())
soft = F.gumbel_softmax(alpha, tau=0.5)
(hard * torch.arange(6.)).sum().backward()
print("st grad", alpha.grad.round(decimals=4))
print("soft rows", soft.sum(-1).round(decimals=4), soft.argmax(-1))
m = MixedOp(2)
xm = torch.randn(1, 2, 4, 4)
print("mixed one-hot", torch.allclose(m(xm, torch.eye(6)[3]), xm), m(xm, torch.eye(6)[0]).abs().sum())
pruned = copy.deepcopy(m)
del pruned._ops[0]
print(len(pruned._ops), type(pruned._ops[0]).__name__, type(pruned._ops[-1]).__name__)

# exact second-order hypergradient (no finite differences): one virtual SGD step kept in the graph
from torch.func import functional_call

torch.manual_seed(6)
net = Network(C=2, steps=1)
w_names = [n for n, _ in net.named_parameters() if "alphas" not in n]
w_params = {n: p for n, p in net.named_parameters() if "alphas" not in n}
xb, yb, xv, yv = x_train[:6], y_train[:6], x_valid[:6], y_valid[:6]
train_loss = F.cross_entropy(functional_call(net, w_params, (xb,)), yb)
grads = torch.autograd.grad(train_loss, list(w_params.values()), create_graph=True)
print("create_graph grads", [(n, g.grad_fn.name()) for n, g in zip(w_names, grads)][:3])
stem_g = grads[0]
print("stem grad node inputs", [type(f).__name__ for f, _ in stem_g.grad_fn.next_functions])
virtual = {n: p - 0.1 * g for (n, p), g in zip(w_params.items(), grads)}
val_loss = F.cross_entropy(functional_call(net, virtual, (xv,)), yv)
hyper = torch.autograd.grad(val_loss, net.alphas_normal)[0]
print(f"val loss {val_loss.item():.4f} hypergrad {hyper.abs().sum().item():.5f}")
print("hypergrad", hyper.round(decimals=4))
same = nn.Conv2d(2, 2, 2, padding="same", bias=False)
out = same(torch.randn(1, 2, 4, 4))
print("same even kernel", out.shape, out.grad_fn.name(), [type(f).__name__ for f, _ in out.grad_fn.next_functions])

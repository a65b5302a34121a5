"""Everyday utility idioms from tutorials and course code."""
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def set_seed(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False


set_seed(42)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print(device, device.type, torch.cuda.device_count())
print(torch.__version__.split("+")[0].count(".") >= 1)

model = nn.Sequential(nn.Linear(10, 20), nn.BatchNorm1d(20), nn.GELU(), nn.Dropout(0.1), nn.Linear(20, 3)).to(device)
print(model)
total = sum(p.numel() for p in model.parameters())
trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
print(f"Total params: {total:,} | trainable: {trainable:,}")
for name, module in model.named_modules():
    if isinstance(module, nn.Linear):
        nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
        nn.init.zeros_(module.bias)
        print(name, tuple(module.weight.shape), f"{module.weight.std().item():.3f}")


def init_weights(m):
    if type(m) == nn.Linear:
        nn.init.xavier_uniform_(m.weight)
        m.bias.data.fill_(0.01)


model.apply(init_weights)
print([round(p.sum().item(), 3) for p in model.parameters()][:3])
print(model[0].bias[:3], next(model.parameters()).device, next(model.parameters()).dtype)
print({k: tuple(v.shape) for k, v in model.state_dict().items()})

torch.set_printoptions(precision=2, sci_mode=False)
x = torch.randn(4, 10, device=device)
print(x[:2, :4])
torch.set_printoptions(profile="default")
print(torch.tensor([1e-5, 1.0, 1000.0]))
print(torch.tensor([123456.0, 0.001]))
print(torch.arange(2000).float())
torch.set_printoptions(linewidth=60)
print(torch.linspace(0, 1, 15))
torch.set_printoptions(profile="default")

# shape manipulation
a = torch.arange(24).view(2, 3, 4)
print(a.permute(2, 0, 1).shape, a.transpose(1, 2).contiguous().view(-1).shape)
print(a.view(-1)[:5], a.flatten(1).shape, a.reshape(6, -1).shape)
print(torch.stack([a, a], dim=0).shape, torch.stack([a, a], dim=-1).shape)
print(a.chunk(2, dim=2)[1].shape, [t.shape for t in a.split([1, 3], dim=2)])
print(a[0].unsqueeze(0).expand(3, -1, -1).shape, a[:, :1].repeat(1, 2, 1).shape)
print(a.sum(dim=(1, 2)), a.float().mean(-1), a.amax(dim=1))
print(torch.einsum("bij,bjk->bik", a.float(), a.float().transpose(1, 2)).shape)
print(torch.einsum("ii->i", torch.eye(3)), torch.einsum("i,j->ij", torch.arange(3.), torch.arange(2.)))
print(torch.where(a > 12, a, torch.zeros_like(a))[1])
print(torch.where(a[0] % 2 == 0))
print(torch.clamp(a, min=3, max=10)[0], a.clamp(max=5).max())
idx = torch.tensor([[0, 2], [1, 3], [3, 0]])
print(a[0].gather(1, idx))
print(torch.gather(a[1], 0, torch.tensor([[2, 1, 0, 0]])))
print(a[0].scatter(1, idx, -1))
print(a.float().softmax(-1)[0, 0], F.log_softmax(a.float(), dim=-1)[0, 0])
print(torch.allclose(a.float(), a.float() + 1e-7), torch.equal(a, a.clone()))
print(a.max(dim=-1).indices, a.float().norm(), a.float().norm(dim=-1, p=1))
print(torch.topk(a.flatten(), 3), torch.argsort(torch.tensor([3, 1, 2]), descending=True))
print(torch.tril(torch.ones(3, 3)), torch.triu(torch.ones(3, 3), diagonal=1))
print(torch.outer(torch.arange(3), torch.arange(3)), torch.diag(torch.tensor([1, 2])))
print(torch.masked_select(a[0], a[0] > 8), a[0].masked_fill(a[0] < 5, 0))
print(torch.nonzero(a[0] == 5), (a[0] == 5).nonzero(as_tuple=True))
print(torch.unique(torch.tensor([3, 1, 3, 2, 1])), torch.flip(torch.arange(4), dims=[0]))
print(torch.cumsum(torch.arange(5), dim=0), torch.cumprod(torch.arange(1, 5), 0))
print(torch.meshgrid(torch.arange(2), torch.arange(3), indexing="ij")[1])
print(torch.roll(torch.arange(5), 2), torch.arange(6).view(2, 3).t())
print(F.one_hot(torch.tensor([0, 2]), 3), F.pad(torch.ones(2, 2), (1, 1)))
print(torch.zeros(2, 3).new_ones(2), torch.ones(3).new_zeros((2, 2)), torch.ones(2).new_full((2,), 7.))
print(torch.tensor([1, 2, 3]).to(torch.float32) / 2, torch.tensor([1.7, -1.2]).long())
print(torch.tensor(3.14159).item(), round(torch.tensor(2.71828).item(), 3))
print(torch.tensor([[1, 2], [3, 4]]).tolist(), torch.tensor([[1, 2], [3, 4]]).numpy())
print(torch.from_numpy(np.arange(3)).dtype, torch.as_tensor([1.0, 2.0]).dtype, torch.tensor(np.float32(2)))
print(torch.get_default_dtype(), torch.is_floating_point(torch.ones(1)), torch.ones(2, dtype=torch.bool))
print(torch.finfo(torch.float32).eps, torch.iinfo(torch.int64).max, torch.finfo(torch.float16).max)
print(torch.isnan(torch.tensor([float("nan"), 1.0])), torch.isinf(torch.tensor([float("inf")])))
print(torch.tensor([1.0, float("nan")]).nan_to_num(0.0), torch.full((2,), float("inf")))
print(torch.empty(0), torch.zeros(0, 3).shape, torch.tensor([]).sum())
print(torch.randperm(6), torch.randint(0, 10, (5,)), torch.rand(3).round(decimals=3))
print(torch.bernoulli(torch.full((6,), 0.5)), torch.normal(torch.zeros(3), 1.0).round(decimals=3))
print(torch.multinomial(torch.tensor([0.1, 0.6, 0.3]), 5, replacement=True))
g = torch.Generator().manual_seed(3)
print(torch.randn(2, generator=g), torch.initial_seed())
state = torch.get_rng_state()
r1 = torch.rand(2)
torch.set_rng_state(state)
print(torch.equal(r1, torch.rand(2)))
with torch.random.fork_rng():
    torch.rand(5)
print(torch.rand(1))
print(np.random.rand(2).round(3), random.random() < 1)

# model modes, hooks and named things
model.eval()
with torch.inference_mode():
    out = model(x)
print(out.shape, out.requires_grad, model.training, model[1].training)
model.train()
acts = {}
h = model[0].register_forward_hook(lambda m, i, o: acts.__setitem__("lin0", o.detach()))
model(x)
h.remove()
print(acts["lin0"].shape)
print([n for n, _ in model.named_children()], len(list(model.modules())))
print(model[0].weight.grad is None, model[-1].out_features)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10)
for step in range(3):
    opt.zero_grad()
    loss = F.cross_entropy(model(x), torch.tensor([0, 1, 2, 1]), label_smoothing=0.1)
    loss.backward()
    gn = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    sched.step()
    print(f"step {step} loss={loss.item():.4f} gn={gn:.3f} lr={opt.param_groups[0]['lr']:.5f}")
print(f"{loss:.3f}", "{:.2e}".format(loss.item()), f"{loss.item():8.4f}|")
print(repr(torch.tensor(0.5)), str(torch.tensor([1.5])), torch.tensor(2) + 3, 3 * torch.ones(2))
print(torch.Size([2, 3]), torch.Size([2, 3])[1], list(torch.Size([2, 3])), torch.Size([2, 3]).numel())
print(torch.tensor([[1., 2.], [3., 4.]]).det(), torch.linalg.inv(torch.tensor([[2., 0.], [0., 4.]])))
print(torch.linalg.norm(torch.tensor([3., 4.])), torch.linalg.matrix_norm(torch.eye(2)))
print(x.detach().cpu().numpy().shape, x.data.shape, x.clone().detach().requires_grad_(True).is_leaf)

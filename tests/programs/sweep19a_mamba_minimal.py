"""A minimal Mamba (selective state-space model) in one file, in the style of the popular
"mamba-minimal" repositories: ModelArgs dataclass, in_proj splitting into x and residual, a causal
depthwise Conv1d (padding then slicing off the tail), x_proj producing delta/B/C, dt_proj with
softplus, A stored as -exp(A_log), einsum-based discretisation, a sequential selective scan written
as a Python loop, RMSNorm, weight tying, and a few training steps on a toy copy task."""
import math
from dataclasses import dataclass
from typing import Union

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class ModelArgs:
    d_model: int
    n_layer: int
    vocab_size: int
    d_state: int = 8
    expand: int = 2
    dt_rank: Union[int, str] = 'auto'
    d_conv: int = 4
    pad_vocab_size_multiple: int = 8
    conv_bias: bool = True
    bias: bool = False

    def __post_init__(self):
        self.d_inner = int(self.expand * self.d_model)
        if self.dt_rank == 'auto':
            self.dt_rank = math.ceil(self.d_model / 16)
        if self.vocab_size % self.pad_vocab_size_multiple != 0:
            self.vocab_size += (self.pad_vocab_size_multiple
                                - self.vocab_size % self.pad_vocab_size_multiple)


class RMSNorm(nn.Module):
    def __init__(self, d_model: int, eps: float = 1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d_model))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight

    def extra_repr(self):
        return f"{tuple(self.weight.shape)}, eps={self.eps}"


class MambaBlock(nn.Module):
    def __init__(self, args: ModelArgs):
        super().__init__()
        self.args = args
        self.in_proj = nn.Linear(args.d_model, args.d_inner * 2, bias=args.bias)
        self.conv1d = nn.Conv1d(in_channels=args.d_inner, out_channels=args.d_inner, bias=args.conv_bias,
                                kernel_size=args.d_conv, groups=args.d_inner, padding=args.d_conv - 1)
        self.x_proj = nn.Linear(args.d_inner, args.dt_rank + args.d_state * 2, bias=False)
        self.dt_proj = nn.Linear(args.dt_rank, args.d_inner, bias=True)
        A = torch.arange(1, args.d_state + 1).repeat(args.d_inner, 1)
        self.A_log = nn.Parameter(torch.log(A))
        self.D = nn.Parameter(torch.ones(args.d_inner))
        self.out_proj = nn.Linear(args.d_inner, args.d_model, bias=args.bias)

    def forward(self, x):
        (b, l, d) = x.shape
        x_and_res = self.in_proj(x)  # (b, l, 2 * d_in)
        (x, res) = x_and_res.split(split_size=[self.args.d_inner, self.args.d_inner], dim=-1)
        x = x.transpose(1, 2)  # b d_in l
        x = self.conv1d(x)[:, :, :l]
        x = x.transpose(1, 2)
        x = F.silu(x)
        y = self.ssm(x)
        y = y * F.silu(res)
        return self.out_proj(y)

    def ssm(self, x):
        (d_in, n) = self.A_log.shape
        A = -torch.exp(self.A_log.float())  # (d_in, n)
        D = self.D.float()
        x_dbl = self.x_proj(x)  # (b, l, dt_rank + 2*n)
        (delta, B, C) = x_dbl.split(split_size=[self.args.dt_rank, n, n], dim=-1)
        delta = F.softplus(self.dt_proj(delta))  # (b, l, d_in)
        return self.selective_scan(x, delta, A, B, C, D)

    def selective_scan(self, u, delta, A, B, C, D):
        (b, l, d_in) = u.shape
        n = A.shape[1]
        deltaA = torch.exp(torch.einsum('bld,dn->bldn', delta, A))
        deltaB_u = torch.einsum('bld,bln,bld->bldn', delta, B, u)
        x = torch.zeros((b, d_in, n), device=deltaA.device)
        ys = []
        for i in range(l):
            x = deltaA[:, i] * x + deltaB_u[:, i]
            y = torch.einsum('bdn,bn->bd', x, C[:, i, :])
            ys.append(y)
        y = torch.stack(ys, dim=1)  # shape (b, l, d_in)
        y = y + u * D
        return y


class ResidualBlock(nn.Module):
    def __init__(self, args: ModelArgs):
        super().__init__()
        self.args = args
        self.mixer = MambaBlock(args)
        self.norm = RMSNorm(args.d_model)

    def forward(self, x):
        return self.mixer(self.norm(x)) + x


class Mamba(nn.Module):
    def __init__(self, args: ModelArgs):
        super().__init__()
        self.args = args
        self.embedding = nn.Embedding(args.vocab_size, args.d_model)
        self.layers = nn.ModuleList([ResidualBlock(args) for _ in range(args.n_layer)])
        self.norm_f = RMSNorm(args.d_model)
        self.lm_head = nn.Linear(args.d_model, args.vocab_size, bias=False)
        self.lm_head.weight = self.embedding.weight  # tie weights

    def forward(self, input_ids):
        x = self.embedding(input_ids)
        for layer in self.layers:
            x = layer(x)
        x = self.norm_f(x)
        return self.lm_head(x)


torch.manual_seed(0)
args = ModelArgs(d_model=16, n_layer=2, vocab_size=13)
print(args)
model = Mamba(args)
print(model)
n_params = sum(p.numel() for p in model.parameters())
n_all = sum(p.numel() for p in model.state_dict().values())
print("params", n_params, "state_dict numel", n_all, "tied:", model.lm_head.weight is model.embedding.weight)
print([(k, tuple(v.shape)) for k, v in model.state_dict().items()][:9])
print(model.layers[0].mixer.A_log[:2].round(decimals=4))

blk = model.layers[0].mixer
x = torch.randn(2, 5, 16)
xr = blk.in_proj(x)
print("in_proj", xr.shape, [t.shape for t in xr.split([32, 32], dim=-1)])
conv_out = blk.conv1d(xr[..., :32].transpose(1, 2))
print("conv (padded)", conv_out.shape, "sliced", conv_out[:, :, :5].shape, conv_out.grad_fn.name())
with torch.no_grad():
    y = blk(x)
print("block out", y.shape, y[0, :2, :4].round(decimals=4))
print("softplus", F.softplus(torch.tensor([-30.0, -1.0, 0.0, 1.0, 25.0])).round(decimals=5))
print("softplus beta", F.softplus(torch.tensor([-2.0, 0.5, 3.0]), beta=2, threshold=4).round(decimals=5))

# parallel check of the scan against a cumulative formulation for one step
u, delta = torch.randn(1, 3, 32), F.softplus(torch.randn(1, 3, 32))
A = -torch.exp(blk.A_log.detach())
Bm, Cm = torch.randn(1, 3, 8), torch.randn(1, 3, 8)
ys = blk.selective_scan(u, delta, A, Bm, Cm, blk.D.detach())
print("scan", ys.shape, ys[0, :, :3].round(decimals=4), ys.requires_grad)
first = torch.einsum('bd,bdn,bn->bd', delta[:, 0] * u[:, 0], torch.ones(1, 32, 8), Bm[:, 0] * Cm[:, 0]) \
    + u[:, 0] * blk.D.detach()
print("first step matches", torch.allclose(first, ys[:, 0], atol=1e-5))

# toy task: predict the token from 2 steps back
torch.manual_seed(1)
seq = torch.randint(1, 13, (8, 12))
inp, tgt = seq[:, 2:], seq[:, :-2]
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
for step in range(6):
    logits = model(inp)
    loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), tgt.reshape(-1))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    gn = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    print(f"step {step} loss {loss.item():.4f} grad_norm {gn.item():.3f}")
print("logits", logits.shape, logits.dtype, logits.grad_fn.name())
print("A_log grad", model.layers[1].mixer.A_log.grad.shape, model.layers[1].mixer.A_log.grad.abs().sum().item() > 0)
print("D", model.layers[0].mixer.D[:4].round(decimals=3))

# greedy generation with a growing context
model.eval()
ids = torch.tensor([[3, 7]])
with torch.inference_mode():
    for _ in range(4):
        nxt = model(ids)[:, -1].argmax(dim=-1, keepdim=True)
        ids = torch.cat([ids, nxt], dim=1)
print("generated", ids.tolist(), ids.is_inference())

# mamba-simple style dt initialisation: inverse softplus of a log-uniform dt
torch.manual_seed(4)
dt_min, dt_max, dt_init_floor, d_inner, dt_rank = 0.001, 0.1, 1e-4, 32, 1
dt_init_std = dt_rank ** -0.5
dt_proj = nn.Linear(dt_rank, d_inner, bias=True)
nn.init.uniform_(dt_proj.weight, -dt_init_std, dt_init_std)
dt = torch.exp(torch.rand(d_inner) * (math.log(dt_max) - math.log(dt_min)) + math.log(dt_min)).clamp(min=dt_init_floor)
inv_dt = dt + torch.log(-torch.expm1(-dt))
with torch.no_grad():
    dt_proj.bias.copy_(inv_dt)
dt_proj.bias._no_reinit = True
print("dt", dt[:3].round(decimals=5), "inv_dt", inv_dt[:3].round(decimals=3))
print("softplus(inv_dt) == dt", torch.allclose(F.softplus(inv_dt), dt, rtol=1e-4), hasattr(dt_proj.bias, "_no_reinit"))
A_log = nn.Parameter(torch.log(torch.arange(1, 5, dtype=torch.float32).repeat(d_inner, 1).contiguous()))
A_log._no_weight_decay = True
nd = [n for n, p in [("A_log", A_log), ("bias", dt_proj.bias)] if getattr(p, "_no_weight_decay", False)]
print("no wd", nd, A_log.shape, A_log.is_leaf)

# recurrent step with a rolling conv state (inference cache), checked against the full conv
blk.eval()
with torch.no_grad():
    xs = torch.randn(1, 6, 32)
    full = blk.conv1d(xs.transpose(1, 2))[..., :6].transpose(1, 2)
    conv_state = torch.zeros(1, 32, 4)
    outs = []
    for t in range(6):
        conv_state = torch.roll(conv_state, shifts=-1, dims=-1)
        conv_state[:, :, -1] = xs[:, t]
        w = blk.conv1d.weight.squeeze(1)  # (d, w)
        outs.append(torch.sum(conv_state * w, dim=-1) + blk.conv1d.bias)
    stepwise = torch.stack(outs, dim=1)
print("stepwise conv", stepwise.shape, torch.allclose(stepwise, full, atol=1e-5), w.shape)
fpad = F.conv1d(F.pad(xs.transpose(1, 2), (3, 0)), blk.conv1d.weight, blk.conv1d.bias, groups=32)
print("left pad conv", fpad.shape, torch.allclose(fpad.transpose(1, 2), full, atol=1e-5))
print("unflatten", xs.unflatten(-1, (4, 8)).shape, xs.flatten(0, 1).shape, xs.movedim(-1, 1).shape)
e = torch.einsum('...ld,dn->...ldn', torch.ones(2, 3, 4), torch.arange(8.).view(4, 2))
print("einsum ellipsis", e.shape, e[0, 0].tolist())
cs = torch.cumsum(torch.log(torch.tensor([0.5, 0.5, 0.25])), dim=0).exp()
print("cumprod via cumsum", cs.tolist(), torch.cumprod(torch.tensor([0.5, 0.5, 0.25]), 0).tolist())

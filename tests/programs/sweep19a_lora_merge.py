"""LoRA fine-tuning in the style of loralib / minLoRA blog posts: a LoRALinear wrapper around an
existing nn.Linear (kaiming_uniform_ A with a=sqrt(5), zero B, scaling alpha / r, dropout on the
adapter path), replacing the attention projections of a pretrained model by walking
named_modules / setattr, freezing everything else, counting trainable parameters, training,
merging B @ A into the base weight (and unmerging), a state_dict of only the LoRA parameters,
and load_state_dict(strict=False) printing the returned missing / unexpected keys."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int = 4, lora_alpha: int = 8, lora_dropout: float = 0.0):
        super().__init__()
        self.base = base
        self.r, self.lora_alpha = r, lora_alpha
        self.scaling = lora_alpha / r
        self.lora_A = nn.Parameter(base.weight.new_zeros((r, base.in_features)))
        self.lora_B = nn.Parameter(base.weight.new_zeros((base.out_features, r)))
        self.lora_dropout = nn.Dropout(p=lora_dropout) if lora_dropout > 0. else nn.Identity()
        self.merged = False
        self.base.weight.requires_grad = False
        if self.base.bias is not None:
            self.base.bias.requires_grad_(False)
        self.reset_parameters()

    def reset_parameters(self):
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        nn.init.zeros_(self.lora_B)

    def delta_weight(self):
        return (self.lora_B @ self.lora_A) * self.scaling

    @torch.no_grad()
    def merge(self):
        if not self.merged:
            self.base.weight.data += self.delta_weight()
            self.merged = True

    @torch.no_grad()
    def unmerge(self):
        if self.merged:
            self.base.weight.data -= self.delta_weight()
            self.merged = False

    def forward(self, x):
        result = self.base(x)
        if self.r > 0 and not self.merged:
            result = result + (self.lora_dropout(x) @ self.lora_A.transpose(0, 1)
                               @ self.lora_B.transpose(0, 1)) * self.scaling
        return result

    def extra_repr(self):
        return f"r={self.r}, alpha={self.lora_alpha}, merged={self.merged}"


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.q_proj = nn.Linear(dim, dim)
        self.k_proj = nn.Linear(dim, dim)
        self.v_proj = nn.Linear(dim, dim)
        self.o_proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = (p(x).view(B, T, self.heads, -1).transpose(1, 2) for p in (self.q_proj, self.k_proj, self.v_proj))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.o_proj(y.transpose(1, 2).reshape(B, T, C))


class TinyLM(nn.Module):
    def __init__(self, vocab=20, dim=16, heads=2, layers=2):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim)
        self.blocks = nn.ModuleList([nn.ModuleDict({"ln": nn.LayerNorm(dim), "attn": Attention(dim, heads),
                                                    "mlp": nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(),
                                                                         nn.Linear(2 * dim, dim))})
                                     for _ in range(layers)])
        self.out = nn.Linear(dim, vocab, bias=False)

    def forward(self, idx):
        x = self.tok(idx)
        for b in self.blocks:
            x = x + b["attn"](b["ln"](x))
            x = x + b["mlp"](x)
        return self.out(x)


def inject_lora(model, target_names=("q_proj", "v_proj"), **kw):
    for name, module in list(model.named_modules()):
        for child_name, child in list(module.named_children()):
            if child_name in target_names and isinstance(child, nn.Linear):
                setattr(module, child_name, LoRALinear(child, **kw))
    return model


def mark_only_lora_as_trainable(model, bias="none"):
    for n, p in model.named_parameters():
        if "lora_" not in n:
            p.requires_grad = False


def lora_state_dict(model):
    return {k: v for k, v in model.state_dict().items() if "lora_" in k}


def count(model):
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    return trainable, total, f"trainable%: {100 * trainable / total:.4f}"


torch.manual_seed(0)
base = nn.Linear(6, 5)
lora = LoRALinear(base, r=2, lora_alpha=4)
print(lora)
print("A", lora.lora_A.shape, lora.lora_A.round(decimals=4))
print("B", lora.lora_B.shape, lora.lora_B.abs().sum().item(), "scaling", lora.scaling)
x = torch.randn(3, 6)
print("zero B => same as base", torch.equal(lora(x), base(x)))
bound = 1 / math.sqrt(6)
print("A within kaiming bound", bool((lora.lora_A.abs() <= bound).all()), round(bound, 6))
print([(n, p.requires_grad) for n, p in lora.named_parameters()])

# pretrain a tiny LM briefly, then adapt with LoRA on a shifted task
torch.manual_seed(1)
model = TinyLM()
data = torch.randint(0, 20, (16, 9))
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
for step in range(3):
    logits = model(data[:, :-1])
    loss = F.cross_entropy(logits.flatten(0, 1), data[:, 1:].flatten())
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"pretrain loss {loss.item():.4f}")
pretrained = {k: v.clone() for k, v in model.state_dict().items()}

inject_lora(model, r=4, lora_alpha=8, lora_dropout=0.1)
mark_only_lora_as_trainable(model)
print(model.blocks[0]["attn"])
print("counts", count(model))
print("trainable names", [n for n, p in model.named_parameters() if p.requires_grad])
print("state_dict keys", [k for k in model.state_dict() if k.startswith("blocks.0.attn")])

target = (data + 3) % 20
opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=2e-2, weight_decay=0.0)
model.train()
for step in range(6):
    logits = model(data[:, :-1])
    loss = F.cross_entropy(logits.flatten(0, 1), target[:, 1:].flatten())
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    print(f"lora step {step} loss {loss.item():.4f}")
q = model.blocks[0]["attn"].q_proj
print("frozen untouched", torch.equal(q.base.weight, pretrained["blocks.0.attn.q_proj.weight"]),
      q.base.weight.grad is None, model.out.weight.grad is None)
print("B now", q.lora_B.abs().sum().item() > 0, q.lora_B.grad.shape)

model.eval()
with torch.no_grad():
    before = model(data[:4, :-1])
    for m in model.modules():
        if isinstance(m, LoRALinear):
            m.merge()
    after = model(data[:4, :-1])
print(q)
print("merged equals adapter", torch.allclose(before, after, atol=1e-5), (before - after).abs().max().item() < 1e-4)
print("delta", q.delta_weight().shape, q.delta_weight().requires_grad, q.delta_weight()[0, :3].round(decimals=4))
q.unmerge()
print("unmerged close", torch.allclose(q.base.weight, pretrained["blocks.0.attn.q_proj.weight"], atol=1e-6), q.merged)
q.merge()

sd = lora_state_dict(model)
print("lora sd", len(sd), list(sd)[:2], sum(v.numel() for v in sd.values()))
torch.manual_seed(5)
fresh = inject_lora(TinyLM(), r=4, lora_alpha=8)
fresh.load_state_dict(pretrained, strict=False)
res = fresh.load_state_dict(sd, strict=False)
print(type(res).__name__, len(res.missing_keys), res.missing_keys[:3], res.unexpected_keys)
print(res._fields, len(res))
res2 = fresh.load_state_dict({**pretrained, "extra.weight": torch.zeros(1)}, strict=False)
print("missing", res2.missing_keys[:2], "unexpected", res2.unexpected_keys)
try:
    fresh.load_state_dict(sd)
except RuntimeError as e:
    print("strict error:", str(e)[:300])
with torch.no_grad():
    f_out = fresh(data[:4, :-1])
print("reloaded matches before merge", torch.allclose(f_out, before, atol=1e-5))
try:
    fresh.load_state_dict({"blocks.0.attn.q_proj.lora_A": torch.zeros(3, 16)}, strict=False)
except RuntimeError as e:
    print("shape error:", str(e))

# minLoRA style: the adapter as a weight parametrization, merged by removing the parametrization
import io
from functools import partial

import torch.nn.utils.parametrize as parametrize


class LoRAParametrization(nn.Module):
    def __init__(self, fan_in, fan_out, rank=2, lora_alpha=1):
        super().__init__()
        self.lora_A = nn.Parameter(torch.zeros((rank, fan_in)))
        self.lora_B = nn.Parameter(torch.zeros((fan_out, rank)))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.scale = lora_alpha / rank
        self.enabled = True

    def forward(self, X):
        if self.enabled:
            return X + torch.matmul(self.lora_B, self.lora_A).view(X.shape) * self.scale
        return X

    @classmethod
    def from_linear(cls, layer, rank=2, lora_alpha=1):
        fan_out, fan_in = layer.weight.shape
        return cls(fan_in, fan_out, rank=rank, lora_alpha=lora_alpha)


def add_lora(model, cfg):
    for name, layer in model.named_modules():
        if type(layer) in cfg:
            for attr_name, parametrization in cfg[type(layer)].items():
                parametrize.register_parametrization(layer, attr_name, parametrization(layer))


torch.manual_seed(11)
net = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 2))
x = torch.randn(5, 4)
y0 = net(x)
add_lora(net, {nn.Linear: {"weight": partial(LoRAParametrization.from_linear, rank=2, lora_alpha=4)}})
print(net)
print("is_parametrized", parametrize.is_parametrized(net[0]), parametrize.is_parametrized(net[0], "bias"),
      parametrize.is_parametrized(net[1]))
print("names", [n for n, _ in net.named_parameters()])
print("sd keys", list(net.state_dict().keys())[:4])
print("same output (B = 0)", torch.equal(net(x), y0), type(net[0].parametrizations).__name__,
      type(net[0].parametrizations.weight).__name__)
for n, p in net.named_parameters():
    p.requires_grad = "lora_" in n
opt = torch.optim.SGD([p for p in net.parameters() if p.requires_grad], lr=0.1, momentum=0.9)
tgt = torch.randn(5, 2)
for step in range(4):
    loss = F.mse_loss(net(x), tgt)
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"param lora step {step} loss {loss.item():.5f}")
w_eff = net[0].weight
print("weight", w_eff.shape, w_eff.grad_fn is not None, net[0].parametrizations.weight.original.requires_grad)
with torch.no_grad():
    adapted = net(x)
with parametrize.cached():
    print("cached same", torch.equal(net[0].weight, net[0].weight))
for m in net:
    if parametrize.is_parametrized(m):
        parametrize.remove_parametrizations(m, "weight", leave_parametrized=True)
print("merged", [n for n, _ in net.named_parameters()], torch.allclose(net(x), adapted, atol=1e-6))
print(net[0], type(net[0].weight).__name__, net[0].weight.requires_grad)

buf = io.BytesIO()
torch.save({k: v for k, v in sd.items()}, buf)
buf.seek(0)
loaded = torch.load(buf, weights_only=True)
print("saved/loaded", list(loaded)[:2],
      torch.equal(loaded["blocks.1.attn.v_proj.lora_B"], sd["blocks.1.attn.v_proj.lora_B"]))
print(model.get_submodule("blocks.0.attn.q_proj.base"), model.get_parameter("blocks.0.attn.q_proj.lora_A").shape)
model.requires_grad_(False)
print("all frozen", count(model)[0])
try:
    model.get_submodule("blocks.0.attn.nope")
except AttributeError as e:
    print("AttributeError:", e)

# LoRA on a Llama-style grouped-query attention block (fewer key/value heads, enable_gqa)
from torch.nn.attention import SDPBackend, sdpa_kernel


class GQAttention(nn.Module):
    def __init__(self, dim=16, n_heads=4, n_kv_heads=2):
        super().__init__()
        self.n_heads, self.n_kv_heads, self.head_dim = n_heads, n_kv_heads, dim // n_heads
        self.q_proj = nn.Linear(dim, n_heads * self.head_dim, bias=False)
        self.k_proj = nn.Linear(dim, n_kv_heads * self.head_dim, bias=False)
        self.v_proj = nn.Linear(dim, n_kv_heads * self.head_dim, bias=False)
        self.o_proj = nn.Linear(n_heads * self.head_dim, dim, bias=False)

    def forward(self, x):
        B, T, _ = x.shape
        q = self.q_proj(x).view(B, T, self.n_heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(B, T, self.n_kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(B, T, self.n_kv_heads, self.head_dim).transpose(1, 2)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
        self.attn_node = y.grad_fn.name() if y.grad_fn is not None else None
        return self.o_proj(y.transpose(1, 2).reshape(B, T, -1))


torch.manual_seed(12)
gqa = inject_lora(GQAttention(), r=2, lora_alpha=4)
mark_only_lora_as_trainable(gqa)
print(gqa)
xg = torch.randn(2, 5, 16)
yg = gqa(xg)
print("gqa out", yg.shape, yg.grad_fn.name(), gqa.attn_node, gqa.q_proj.base(xg).grad_fn)
print("k_proj graph", gqa.k_proj(xg).grad_fn, gqa.k_proj(xg).requires_grad)
opt = torch.optim.Adam([p for p in gqa.parameters() if p.requires_grad], lr=1e-2)
for step in range(3):
    loss = (gqa(xg) - xg).pow(2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"gqa lora step {step} loss {loss.item():.5f}")
print("A grad", gqa.v_proj.lora_A.grad.shape, gqa.v_proj.lora_A.grad.abs().sum().item() > 0)
with sdpa_kernel(SDPBackend.MATH):
    ym = gqa(xg)
print("math kernel", gqa.attn_node, torch.allclose(ym, gqa(xg), atol=1e-5))
qq = torch.randn(1, 4, 3, 4, requires_grad=True)
kv = torch.randn(1, 2, 3, 4, requires_grad=True)
out = F.scaled_dot_product_attention(qq, kv, kv, enable_gqa=True)
out.sum().backward()
print("gqa grads", out.grad_fn.name(), kv.grad.shape, qq.grad.shape, kv.grad.abs().sum().item() > 0)
try:
    F.scaled_dot_product_attention(qq, torch.randn(1, 3, 3, 4), torch.randn(1, 3, 3, 4), enable_gqa=True)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    F.scaled_dot_product_attention(qq, kv, kv)
except RuntimeError as e:
    print("RuntimeError:", e)
lin = nn.Linear(4, 3, bias=False)
print("no-bias linear graphs", lin(torch.randn(2, 5, 4)).grad_fn.name(), lin(torch.randn(4)).grad_fn.name(),
      lin(torch.randn(5, 4)).grad_fn.name(), nn.Linear(4, 3)(torch.randn(2, 5, 4)).grad_fn.name())

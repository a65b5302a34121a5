"""TransformerLens-style HookPoints on a tiny hand-built attention-only transformer: an nn.Identity
subclass named after its place in the model, a HookedModule walking named_modules to give every
HookPoint its name, run_with_cache storing detached activations in a dict (with names_filter),
attention patterns printed rounded, hooks added by name with prepend=True / always_call=True,
a forward pre-hook with with_kwargs=True, hook handles removed and the hook dicts inspected."""
import math
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F


class HookPoint(nn.Identity):
    """A no-op module whose only job is to be a place to hang hooks on."""
    def __init__(self):
        super().__init__()
        self.name = None

    def add_hook(self, fn, prepend=False, always_call=False):
        def wrapped(module, inp, out):
            return fn(out, hook=module)
        return self.register_forward_hook(wrapped, prepend=prepend, always_call=always_call)


class Attention(nn.Module):
    def __init__(self, d_model, n_heads, n_ctx):
        super().__init__()
        self.n_heads, self.d_head = n_heads, d_model // n_heads
        self.W_Q = nn.Parameter(torch.randn(n_heads, d_model, self.d_head) / math.sqrt(d_model))
        self.W_K = nn.Parameter(torch.randn(n_heads, d_model, self.d_head) / math.sqrt(d_model))
        self.W_V = nn.Parameter(torch.randn(n_heads, d_model, self.d_head) / math.sqrt(d_model))
        self.W_O = nn.Parameter(torch.randn(n_heads, self.d_head, d_model) / math.sqrt(self.d_head))
        self.register_buffer("mask", torch.tril(torch.ones(n_ctx, n_ctx, dtype=torch.bool)))
        self.hook_q, self.hook_k, self.hook_v = HookPoint(), HookPoint(), HookPoint()
        self.hook_attn_scores, self.hook_pattern, self.hook_z = HookPoint(), HookPoint(), HookPoint()

    def forward(self, x):
        # x: [batch, pos, d_model]
        q = self.hook_q(torch.einsum("bpd,hde->bphe", x, self.W_Q))
        k = self.hook_k(torch.einsum("bpd,hde->bphe", x, self.W_K))
        v = self.hook_v(torch.einsum("bpd,hde->bphe", x, self.W_V))
        # scores: [batch, head, query_pos, key_pos]
        scores = torch.einsum("bqhe,bkhe->bhqk", q, k) / self.d_head ** 0.5
        T = x.shape[1]
        scores = scores.masked_fill(~self.mask[:T, :T], float("-inf"))
        pattern = self.hook_pattern(self.hook_attn_scores(scores).softmax(dim=-1))
        z = self.hook_z(torch.einsum("bhqk,bkhe->bqhe", pattern, v))
        return torch.einsum("bqhe,hem->bqm", z, self.W_O)


class Block(nn.Module):
    def __init__(self, d_model, n_heads, n_ctx):
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = Attention(d_model, n_heads, n_ctx)
        self.hook_resid_pre, self.hook_attn_out, self.hook_resid_post = HookPoint(), HookPoint(), HookPoint()

    def forward(self, resid):
        resid = self.hook_resid_pre(resid)
        attn_out = self.hook_attn_out(self.attn(self.ln1(resid)))
        return self.hook_resid_post(resid + attn_out)


class TinyTransformer(nn.Module):
    def __init__(self, d_vocab=11, d_model=16, n_heads=2, n_layers=2, n_ctx=8):
        super().__init__()
        self.embed = nn.Embedding(d_vocab, d_model)
        self.pos_embed = nn.Parameter(torch.randn(n_ctx, d_model) * 0.1)
        self.hook_embed, self.hook_pos_embed = HookPoint(), HookPoint()
        self.blocks = nn.ModuleList([Block(d_model, n_heads, n_ctx) for _ in range(n_layers)])
        self.ln_final = nn.LayerNorm(d_model)
        self.unembed = nn.Linear(d_model, d_vocab, bias=False)
        self.setup()

    def setup(self):
        self.mod_dict = {}
        self.hook_dict = OrderedDict()
        for name, module in self.named_modules():
            if name == "":
                continue
            module.name = name
            self.mod_dict[name] = module
            if isinstance(module, HookPoint):
                self.hook_dict[name] = module

    def forward(self, tokens):
        T = tokens.shape[1]
        resid = self.hook_embed(self.embed(tokens)) + self.hook_pos_embed(self.pos_embed[:T])
        for block in self.blocks:
            resid = block(resid)
        return self.unembed(self.ln_final(resid))

    def run_with_cache(self, tokens, names_filter=None):
        cache, handles = {}, []

        def save_hook(act, hook):
            cache[hook.name] = act.detach()
        for name, hp in self.hook_dict.items():
            if names_filter is None or names_filter(name):
                handles.append(hp.add_hook(save_hook))
        try:
            logits = self(tokens)
        finally:
            for h in handles:
                h.remove()
        return logits, cache


torch.manual_seed(0)
model = TinyTransformer()
print(type(model.blocks[0].hook_resid_pre).__mro__[1].__name__, len(model.hook_dict))
print(list(model.hook_dict)[:6])
print(sum(p.numel() for p in model.parameters()), [n for n, _ in model.named_buffers()])

tokens = torch.randint(0, 11, (2, 6))
print(tokens)
logits, cache = model.run_with_cache(tokens)
print(logits.shape, len(cache), sorted(cache)[:4])
for name in ["hook_embed", "blocks.0.attn.hook_q", "blocks.0.attn.hook_pattern", "blocks.1.hook_resid_post"]:
    act = cache[name]
    print(f"{name:28s} {tuple(act.shape)} requires_grad={act.requires_grad} norm={act.norm().item():.4f}")

pattern = cache["blocks.0.attn.hook_pattern"]
print(pattern[0, 0].round(decimals=3))
print("rows sum to one:", torch.allclose(pattern.sum(-1), torch.ones(2, 2, 6)))
print("causal:", bool((pattern.triu(diagonal=1) == 0).all()))
print("prev-token score per head:", pattern.diagonal(offset=-1, dim1=-2, dim2=-1).mean((0, -1)).round(decimals=3))

_, resid_cache = model.run_with_cache(tokens, names_filter=lambda n: n.endswith("resid_post"))
print(list(resid_cache))
print(torch.equal(resid_cache["blocks.1.hook_resid_post"], cache["blocks.1.hook_resid_post"]))

# hooks ordering: prepend=True runs first, always_call survives an exception in an earlier hook
order = []
hp = model.blocks[0].hook_attn_out
h1 = hp.add_hook(lambda a, hook: order.append("first-registered"))
h2 = hp.add_hook(lambda a, hook: order.append("prepended"), prepend=True)
h3 = hp.add_hook(lambda a, hook: order.append("always"), always_call=True)
model(tokens)
print(order, len(hp._forward_hooks), list(hp._forward_hooks_always_called.values()))


def bad_hook(act, hook):
    raise RuntimeError(f"boom at {hook.name}")


order.clear()
h4 = hp.add_hook(bad_hook, prepend=True)
try:
    model(tokens)
except RuntimeError as e:
    print("caught:", e)
print(order)
for h in (h1, h2, h3, h4):
    h.remove()
print(len(hp._forward_hooks), len(hp._forward_hooks_always_called), h1.id < h2.id < h3.id < h4.id)

# forward pre-hook with kwargs rescaling the residual stream entering block 1
def scale_pre_hook(module, args, kwargs):
    (resid,) = args
    return (resid * kwargs.get("scale", 0.5),), kwargs


handle = model.blocks[1].register_forward_pre_hook(scale_pre_hook, with_kwargs=True)
with torch.no_grad():
    scaled = model(tokens)
handle.remove()
with torch.no_grad():
    plain = model(tokens)
print(f"{(scaled - plain).abs().max().item():.4f}", torch.equal(plain, logits.detach()))
print(model.blocks[1]._forward_pre_hooks_with_kwargs, len(model.blocks[1]._forward_pre_hooks))

# a hook that returns a value replaces the activation
with torch.no_grad():
    h = model.blocks[0].attn.hook_pattern.add_hook(lambda pat, hook: torch.tril(torch.ones_like(pat)) / torch.arange(1, 7).view(6, 1))
    _, c2 = model.run_with_cache(tokens, names_filter=lambda n: "pattern" in n)
    h.remove()
print(c2["blocks.0.attn.hook_pattern"][1, 1, :3].round(decimals=3))
print(c2["blocks.0.attn.hook_pattern"].requires_grad, c2["blocks.1.attn.hook_pattern"].grad_fn)

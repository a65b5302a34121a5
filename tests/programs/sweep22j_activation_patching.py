"""Activation patching in the style of the ARENA / TransformerLens "IOI" notebooks, on a tiny
hand-built transformer with an MLP: a clean and a corrupted prompt batch, the logit difference
metric, caching the clean run with forward hooks, patching the residual stream per (layer, position)
with a forward hook that returns a modified output, patching single attention heads through a
forward pre-hook with with_kwargs=True on the output projection, path-patching-style head
knockouts, a one-shot patching hook removing its own handle, and the normalised patching results
printed as rounded tensors."""
import functools

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(42)
D_VOCAB, D_MODEL, N_HEADS, D_HEAD, N_CTX, N_LAYERS = 12, 24, 3, 8, 5, 2


class Attn(nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(D_MODEL, 3 * N_HEADS * D_HEAD)
        self.out = nn.Linear(N_HEADS * D_HEAD, D_MODEL)

    def forward(self, x):
        B, T, _ = x.shape
        q, k, v = self.qkv(x).view(B, T, 3, N_HEADS, D_HEAD).unbind(dim=2)   # each [B, T, H, Dh]
        q, k, v = (t.transpose(1, 2) for t in (q, k, v))                     # [B, H, T, Dh]
        att = (q @ k.transpose(-2, -1)) * D_HEAD ** -0.5
        causal = torch.ones(T, T, dtype=torch.bool).tril()
        att = att.masked_fill(~causal, torch.finfo(att.dtype).min).softmax(-1)
        z = (att @ v).transpose(1, 2)                                        # [B, T, H, Dh]
        return self.out(z.reshape(B, T, N_HEADS * D_HEAD))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(D_MODEL), nn.LayerNorm(D_MODEL)
        self.attn = Attn()
        self.mlp = nn.Sequential(nn.Linear(D_MODEL, 4 * D_MODEL), nn.GELU(), nn.Linear(4 * D_MODEL, D_MODEL))

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(D_VOCAB, D_MODEL), nn.Embedding(N_CTX, D_MODEL)
        self.blocks = nn.ModuleList(Block() for _ in range(N_LAYERS))
        self.ln_f = nn.LayerNorm(D_MODEL)
        self.lm_head = nn.Linear(D_MODEL, D_VOCAB, bias=False)
        self.lm_head.weight = self.wte.weight          # tied embeddings
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.2)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=0.5)

    def forward(self, idx):
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))
        for b in self.blocks:
            x = b(x)
        return self.lm_head(self.ln_f(x))


model = GPT().eval()
for p in model.parameters():
    p.requires_grad_(False)
print(sum(p.numel() for p in model.parameters()), model.lm_head.weight is model.wte.weight)

clean = torch.tensor([[1, 5, 2, 7, 3], [4, 5, 9, 7, 6], [2, 8, 1, 7, 0]])
corrupt = clean.clone()
corrupt[:, 1] = torch.tensor([6, 3, 10])           # swap the "name" token
answers = torch.tensor([[5, 6], [5, 3], [8, 10]])  # (correct, wrong) next tokens


def logit_diff(logits, answers=answers):
    last = logits[:, -1, :]                                           # [batch, vocab]
    return (last.gather(-1, answers[:, :1]) - last.gather(-1, answers[:, 1:])).mean()


clean_cache = {}


def cache_hook(module, inp, out, name):
    clean_cache[name] = out.detach().clone()


hooks = [b.register_forward_hook(functools.partial(cache_hook, name=f"blocks.{i}.resid_post"))
         for i, b in enumerate(model.blocks)]
hooks.append(model.wte.register_forward_hook(functools.partial(cache_hook, name="embed")))
for i, b in enumerate(model.blocks):
    hooks.append(b.attn.out.register_forward_pre_hook(
        lambda m, args, i=i: clean_cache.__setitem__(f"blocks.{i}.attn.z", args[0].detach().clone())))
with torch.inference_mode():
    clean_logits = model(clean)
for h in hooks:
    h.remove()
with torch.inference_mode():
    corrupt_logits = model(corrupt)
clean_ld, corrupt_ld = logit_diff(clean_logits).item(), logit_diff(corrupt_logits).item()
print(f"clean {clean_ld:.3f} corrupted {corrupt_ld:.3f}")
print(sorted(clean_cache), clean_cache["blocks.0.attn.z"].shape, clean_cache["embed"].is_inference())


def patch_resid(module, inp, out, pos, clean_act):
    out = out.clone()
    out[:, pos] = clean_act[:, pos]
    return out


results = torch.zeros(N_LAYERS, N_CTX)
with torch.no_grad():
    for layer in range(N_LAYERS):
        for pos in range(N_CTX):
            hook = functools.partial(patch_resid, pos=pos, clean_act=clean_cache[f"blocks.{layer}.resid_post"])
            with model.blocks[layer].register_forward_hook(hook):
                patched = model(corrupt)
            results[layer, pos] = (logit_diff(patched) - corrupt_ld) / (clean_ld - corrupt_ld)
print("resid patching (layer x pos):")
print(results.round(decimals=2))
print(len(model.blocks[0]._forward_hooks), results[-1, -1].item() == 1.0 or abs(results[-1, -1].item() - 1) < 1e-5)


def patch_head_pre(module, args, kwargs, head, clean_z):
    (z,) = args                                                       # [batch, pos, head*d_head]
    z = z.unflatten(-1, (N_HEADS, D_HEAD)).clone()
    z[:, :, head] = clean_z.unflatten(-1, (N_HEADS, D_HEAD))[:, :, head]
    return (z.flatten(-2),), kwargs


head_results = torch.empty(N_LAYERS, N_HEADS)
for layer in range(N_LAYERS):
    for head in range(N_HEADS):
        h = model.blocks[layer].attn.out.register_forward_pre_hook(
            functools.partial(patch_head_pre, head=head, clean_z=clean_cache[f"blocks.{layer}.attn.z"]),
            with_kwargs=True)
        with torch.no_grad():
            ld = logit_diff(model(corrupt))
        h.remove()
        head_results[layer, head] = (ld - corrupt_ld) / (clean_ld - corrupt_ld)
print("head patching (layer x head):")
print(head_results.round(decimals=3))
top = head_results.flatten().topk(2)
print([divmod(i, N_HEADS) for i in top.indices.tolist()], top.values.round(decimals=2))


# head knockout: zero a head's z, measured on the clean run
def knockout(module, args, head):
    z = args[0].view(*args[0].shape[:-1], N_HEADS, D_HEAD).clone()
    z[..., head, :] = 0.0
    return z.view(args[0].shape)


drops = []
for layer in range(N_LAYERS):
    for head in range(N_HEADS):
        h = model.blocks[layer].attn.out.register_forward_pre_hook(functools.partial(knockout, head=head))
        with torch.inference_mode():
            drops.append(clean_ld - logit_diff(model(clean)).item())
        h.remove()
print([f"{d:+.3f}" for d in drops])

# the same patch as a single pass with the metric's gradient (attribution patching)
model.requires_grad_(False)
acts = {}


def keep_grad(module, inp, out, name):
    out.retain_grad()
    acts[name] = out


handles = [b.register_forward_hook(functools.partial(keep_grad, name=i)) for i, b in enumerate(model.blocks)]
emb = model.wte(corrupt).requires_grad_(True)
x = emb + model.wpe(torch.arange(N_CTX))
for b in model.blocks:
    x = b(x)
metric = logit_diff(model.lm_head(model.ln_f(x)))
metric.backward()
for h in handles:
    h.remove()
attr = torch.stack([((clean_cache[f"blocks.{i}.resid_post"] - acts[i].detach()) * acts[i].grad).sum((0, 2))
                    for i in range(N_LAYERS)]) / (clean_ld - corrupt_ld) / 3
print(attr.round(decimals=2), acts[0].grad.shape, emb.grad.abs().sum().item() > 0)

# a one-shot patch: the hook removes its own handle, so only the first forward is patched
seen = []


def patch_once(module, inp, out):
    seen.append("patched")
    once_handle.remove()
    return clean_cache["blocks.0.resid_post"]


once_handle = model.blocks[0].register_forward_hook(patch_once)
model.blocks[0].register_forward_hook(lambda m, i, o: seen.append(tuple(o.shape)))
with torch.no_grad():
    first, second = logit_diff(model(corrupt)).item(), logit_diff(model(corrupt)).item()
print(f"{first:.3f} {second:.3f}", seen, len(model.blocks[0]._forward_hooks))

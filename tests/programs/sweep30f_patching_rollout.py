"""Activation patching and attention analysis on a tiny transformer, the way mechanistic-interpretability
notebooks do it with plain PyTorch: a two-layer nn.TransformerEncoder (batch_first, pre-norm) trained on
an induction-like copy task, attention weights read from nn.MultiheadAttention (per-head, unaveraged)
through a wrapper hook, attention rollout with identity-mixed matrix products, residual-stream caching
with forward hooks, clean/corrupted runs and patching per layer and position through hooks that
replace a module's output, path patching of a single head via a forward pre-hook on out_proj, logit
difference and the normalised patching metric, and direct logit attribution through the unembedding."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(21)
torch.set_printoptions(precision=3, sci_mode=False, linewidth=110)

V, D, T, NH = 10, 16, 6, 2


class TinyTransformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(V, D)
        self.pos = nn.Parameter(torch.randn(T, D) * 0.1)
        layer = nn.TransformerEncoderLayer(D, NH, dim_feedforward=32, dropout=0.0, batch_first=True,
                                           norm_first=True, activation="gelu")
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.ln_f = nn.LayerNorm(D)
        self.unembed = nn.Linear(D, V, bias=False)

    def forward(self, tokens):
        h = self.tok(tokens) + self.pos[: tokens.shape[1]]
        mask = nn.Transformer.generate_square_subsequent_mask(tokens.shape[1])
        h = self.encoder(h, mask=mask, is_causal=True)
        return self.unembed(self.ln_f(h))


model = TinyTransformer()
print(model.encoder.layers[0])
print("params:", sum(p.numel() for p in model.parameters()))
print("mask:\n", nn.Transformer.generate_square_subsequent_mask(4))


def batch(n, gen):
    # tokens a b ... a -> predict b: the last token repeats the first, the answer is the second
    x = torch.randint(0, V, (n, T), generator=gen)
    x[:, -1] = x[:, 0]
    return x, x[:, 1]


gen = torch.Generator().manual_seed(0)
opt = torch.optim.AdamW(model.parameters(), lr=5e-3, weight_decay=0.01)
for step in range(80):
    xb, yb = batch(48, gen)
    loss = F.cross_entropy(model(xb)[:, -1], yb)
    opt.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    if step % 40 == 39:
        print(f"step {step + 1} loss {loss.item():.3f}")
model.eval()

# attention weights: wrap self_attn.forward so it returns per-head patterns
patterns = {}


def capture_attn(idx, attn):
    orig = attn.forward

    def forward(q, k, v, **kw):
        kw["need_weights"] = True
        kw["average_attn_weights"] = False
        out, w = orig(q, k, v, **kw)
        patterns[idx] = w.detach()
        return out, w
    attn.forward = forward


for i, layer in enumerate(model.encoder.layers):
    capture_attn(i, layer.self_attn)

clean, answer = batch(4, torch.Generator().manual_seed(5))
with torch.no_grad():
    logits = model(clean)
print("clean tokens:\n", clean)
# eval + no_grad: the encoder layers take the fused inference kernel and never call self_attn
print("patterns captured on the fast path:", sorted(patterns))
torch.backends.mha.set_fastpath_enabled(False)
print("fastpath enabled:", torch.backends.mha.get_fastpath_enabled())
with torch.no_grad():
    logits_slow = model(clean)
torch.backends.mha.set_fastpath_enabled(True)
print("same logits:", torch.allclose(logits, logits_slow, atol=1e-5))
print("patterns captured:", sorted(patterns), "shape", tuple(patterns[0].shape))
print("layer 1 head attention from last pos:\n", patterns[1][0, :, -1])
print("rows sum to 1:", torch.allclose(patterns[1].sum(-1), torch.ones(4, NH, T)))

# attention rollout
rollout = torch.eye(T).expand(4, T, T)
for i in range(2):
    a = patterns[i].mean(1)
    a = 0.5 * a + 0.5 * torch.eye(T)
    a = a / a.sum(-1, keepdim=True)
    rollout = a @ rollout
print("rollout last row, example 0:", rollout[0, -1])
print("rollout attends most to:", rollout[:, -1].argmax(-1).tolist())

# clean / corrupted runs, residual cache
corrupted = clean.clone()
corrupted[:, 0] = (clean[:, 0] + 3) % V
corrupted[:, -1] = corrupted[:, 0]
cache = {}


def save(name):
    def hook(module, inp, out):
        cache[name] = out.detach().clone()
    return hook


handles = [l.register_forward_hook(save(f"resid_{i}")) for i, l in enumerate(model.encoder.layers)]
with torch.no_grad():
    clean_logits = model(clean)[:, -1]
    clean_cache = dict(cache)
    corr_logits = model(corrupted)[:, -1]
for h in handles:
    h.remove()
wrong = clean[:, 2]


def logit_diff(lg):
    return (lg.gather(1, answer[:, None]) - lg.gather(1, wrong[:, None])).mean()


ld_clean, ld_corr = logit_diff(clean_logits), logit_diff(corr_logits)
print(f"logit diff clean {ld_clean.item():.3f} corrupted {ld_corr.item():.3f}")

results = torch.zeros(2, T)
for li, layer in enumerate(model.encoder.layers):
    for pos in range(T):
        def patch(module, inp, out, pos=pos, li=li):
            out = out.clone()
            out[:, pos] = clean_cache[f"resid_{li}"][:, pos]
            return out
        h = layer.register_forward_hook(patch)
        with torch.no_grad():
            lg = model(corrupted)[:, -1]
        h.remove()
        results[li, pos] = (logit_diff(lg) - ld_corr) / (ld_clean - ld_corr)
print("normalised patching results (layer x pos):\n", torch.where(results.abs() < 0.01, 0.0, results))
print("best (layer, pos):", divmod(int(results.argmax()), T))


# head patching: splice one head's input to out_proj from the clean run
def head_input_cache(store):
    def pre(module, args):
        store.append(args[0].detach().clone())
    return pre


z_clean = []
hz = model.encoder.layers[1].self_attn.out_proj.register_forward_pre_hook(head_input_cache(z_clean))
with torch.no_grad():
    model(clean)
hz.remove()
# MultiheadAttention reads out_proj.weight directly, so the Linear's hooks never run
print("out_proj pre-hook calls:", len(z_clean))

# head ablation instead: zero one head's columns of out_proj (weight surgery, restored afterwards)
dh = D // NH
w_o = model.encoder.layers[1].self_attn.out_proj.weight
for head in range(NH):
    saved = w_o.detach().clone()
    with torch.no_grad():
        w_o[:, head * dh:(head + 1) * dh] = 0.0
        lg = model(clean)[:, -1]
        w_o.copy_(saved)
    print(f"ablate L1H{head}: logit diff {logit_diff(lg).item():.3f} (clean {ld_clean.item():.3f})")

# direct logit attribution: decompose the final residual through the (frozen) final LayerNorm scale
with torch.no_grad():
    resid = clean_cache["resid_1"][:, -1]
    mu = resid.mean(-1, keepdim=True)
    scale = (resid - mu).pow(2).mean(-1, keepdim=True).add(model.ln_f.eps).sqrt()
    direction = model.unembed.weight[answer] - model.unembed.weight[wrong]
    dla_total = (((resid - mu) / scale * model.ln_f.weight + model.ln_f.bias) * direction).sum(-1)
    print("DLA equals logit diff:", torch.allclose(dla_total.mean(), ld_clean, atol=1e-5))
    emb = model.tok(clean)[:, -1] + model.pos[-1]
    contrib = (((emb - emb.mean(-1, keepdim=True)) / scale * model.ln_f.weight) * direction).sum(-1)
    print("embedding contribution:", contrib)

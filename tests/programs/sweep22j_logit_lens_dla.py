"""Logit lens and direct logit attribution in the style of the TransformerLens "Exploratory Analysis"
demo and Neel Nanda's tutorials: a tiny pre-LN transformer trained for a few steps on a synthetic
"copy the previous token" task, accumulated residual stream from forward-hook caches, the final
LayerNorm's scale applied by hand (centre, divide by the cached scale), projection onto the
unembedding matrix with einsum ("batch pos d_model, d_model -> batch pos"), per-component and
per-head logit attribution, a logit lens over layers with top-k tokens, and a stack of residual
components decomposed so that they sum back to the final logits."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import einsum

torch.manual_seed(7)
V, D, H, L, T = 10, 16, 2, 2, 6
DH = D // H


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln = nn.LayerNorm(D)
        self.W_Q = nn.Parameter(torch.randn(H, D, DH) * 0.3)
        self.W_K = nn.Parameter(torch.randn(H, D, DH) * 0.3)
        self.W_V = nn.Parameter(torch.randn(H, D, DH) * 0.3)
        self.W_O = nn.Parameter(torch.randn(H, DH, D) * 0.3)
        self.b_O = nn.Parameter(torch.zeros(D))
        self.head_out = nn.Identity()     # hook point: per-head outputs [batch, pos, head, d_model]

    def forward(self, x):
        h = self.ln(x)
        q = einsum("bpd,hde->bhpe", h, self.W_Q)
        k = einsum("bpd,hde->bhpe", h, self.W_K)
        v = einsum("bpd,hde->bhpe", h, self.W_V)
        scores = einsum("bhqe,bhke->bhqk", q, k) / DH ** 0.5
        mask = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
        pattern = scores.masked_fill(mask, -1e9).softmax(-1)
        z = einsum("bhqk,bhke->bqhe", pattern, v)
        per_head = self.head_out(einsum("bqhe,hed->bqhd", z, self.W_O))
        return x + per_head.sum(dim=2) + self.b_O


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.W_E = nn.Parameter(torch.randn(V, D) * 0.5)
        self.W_pos = nn.Parameter(torch.randn(T, D) * 0.5)
        self.layers = nn.ModuleList([Layer() for _ in range(L)])
        self.ln_final = nn.LayerNorm(D)
        self.W_U = nn.Parameter(torch.randn(D, V) * 0.3)

    def forward(self, tokens):
        x = self.W_E[tokens] + self.W_pos
        for layer in self.layers:
            x = layer(x)
        return self.ln_final(x) @ self.W_U


model = Model()
opt = torch.optim.AdamW(model.parameters(), lr=3e-2, weight_decay=0.01)
for step in range(40):
    tokens = torch.randint(0, V, (32, T))
    logits = model(tokens)
    loss = F.cross_entropy(logits[:, 1:].reshape(-1, V), tokens[:, :-1].reshape(-1))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    if step % 10 == 9:
        print(f"step {step + 1:3d} loss {loss.item():.3f}")

model.eval()
cache, handles = {}, []


def save(name):
    def hook(mod, inp, out):
        cache[name] = out.detach()
    return hook


for i, layer in enumerate(model.layers):
    handles.append(layer.register_forward_hook(save(f"resid_post.{i}")))
    handles.append(layer.head_out.register_forward_hook(save(f"head_out.{i}")))
    handles.append(layer.register_forward_pre_hook(lambda m, args, i=i: cache.__setitem__(f"resid_pre.{i}", args[0].detach())))
handles.append(model.ln_final.register_forward_hook(
    lambda m, args, out: cache.update(ln_in=args[0].detach(), ln_scale=(args[0].var(-1, keepdim=True, unbiased=False) + m.eps).sqrt().detach())))

tokens = torch.randint(0, V, (4, T))
with torch.no_grad():
    logits = model(tokens)
for h in handles:
    h.remove()
print(sorted(cache.keys()))
preds = logits.argmax(-1)
print("accuracy on previous-token:", (preds[:, 1:] == tokens[:, :-1]).float().mean().item())

# accumulated residual: embed, after layer 0, after layer 1
accum = torch.stack([cache["resid_pre.0"], cache["resid_post.0"], cache["resid_post.1"]])   # [comp, batch, pos, d]


def apply_ln_to_stack(stack, scale):
    stack = stack - stack.mean(-1, keepdim=True)
    return stack / scale * model.ln_final.weight + model.ln_final.bias


lens_logits = apply_ln_to_stack(accum, cache["ln_scale"]) @ model.W_U       # [comp, batch, pos, vocab]
print("final lens == logits:", torch.allclose(lens_logits[-1], logits, atol=1e-5))
target = tokens[:, :-1]                                                       # previous token at each pos
lens_lp = lens_logits[:, :, 1:].log_softmax(-1)
correct_lp = lens_lp.gather(-1, target.unsqueeze(0).expand(3, -1, -1).unsqueeze(-1)).squeeze(-1)
print("logit lens mean log prob of answer:", correct_lp.mean((1, 2)).round(decimals=3))
top3 = lens_logits[:, 0, 3].topk(3, dim=-1)
print(top3.indices, tokens[0, 2].item())

# direct logit attribution of each component, to the logit difference (answer - mean of others)
answer_dirs = model.W_U[:, target]                                            # [d_model, batch, pos-1]
answer_dirs = answer_dirs - model.W_U.mean(-1)[:, None, None]
components = [cache["resid_pre.0"]] + [cache[f"head_out.{i}"][:, :, h] for i in range(L) for h in range(H)]
labels = ["embed"] + [f"L{i}H{h}" for i in range(L) for h in range(H)] + ["biases"]
components.append(cache["resid_post.1"] - sum(components))                    # what is left: the b_O terms
stack = torch.stack(components)[:, :, 1:]                                     # [comp, batch, pos-1, d]
scaled = apply_ln_to_stack(stack, cache["ln_scale"][:, 1:])
dla = einsum("cbpd,dbp->cbp", scaled - model.ln_final.bias * (torch.arange(len(labels)) > 0).view(-1, 1, 1, 1),
             answer_dirs)
total = dla.sum(0)
direct = einsum("bpv,vbp->bp", logits[:, 1:], F.one_hot(target, V).permute(2, 0, 1).float()) - logits[:, 1:].mean(-1)
print("DLA sums to the logit diff:", torch.allclose(total, direct, atol=1e-4))
for name, v in zip(labels, dla.mean((1, 2))):
    print(f"  {name:7s} {v.item():+.3f}")
best = dla.mean((1, 2))[1:1 + L * H].argmax().item()
print("top head:", labels[1 + best], torch.tensor([dla[1 + best].min(), dla[1 + best].max()]).round(decimals=2))

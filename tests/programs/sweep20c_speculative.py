"""A toy speculative decoding loop (Leviathan et al. / Chen et al.) as blog posts implement it: a
small draft model proposes gamma tokens autoregressively, the target model scores all of them in one
forward pass, each draft token is accepted with probability min(1, p/q) using torch.rand, the first
rejection is resampled from the residual distribution norm(max(0, p - q)), and a bonus token is drawn
when everything is accepted; plus the check that the output distribution equals the target's."""
import torch
import torch.nn as nn
import torch.nn.functional as F

V = 10


class TinyLM(nn.Module):
    def __init__(self, d, n_layers, seed):
        super().__init__()
        torch.manual_seed(seed)
        self.tok = nn.Embedding(V, d)
        self.pos = nn.Parameter(torch.randn(32, d) * 0.1)
        layer = nn.TransformerEncoderLayer(d, nhead=2, dim_feedforward=2 * d, dropout=0.0, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.head = nn.Linear(d, V)

    def forward(self, idx):
        T = idx.size(1)
        causal = nn.Transformer.generate_square_subsequent_mask(T)
        h = self.enc(self.tok(idx) + self.pos[:T], mask=causal, is_causal=True)
        return self.head(h)


def norm_logits(logits, temperature, top_k=None):
    logits = logits / temperature
    if top_k is not None:
        v, _ = torch.topk(logits, top_k)
        logits[logits < v[..., [-1]]] = -float("inf")
    return F.softmax(logits, dim=-1)


def max_fn(x):
    x_max = torch.where(x > 0, x, torch.zeros_like(x))
    return x_max / torch.sum(x_max, dim=-1, keepdim=True)


@torch.no_grad()
def autoregressive(model, prefix, n, temperature, g):
    x = prefix
    for _ in range(n):
        p = norm_logits(model(x)[:, -1], temperature)
        x = torch.cat([x, torch.multinomial(p, 1, generator=g)], dim=1)
    return x


@torch.no_grad()
def speculative(target, draft, prefix, n, gamma, temperature, g):
    x = prefix
    T = prefix.size(1) + n
    accepted, proposed, rounds = 0, 0, 0
    while x.size(1) < T:
        rounds += 1
        L = x.size(1)
        q_list = []
        xd = x
        for _ in range(gamma):
            q = norm_logits(draft(xd)[:, -1], temperature)
            q_list.append(q)
            xd = torch.cat([xd, torch.multinomial(q, 1, generator=g)], dim=1)
        q_all = torch.stack(q_list, dim=1)  # (1, gamma, V)
        p_all = norm_logits(target(xd)[:, L - 1:], temperature)  # (1, gamma + 1, V)
        n_acc = gamma
        for i in range(gamma):
            j = xd[:, L + i]
            r = torch.rand(1, generator=g)
            p_j = p_all[:, i].gather(-1, j.unsqueeze(-1)).squeeze(-1)
            q_j = q_all[:, i].gather(-1, j.unsqueeze(-1)).squeeze(-1)
            if r > (p_j / q_j):
                n_acc = i
                break
        proposed += gamma
        accepted += n_acc
        x = xd[:, :L + n_acc]
        if n_acc < gamma:
            t = torch.multinomial(max_fn(p_all[:, n_acc] - q_all[:, n_acc]), 1, generator=g)
        else:
            t = torch.multinomial(p_all[:, -1], 1, generator=g)
        x = torch.cat([x, t], dim=1)
    return x[:, :T], accepted, proposed, rounds


target = TinyLM(16, 2, seed=0).eval()
draft = TinyLM(8, 1, seed=1).eval()
print("target params", sum(p.numel() for p in target.parameters()), "draft params", sum(p.numel() for p in draft.parameters()))
prefix = torch.tensor([[1, 4, 2]])
with torch.no_grad():
    pt = norm_logits(target(prefix)[:, -1], 1.0)
    pd = norm_logits(draft(prefix)[:, -1], 1.0)
print("p target", pt.round(decimals=4))
print("q draft ", pd.round(decimals=4))
print("residual", max_fn(pt - pd).round(decimals=4))
tv = 0.5 * (pt - pd).abs().sum()
print(f"total variation {tv.item():.4f}  expected acceptance {1 - tv.item():.4f}  sum min {torch.minimum(pt, pd).sum().item():.4f}")
print("top-k 3 probs", norm_logits(target(prefix)[:, -1].detach(), 0.7, top_k=3).round(decimals=4))

g = torch.Generator().manual_seed(0)
print("autoregressive", autoregressive(target, prefix, 10, 1.0, g).tolist())
for gamma in (2, 4):
    g.manual_seed(0)
    out, acc, prop, rounds = speculative(target, draft, prefix, 10, gamma, 1.0, g)
    print(f"gamma {gamma}: {out.tolist()} accepted {acc}/{prop} in {rounds} rounds")
g.manual_seed(5)
out, acc, prop, rounds = speculative(target, target, prefix, 8, 3, 1.0, g)
print("draft == target accepts all:", acc == prop, out.tolist())

# the acceptance-rejection step keeps the target distribution exactly (vectorised over many trials)
g.manual_seed(123)
p = torch.tensor([0.5, 0.3, 0.15, 0.05])
q = torch.tensor([0.25, 0.25, 0.25, 0.25])
N = 20000
draws = torch.multinomial(q, N, replacement=True, generator=g)
u = torch.rand(N, generator=g)
accept = u < (p[draws] / q[draws]).clamp(max=1.0)
resample = torch.multinomial(max_fn(p - q), N, replacement=True, generator=g)
final = torch.where(accept, draws, resample)
freq = torch.bincount(final, minlength=4).float() / N
print("acceptance rate", round(accept.float().mean().item(), 3), "theory", torch.minimum(p, q).sum().item())
print("empirical", freq.tolist(), "close to p", torch.allclose(freq, p, atol=0.02))
print("residual dist", max_fn(p - q).tolist())
# a mixture of draft and target (as in "lookahead"/contrastive variants): lerp, then renormalise
for lam in (0.3, 0.4, 0.7):
    mix = torch.lerp(q, p, lam)
    print(f"lerp {lam}", mix.tolist(), (mix / mix.sum()).round(decimals=4).tolist())
print("rand shapes", torch.rand(2, 3, generator=g).shape, torch.rand((4,), generator=g).round(decimals=3))
print("gen device", g.device, "seed", g.initial_seed())
st = g.get_state()
a = torch.rand(3, generator=g)
g.set_state(st)
print("state restore", torch.equal(a, torch.rand(3, generator=g)))

"""Probing classifiers on frozen representations, as in probing-course notebooks: a small transformer
encoder over padded token sequences (eval mode, src_key_padding_mask), per-layer features captured with
forward hooks and mean-pooled over the valid tokens, logistic-regression probes trained with LBFGS
(closure) and with SGD + weight decay, a ridge probe in closed form (linalg.solve), control tasks with
shuffled labels and selectivity, linear CKA between layers, PCA of the features (linalg.svd), and
iterative nullspace projection (INLP) to remove a concept, with the probe's predictive entropy from
torch.distributions."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Categorical

torch.manual_seed(4)
torch.set_printoptions(precision=4, sci_mode=False)

V, D, T, N = 12, 16, 7, 160
gen = torch.Generator().manual_seed(42)
tokens = torch.randint(1, V, (N, T), generator=gen)
lengths = torch.randint(3, T + 1, (N,), generator=gen)
pad = torch.arange(T)[None, :] >= lengths[:, None]          # True at padding, left aligned
tokens = tokens.masked_fill(pad, 0)
# concept 1: does token 5 occur; concept 2: is the sequence long
has5 = ((tokens == 5) & ~pad).any(1).long()
is_long = (lengths > 5).long()
print("label balance:", has5.float().mean().item(), is_long.float().mean().item())


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(V, D, padding_idx=0)
        layer = nn.TransformerEncoderLayer(D, 4, 32, dropout=0.1, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, 3)

    def forward(self, x, pad):
        return self.enc(self.emb(x), src_key_padding_mask=pad)


encoder = Encoder()
print("use_nested_tensor:", encoder.enc.use_nested_tensor)
encoder.eval()
for p in encoder.parameters():
    p.requires_grad_(False)

with torch.no_grad():
    out = encoder(tokens, pad)
print("output at padding (first 3 rows, last pos):", out[:3, -1, :4])
print("padding rows all zero:", bool((out[pad] == 0).all()), "valid rows nonzero:", bool((out[~pad] != 0).any(1).all()))

feats = {}


def grab(name):
    def hook(module, inp, output):
        if output.is_nested:      # the encoder packs padded batches into a nested tensor in eval mode
            output = output.to_padded_tensor(0.0, (N, T, D))
        feats[name] = output.detach()
    return hook


hs = [encoder.emb.register_forward_hook(grab("emb"))]
hs += [l.register_forward_hook(grab(f"layer{i}")) for i, l in enumerate(encoder.enc.layers)]
with torch.no_grad():
    out_hooked = encoder(tokens, pad)
for h in hs:
    h.remove()
print("captured:", list(feats))
print("shapes:", [tuple(v.shape) for v in feats.values()])
print("encoder output matches on valid tokens:", torch.allclose(out_hooked[~pad], out[~pad], atol=1e-5))

valid = (~pad).unsqueeze(-1).float()
pooled = {k: (v * valid).sum(1) / valid.sum(1) for k, v in feats.items()}
print({k: tuple(v.shape) for k, v in pooled.items()})

perm = torch.randperm(N, generator=torch.Generator().manual_seed(0))
tr, te = perm[:120], perm[120:]


def standardize(x):
    mu, sd = x[tr].mean(0), x[tr].std(0).clamp_min(1e-6)
    return (x - mu) / sd


def lbfgs_probe(x, y, l2=1e-2):
    probe = nn.Linear(x.shape[1], 2)
    opt = torch.optim.LBFGS(probe.parameters(), lr=1, max_iter=50, history_size=10,
                            line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(probe(x[tr]), y[tr]) + l2 * probe.weight.pow(2).sum()
        loss.backward()
        return loss
    opt.step(closure)
    with torch.no_grad():
        acc = (probe(x[te]).argmax(1) == y[te]).float().mean().item()
    return probe, acc


def sgd_probe(x, y, epochs=60):
    probe = nn.Linear(x.shape[1], 2)
    opt = torch.optim.SGD(probe.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-3)
    for _ in range(epochs):
        opt.zero_grad()
        F.cross_entropy(probe(x[tr]), y[tr]).backward()
        opt.step()
    with torch.no_grad():
        return (probe(x[te]).argmax(1) == y[te]).float().mean().item()


torch.manual_seed(1)
control = has5[torch.randperm(N)]
for name, x in pooled.items():
    xs = standardize(x)
    _, a_has5 = lbfgs_probe(xs, has5)
    _, a_long = lbfgs_probe(xs, is_long)
    _, a_ctrl = lbfgs_probe(xs, control)
    a_sgd = sgd_probe(xs, has5)
    print(f"{name:7s} has5 {a_has5:.3f} long {a_long:.3f} control {a_ctrl:.3f} "
          f"selectivity {a_has5 - a_ctrl:+.3f} sgd {a_sgd:.3f}")

# ridge probe in closed form with a bias column
x = standardize(pooled["layer1"])
X = torch.cat([x, torch.ones(N, 1)], 1)
Y = F.one_hot(has5, 2).float() * 2 - 1
lam = 1.0
A = X[tr].T @ X[tr] + lam * torch.eye(D + 1)
Wr = torch.linalg.solve(A, X[tr].T @ Y[tr])
print("ridge acc:", (X[te] @ Wr).argmax(1).eq(has5[te]).float().mean().item())
print("ridge weight norm {:.4f}".format(torch.linalg.norm(Wr).item()))


# linear CKA between layers
def cka(a, b):
    a, b = a - a.mean(0), b - b.mean(0)
    hsic = torch.linalg.matrix_norm(b.T @ a) ** 2
    return (hsic / (torch.linalg.matrix_norm(a.T @ a) * torch.linalg.matrix_norm(b.T @ b))).item()


names = list(pooled)
M = torch.tensor([[cka(pooled[p], pooled[q]) for q in names] for p in names])
print("CKA:\n", M)

# PCA of the layer-2 features
x2 = pooled["layer2"] - pooled["layer2"].mean(0)
U, S, Vh = torch.linalg.svd(x2, full_matrices=False)
ev = S ** 2 / (S ** 2).sum()
print("explained variance (top 4):", ev[:4])
print("components for 90%:", int((torch.cumsum(ev, 0) < 0.9).sum()) + 1)
proj = x2 @ Vh[:2].T
print("class means on PC1/PC2:", torch.stack([proj[has5 == c].mean(0) for c in (0, 1)]).abs())

# INLP: repeatedly train a probe and project its direction out
xi = standardize(pooled["layer2"])
P = torch.eye(D)
for it in range(4):
    probe, acc = lbfgs_probe(xi @ P, has5)
    w = probe.weight.detach()
    w = w[1] - w[0]
    w = (w @ P)
    w = w / w.norm()
    P = P @ (torch.eye(D) - torch.outer(w, w))
    print(f"INLP iter {it}: probe acc {acc:.3f} rank(P) {torch.linalg.matrix_rank(P).item()}")

probe, acc = lbfgs_probe(xi, has5)
with torch.no_grad():
    dist = Categorical(logits=probe(xi[te]))
    print("mean predictive entropy {:.4f}".format(dist.entropy().mean().item()))
    print("log-prob of true labels {:.4f}".format(dist.log_prob(has5[te]).mean().item()))
    print(dist)

try:
    lbfgs_probe(xi, has5.float())
except RuntimeError as e:
    print("RuntimeError:", e)

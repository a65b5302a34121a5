"""Ablations and linear probes in the style of interpretability course notebooks (ARENA, "Othello-GPT"
probing): a small MLP-transformer hybrid trained on a synthetic parity-of-prefix task, zero- and
mean-ablation of MLP neurons and attention layers through forward hooks (hooks that return a new
output, hooks that edit in place under no_grad), a global module forward hook counting calls,
resample ablation with torch.randperm, caching residual streams for a dataset, and a linear probe
(nn.Linear + BCEWithLogits / CrossEntropy) trained on the cached activations with a train/test
split, its accuracy per layer, and the probe direction's cosine similarity with the unembedding."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
V, D, T, N = 4, 16, 6, 96


def make_data(n):
    toks = torch.randint(0, V, (n, T))
    # label: is the count of token 0 in the prefix (up to and including pos) odd?
    labels = (toks == 0).long().cumsum(dim=1) % 2
    return toks, labels


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc_in = nn.Linear(D, 2 * D)
        self.act = nn.ReLU()
        self.fc_out = nn.Linear(2 * D, D)

    def forward(self, x):
        return self.fc_out(self.act(self.fc_in(x)))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(D), nn.LayerNorm(D)
        self.attn = nn.MultiheadAttention(D, 4, batch_first=True, bias=False)   # (a key bias only adds noise)
        self.mlp = MLP()
        self.register_buffer("mask", torch.triu(torch.full((T, T), float("-inf")), diagonal=1))

    def forward(self, x):
        h = self.ln1(x)
        a, _ = self.attn(h, h, h, attn_mask=self.mask, need_weights=False)
        x = x + a
        return x + self.mlp(self.ln2(x))


class Net(nn.Module):
    def __init__(self, n_layers=2):
        super().__init__()
        self.emb = nn.Embedding(V, D)
        self.pos = nn.Parameter(torch.randn(T, D) * 0.1)
        self.blocks = nn.Sequential(*[Block() for _ in range(n_layers)])
        self.head = nn.Linear(D, 2)

    def forward(self, toks):
        return self.head(self.blocks(self.emb(toks) + self.pos))


model = Net()
toks, labels = make_data(N)
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
for epoch in range(20):
    logits = model(toks)
    loss = F.cross_entropy(logits.flatten(0, 1), labels.flatten())
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"train loss {loss.item():.2f}")
model.eval()
test_toks, test_labels = make_data(64)


@torch.no_grad()
def accuracy(toks=test_toks, labels=test_labels):
    return (model(toks).argmax(-1) == labels).float().mean().item()


base_acc = accuracy()
print(f"test accuracy {base_acc:.3f}")

calls = []
counter = nn.modules.module.register_module_forward_hook(lambda m, i, o: calls.append(type(m).__name__))
accuracy()
counter.remove()
print(len(calls), sorted(set(calls)))

# zero-ablate whole attention layers: the hook replaces the (output, weights) tuple
def zero_attn(module, inp, out):
    attn_out, weights = out
    return torch.zeros_like(attn_out), weights


for i, block in enumerate(model.blocks):
    with block.attn.register_forward_hook(zero_attn):
        print(f"attn {i} zero-ablated: {accuracy():.3f}")

# mean-ablate MLP neurons: compute the mean activation over the dataset, then patch it in place
mlp_acts = {}
handles = [b.mlp.act.register_forward_hook(lambda m, i, o, k=k: mlp_acts.__setitem__(k, o))
           for k, b in enumerate(model.blocks)]
accuracy(toks, labels)
for h in handles:
    h.remove()
means = {k: a.mean(dim=(0, 1)) for k, a in mlp_acts.items()}
print({k: tuple(v.shape) for k, v in means.items()}, f"{(mlp_acts[0] > 0).float().mean().item():.3f}")


def mean_ablate(neurons, mean):
    def hook(module, inp, out):
        out[..., neurons] = mean[neurons]          # in place, inside no_grad
    return hook


scores = []
for layer in range(2):
    top = mlp_acts[layer].abs().mean((0, 1)).topk(8).indices
    with model.blocks[layer].mlp.act.register_forward_hook(mean_ablate(top, means[layer])):
        scores.append(accuracy())
    with model.blocks[layer].mlp.act.register_forward_hook(lambda m, i, o: o * 0):
        scores.append(accuracy())
print([f"{s:.3f}" for s in scores])

# resample ablation: each example's block-1 residual replaced by another example's
perm = torch.randperm(len(test_toks))
resid_cache = {}
with model.blocks[0].register_forward_hook(lambda m, i, o: resid_cache.__setitem__("r", o)):
    accuracy()
with model.blocks[0].register_forward_hook(lambda m, i, o: resid_cache["r"][perm]):
    print(f"resample-ablated block 0: {accuracy():.3f}", perm[:6].tolist())

# linear probes on the residual stream after each block
feats = {}
handles = [model.emb.register_forward_hook(lambda m, i, o: feats.__setitem__(0, o + model.pos))]
handles += [b.register_forward_hook(lambda m, i, o, k=k: feats.__setitem__(k + 1, o))
            for k, b in enumerate(model.blocks)]
all_toks, all_labels = make_data(160)
with torch.inference_mode():
    model(all_toks)
for h in handles:
    h.remove()
print({k: (tuple(v.shape), v.is_inference()) for k, v in feats.items()})

n_train = 96
for k in sorted(feats):
    X = feats[k].clone().flatten(0, 1)                 # clone: leave inference mode tensors behind
    y = all_labels.flatten().float()
    probe = nn.Linear(D, 1)
    popt = torch.optim.SGD(probe.parameters(), lr=0.5, momentum=0.9)
    Xtr, ytr = X[: n_train * T], y[: n_train * T]
    Xte, yte = X[n_train * T:], y[n_train * T:]
    mu, sd = Xtr.mean(0), Xtr.std(0) + 1e-5
    for it in range(40):
        l = F.binary_cross_entropy_with_logits(probe((Xtr - mu) / sd).squeeze(-1), ytr)
        popt.zero_grad()
        l.backward()
        popt.step()
    with torch.no_grad():
        acc = ((probe((Xte - mu) / sd).squeeze(-1) > 0).float() == yte).float().mean()
        cos = F.cosine_similarity(probe.weight[0] / sd, model.head.weight[1] - model.head.weight[0], dim=0)
    print(f"probe on resid {k}: loss {l.item():.2f} test acc {acc.item():.2f} cos(head) {cos.item():+.2f}")

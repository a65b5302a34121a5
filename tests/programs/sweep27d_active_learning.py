"""A pool-based active learning loop, as in active-learning tutorials and benchmark repos: labelled
and unlabelled pools kept as boolean masks over one index space, a small classifier retrained from
the same initial weights (deepcopy / state_dict round-trip through an in-memory torch.save) each
round, and acquisition by random sampling (a dedicated Generator), least confidence, margin,
entropy, BALD with MC dropout, core-set k-center greedy (cdist) and BADGE-style k-means++ seeding
on last-layer gradient embeddings (multinomial)."""
import copy
import io

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(13)
K, d, N = 3, 4, 360
centers = torch.tensor([[2.0, 0.0, 0.0, 0.0], [-1.0, 1.7, 0.0, 0.0], [-1.0, -1.7, 0.5, 0.0]])
y_all = torch.arange(K).repeat(N // K)
X_all = centers[y_all] + torch.randn(N, d) * 0.9
test_idx = torch.arange(N - 90, N)
pool_space = N - 90


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(d, 32)
        self.drop = nn.Dropout(0.2)
        self.head = nn.Linear(32, K)

    def embed(self, x):
        return self.drop(torch.relu(self.fc(x)))

    def forward(self, x):
        return self.head(self.embed(x))


init_model = Net()
buf = io.BytesIO()
torch.save(init_model.state_dict(), buf)
print("saved state keys:", list(init_model.state_dict().keys()))


def fresh_model():
    buf.seek(0)
    m = Net()
    print_missing = m.load_state_dict(torch.load(buf, weights_only=True))
    return m, print_missing


def train(model, idx, epochs=80):
    opt = torch.optim.Adam(model.parameters(), lr=2e-2)
    model.train()
    for _ in range(epochs):
        loss = F.cross_entropy(model(X_all[idx]), y_all[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    return loss.item()


@torch.no_grad()
def accuracy(model):
    return (model(X_all[test_idx]).argmax(1) == y_all[test_idx]).float().mean().item()


def acquire(strategy, model, labelled, budget, gen):
    pool = (~labelled).nonzero(as_tuple=True)[0]
    xp = X_all[pool]
    if strategy == "random":
        pick = torch.randperm(len(pool), generator=gen)[:budget]
        return pool[pick]
    with torch.no_grad():
        probs = F.softmax(model(xp), dim=1)
    if strategy == "least_conf":
        score = 1 - probs.max(1).values
    elif strategy == "margin":
        top2 = probs.topk(2, dim=1).values
        score = -(top2[:, 0] - top2[:, 1])
    elif strategy == "entropy":
        score = -(probs * probs.clamp_min(1e-12).log()).sum(1)
    elif strategy == "bald":
        model.train()                                      # dropout on
        with torch.no_grad():
            mc = torch.stack([F.softmax(model(xp), 1) for _ in range(20)])
        model.eval()
        mean = mc.mean(0)
        score = (-(mean * mean.clamp_min(1e-12).log()).sum(1)
                 + (mc * mc.clamp_min(1e-12).log()).sum(2).mean(0))
    elif strategy == "coreset":
        with torch.no_grad():
            emb_pool, emb_lab = model.embed(xp), model.embed(X_all[:pool_space][labelled])
        min_d = torch.cdist(emb_pool, emb_lab).min(1).values
        chosen = []
        for _ in range(budget):
            j = int(torch.argmax(min_d))
            chosen.append(j)
            min_d = torch.minimum(min_d, torch.cdist(emb_pool, emb_pool[j:j + 1]).squeeze(1))
        return pool[torch.tensor(chosen)]
    elif strategy == "badge":
        with torch.no_grad():
            h = model.embed(xp)
            p = F.softmax(model.head(h), 1)
        onehot = F.one_hot(p.argmax(1), K).to(p.dtype)
        g = ((p - onehot).unsqueeze(2) * h.unsqueeze(1)).flatten(1)     # grad of CE wrt head.weight
        first = int(g.norm(dim=1).argmax())
        chosen = [first]
        dist2 = ((g - g[first]) ** 2).sum(1)
        for _ in range(budget - 1):
            j = int(torch.multinomial(dist2 / dist2.sum(), 1, generator=gen))
            chosen.append(j)
            dist2 = torch.minimum(dist2, ((g - g[j]) ** 2).sum(1))
        return pool[torch.tensor(chosen)]
    return pool[score.topk(budget).indices]


results = {}
for strategy in ["random", "least_conf", "margin", "entropy", "bald", "coreset", "badge"]:
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(42)
    labelled = torch.zeros(N, dtype=torch.bool)
    labelled[torch.randperm(pool_space, generator=gen)[:9]] = True
    curve = []
    for rnd in range(4):
        model, keys = fresh_model()
        train(model, labelled.nonzero().squeeze(1))
        curve.append(accuracy(model))
        new = acquire(strategy, model, labelled[:pool_space], 9, gen)
        assert not labelled[new].any(), "acquired an already labelled point"
        labelled[new] = True
    counts = torch.bincount(y_all[labelled], minlength=K)
    results[strategy] = curve
    print(f"{strategy:10s} acc {' '.join(f'{a:.3f}' for a in curve)} labelled {int(labelled.sum())} per class {counts.tolist()}")
print(keys)

acc = torch.tensor(list(results.values()))
print("area under learning curve:", torch.trapezoid(acc, dx=1.0, dim=1))
best = acc[:, -1].argmax()
print("best final:", list(results)[best])

# moving indices between pools
labelled = torch.zeros(10, dtype=torch.bool)
labelled[[1, 4, 7]] = True
unl = torch.arange(10)[~labelled]
print("unlabelled:", unl, "isin:", torch.isin(torch.tensor([4, 5]), unl))
labelled.index_fill_(0, torch.tensor([0, 9]), True)
print(labelled)
vals, inv, cnt = torch.unique(torch.tensor([2, 0, 2, 1, 0, 2]), return_inverse=True, return_counts=True)
print(vals, inv, cnt)
model_copy = copy.deepcopy(init_model)
print("deepcopy shares storage:", model_copy.fc.weight.data_ptr() == init_model.fc.weight.data_ptr())
vec = nn.utils.parameters_to_vector(model_copy.parameters())
nn.utils.vector_to_parameters(torch.zeros_like(vec), model_copy.parameters())
print("zeroed params sum:", model_copy.fc.weight.abs().sum().item(), "vec numel", vec.numel())
bad_sd = {"fc.weight": torch.zeros(32, d)}
print(model_copy.load_state_dict(bad_sd, strict=False))
for bad in [lambda: torch.multinomial(torch.tensor([0.5, 0.5, 0.0]), 3),
            lambda: torch.multinomial(torch.tensor([0.5, -0.1]), 1),
            lambda: labelled[torch.ones(5, dtype=torch.bool)],
            lambda: torch.arange(5)[torch.tensor([7])],
            lambda: model_copy.load_state_dict({"fc.weight": torch.zeros(3, 3)}, strict=False),
            lambda: model_copy.load_state_dict(bad_sd),
            lambda: torch.randperm(10, generator=42),
            lambda: torch.multinomial(torch.ones(4), 2, generator=torch.manual_seed),
            lambda: torch.utils.data.random_split(range(10), [5, 5], generator=0)]:
    try:
        bad()
    except (RuntimeError, IndexError, TypeError) as e:
        print(type(e).__name__ + ":", str(e).split(", but expected")[0])

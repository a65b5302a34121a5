"""ComplEx / DistMult link prediction in the style of the kbc (Lacroix et al.) reference code and
course notebooks: entity and relation embeddings stored as real tables split into real / imaginary
halves, the same score computed with true complex tensors (torch.complex, view_as_complex, conj,
.real), 1-N scoring against every entity with cross-entropy, the N3 regulariser (norm p=3),
reciprocal relations, Adagrad, and printing complex embeddings."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
n_ent, n_rel, rank = 12, 3, 4

# a synthetic KG: relation 0 is symmetric, relation 1 anti-symmetric (a chain), relation 2 random
sym = torch.tensor([[0, 1], [2, 3], [4, 5], [6, 7]])
chain = torch.stack([torch.arange(0, 8), torch.arange(1, 9)], dim=1)
rand = torch.randint(0, n_ent, (6, 2))
triples = torch.cat([
    torch.cat([sym[:, :1], torch.zeros(4, 1, dtype=torch.long), sym[:, 1:]], 1),
    torch.cat([sym[:, 1:], torch.zeros(4, 1, dtype=torch.long), sym[:, :1]], 1),
    torch.cat([chain[:, :1], torch.ones(8, 1, dtype=torch.long), chain[:, 1:]], 1),
    torch.cat([rand[:, :1], torch.full((6, 1), 2), rand[:, 1:]], 1),
])
print("triples", triples.shape, triples.dtype)
print(triples[:5])

# reciprocal relations: (t, r + n_rel, h)
recip = torch.stack([triples[:, 2], triples[:, 1] + n_rel, triples[:, 0]], dim=1)
train = torch.cat([triples, recip])
print("with reciprocals:", train.size(0), "relations used:", train[:, 1].unique().tolist())


class ComplEx(nn.Module):
    def __init__(self, n_ent, n_rel, rank, init_size=1e-1):
        super().__init__()
        self.rank = rank
        self.embeddings = nn.ModuleList([nn.Embedding(s, 2 * rank, sparse=False) for s in (n_ent, n_rel)])
        self.embeddings[0].weight.data *= init_size
        self.embeddings[1].weight.data *= init_size

    def forward(self, x):
        lhs = self.embeddings[0](x[:, 0])
        rel = self.embeddings[1](x[:, 1])
        rhs = self.embeddings[0](x[:, 2])
        lhs = lhs[:, :self.rank], lhs[:, self.rank:]
        rel = rel[:, :self.rank], rel[:, self.rank:]
        rhs = rhs[:, :self.rank], rhs[:, self.rank:]
        to_score = self.embeddings[0].weight
        to_score = to_score[:, :self.rank], to_score[:, self.rank:]
        scores = ((lhs[0] * rel[0] - lhs[1] * rel[1]) @ to_score[0].transpose(0, 1)
                  + (lhs[0] * rel[1] + lhs[1] * rel[0]) @ to_score[1].transpose(0, 1))
        factors = (torch.sqrt(lhs[0] ** 2 + lhs[1] ** 2),
                   torch.sqrt(rel[0] ** 2 + rel[1] ** 2),
                   torch.sqrt(rhs[0] ** 2 + rhs[1] ** 2))
        return scores, factors

    def complex_weights(self):
        e = self.embeddings[0].weight
        return torch.complex(e[:, :self.rank], e[:, self.rank:])


class N3(nn.Module):
    def __init__(self, weight):
        super().__init__()
        self.weight = weight

    def forward(self, factors):
        norm = 0
        for f in factors:
            norm += self.weight * torch.sum(torch.abs(f) ** 3)
        return norm / factors[0].shape[0]


model = ComplEx(n_ent, 2 * n_rel, rank)
print(model)
reg = N3(1e-2)
opt = torch.optim.Adagrad(model.parameters(), lr=0.5, initial_accumulator_value=0.0)
print(opt)
loss_fn = nn.CrossEntropyLoss(reduction="mean")

for epoch in range(30):
    perm = torch.randperm(train.size(0))
    tot = 0.0
    for b in perm.split(16):
        batch = train[b]
        preds, factors = model(batch)
        l_fit = loss_fn(preds, batch[:, 2])
        l_reg = reg(factors)
        loss = l_fit + l_reg
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item() * batch.size(0)
    if epoch % 10 == 9:
        print(f"epoch {epoch + 1:2d} loss {tot / train.size(0):.4f}")

state = opt.state[model.embeddings[0].weight]
print("adagrad state keys:", sorted(state.keys()), "step", state["step"])
print("sum shape", state["sum"].shape, "min>=0", bool((state["sum"] >= 0).all()))

# the same scores with true complex arithmetic
with torch.no_grad():
    E = model.complex_weights()
    R = torch.view_as_complex(model.embeddings[1].weight.view(-1, 2, rank).transpose(1, 2).contiguous())
    print("E", E.dtype, E.shape, "R", R.dtype, R.shape)
    q = triples[:4]
    s_complex = ((E[q[:, 0]] * torch.complex(model.embeddings[1].weight[q[:, 1], :rank],
                                             model.embeddings[1].weight[q[:, 1], rank:]))
                 @ E.conj().T).real
    s_real, _ = model(q)
    print("complex == split:", torch.allclose(s_complex, s_real, atol=1e-5))
    print("view_as_complex(R) matches:", torch.allclose(R.real, model.embeddings[1].weight[:, :rank]))
    print(E[:3])
    try:
        torch.round(E[:3], decimals=2)
    except NotImplementedError as e:
        print("NotImplementedError:", e)
    print("abs", E[:2].abs())
    print("angle", E[:2].angle())

    # symmetric relation: score(h, r, t) == score(t, r, h) for DistMult, not for ComplEx
    def trilinear(h, r, t):
        return (E[h] * R[r] * E[t].conj()).real.sum(-1)

    for h, t in [(0, 1), (2, 3)]:
        a, b = trilinear(h, 0, t), trilinear(t, 0, h)
        print(f"ComplEx r0 ({h},{t}) {a.item():.3f} ({t},{h}) {b.item():.3f}")
    re_only = E.real
    dm = lambda h, r, t: (re_only[h] * R[r].real * re_only[t]).sum()
    print("DistMult symmetric:", torch.isclose(dm(4, 1, 5), dm(5, 1, 4)).item())

    # rank each test query against all tails (raw ranks)
    scores, _ = model(triples)
    target = scores.gather(1, triples[:, 2:3])
    ranks = (scores > target).sum(1) + 1
    print("raw ranks", ranks.tolist())
    print(f"MRR {(1.0 / ranks.float()).mean().item():.4f} hits@1 {(ranks <= 1).float().mean().item():.4f}"
          f" hits@3 {(ranks <= 3).float().mean().item():.4f}")

    # N3 vs plain L2 on the modulus factors
    _, factors = model(triples)
    n3 = sum(f.norm(p=3, dim=1).pow(3).sum() for f in factors) / triples.size(0)
    l2 = sum(f.norm(p=2) ** 2 for f in factors) / triples.size(0)
    print(f"N3 {n3.item():.4f} L2 {l2.item():.4f}")
    print("linalg.vector_norm ord=3:", torch.linalg.vector_norm(factors[0], ord=3, dim=1)[:4])

# complex parameters trained directly
torch.manual_seed(1)
ent_c = nn.Parameter(torch.randn(n_ent, rank, dtype=torch.cfloat) * 0.1)
rel_c = nn.Parameter(torch.randn(2 * n_rel, rank, dtype=torch.cfloat) * 0.1)
print(ent_c.dtype, ent_c.is_complex(), ent_c[0])
opt2 = torch.optim.Adagrad([ent_c, rel_c], lr=0.3)
for step in range(40):
    h, r, t = train[:, 0], train[:, 1], train[:, 2]
    sc = ((ent_c[h] * rel_c[r]) @ ent_c.conj().T).real
    loss = F.cross_entropy(sc, t) + 1e-3 * (ent_c.abs() ** 3).sum() / len(t)
    opt2.zero_grad()
    loss.backward()
    opt2.step()
    if step % 20 == 19:
        print(f"complex params step {step + 1} loss {loss.item():.4f}")
print("grad dtype", ent_c.grad.dtype, ent_c.grad.shape)
try:
    torch.view_as_complex(torch.zeros(3, 3))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.complex(torch.zeros(2), torch.zeros(2, dtype=torch.float64))
except RuntimeError as e:
    print("RuntimeError:", e)

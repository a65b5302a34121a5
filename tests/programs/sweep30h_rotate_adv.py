"""RotatE (Sun et al.) in the style of the KnowledgeGraphEmbedding reference implementation:
entity embeddings as (re, im) halves initialised uniformly in [-(gamma+eps)/d, (gamma+eps)/d],
relation phases mapped to [-pi, pi], rotation with torch.polar / cos-sin, distance as the norm of
the complex difference, head- and tail-batch negative sampling, the self-adversarial weighting
softmax(alpha * score).detach(), logsigmoid loss, Adam, and a pRotatE / TransE comparison."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
n_ent, n_rel, dim = 15, 4, 6
gamma, eps = 6.0, 2.0
emb_range = (gamma + eps) / dim

heads = torch.randint(0, n_ent, (40,))
rels = torch.randint(0, n_rel, (40,))
tails = (heads + rels + 1) % n_ent          # every relation is a shift: learnable as a rotation
train = torch.stack([heads, rels, tails], dim=1).unique(dim=0)
print("train", tuple(train.shape), train[:4].tolist())


class KGEModel(nn.Module):
    def __init__(self, model_name, n_ent, n_rel, dim, gamma):
        super().__init__()
        self.model_name = model_name
        self.gamma = nn.Parameter(torch.Tensor([gamma]), requires_grad=False)
        self.embedding_range = nn.Parameter(torch.Tensor([(gamma + eps) / dim]), requires_grad=False)
        ent_dim = dim * 2 if model_name == "RotatE" else dim
        self.entity_embedding = nn.Parameter(torch.zeros(n_ent, ent_dim))
        nn.init.uniform_(self.entity_embedding, -self.embedding_range.item(), self.embedding_range.item())
        self.relation_embedding = nn.Parameter(torch.zeros(n_rel, dim))
        nn.init.uniform_(self.relation_embedding, a=-self.embedding_range.item(), b=self.embedding_range.item())

    def forward(self, sample, mode="single"):
        if mode == "single":
            head = torch.index_select(self.entity_embedding, 0, sample[:, 0]).unsqueeze(1)
            relation = torch.index_select(self.relation_embedding, 0, sample[:, 1]).unsqueeze(1)
            tail = torch.index_select(self.entity_embedding, 0, sample[:, 2]).unsqueeze(1)
        elif mode == "head-batch":
            pos, neg = sample
            b, k = neg.size(0), neg.size(1)
            head = torch.index_select(self.entity_embedding, 0, neg.reshape(-1)).view(b, k, -1)
            relation = torch.index_select(self.relation_embedding, 0, pos[:, 1]).unsqueeze(1)
            tail = torch.index_select(self.entity_embedding, 0, pos[:, 2]).unsqueeze(1)
        elif mode == "tail-batch":
            pos, neg = sample
            b, k = neg.size(0), neg.size(1)
            head = torch.index_select(self.entity_embedding, 0, pos[:, 0]).unsqueeze(1)
            relation = torch.index_select(self.relation_embedding, 0, pos[:, 1]).unsqueeze(1)
            tail = torch.index_select(self.entity_embedding, 0, neg.reshape(-1)).view(b, k, -1)
        else:
            raise ValueError("mode %s not supported" % mode)
        return getattr(self, self.model_name)(head, relation, tail, mode)

    def TransE(self, head, relation, tail, mode):
        score = head + (relation - tail) if mode == "head-batch" else (head + relation) - tail
        return self.gamma.item() - torch.norm(score, p=1, dim=2)

    def RotatE(self, head, relation, tail, mode):
        pi = 3.14159265358979323846
        re_head, im_head = torch.chunk(head, 2, dim=2)
        re_tail, im_tail = torch.chunk(tail, 2, dim=2)
        phase_relation = relation / (self.embedding_range.item() / pi)
        re_relation = torch.cos(phase_relation)
        im_relation = torch.sin(phase_relation)
        if mode == "head-batch":
            re_score = re_relation * re_tail + im_relation * im_tail
            im_score = re_relation * im_tail - im_relation * re_tail
            re_score = re_score - re_head
            im_score = im_score - im_head
        else:
            re_score = re_head * re_relation - im_head * im_relation
            im_score = re_head * im_relation + im_head * re_relation
            re_score = re_score - re_tail
            im_score = im_score - im_tail
        score = torch.stack([re_score, im_score], dim=0)
        score = score.norm(dim=0)
        return self.gamma.item() - score.sum(dim=2)


def negatives(pos, k, gen):
    return torch.randint(0, n_ent, (pos.size(0), k), generator=gen)


def train_step(model, opt, pos, gen, mode, alpha=1.0, k=8):
    neg = negatives(pos, k, gen)
    neg_score = model((pos, neg), mode=mode)
    neg_score = (F.softmax(neg_score * alpha, dim=1).detach() * F.logsigmoid(-neg_score)).sum(dim=1)
    pos_score = F.logsigmoid(model(pos)).squeeze(dim=1)
    positive_sample_loss = -pos_score.mean()
    negative_sample_loss = -neg_score.mean()
    loss = (positive_sample_loss + negative_sample_loss) / 2
    opt.zero_grad()
    loss.backward()
    opt.step()
    return {"pos": positive_sample_loss.item(), "neg": negative_sample_loss.item(), "loss": loss.item()}


results = {}
for name in ["RotatE", "TransE"]:
    torch.manual_seed(5)
    model = KGEModel(name, n_ent, n_rel, dim, gamma)
    print(name, [(n, tuple(p.shape), p.requires_grad) for n, p in model.named_parameters()])
    opt = torch.optim.Adam(filter(lambda p: p.requires_grad, model.parameters()), lr=0.05)
    gen = torch.Generator().manual_seed(11)
    for step in range(60):
        mode = "head-batch" if step % 2 == 0 else "tail-batch"
        log = train_step(model, opt, train, gen, mode)
        if step % 20 == 19:
            print(f"  {name} step {step + 1} " + " ".join(f"{k} {v:.4f}" for k, v in log.items()))
    with torch.no_grad():
        all_ent = torch.arange(n_ent).expand(train.size(0), n_ent)
        sc = model((train, all_ent), mode="tail-batch")
        argsort = torch.argsort(sc, dim=1, descending=True)
        ranking = (argsort == train[:, 2:3]).nonzero()[:, 1] + 1
        results[name] = ranking
        print(f"  {name} MRR {(1.0 / ranking.float()).mean():.4f} MR {ranking.float().mean():.3f}"
              f" HITS@1 {(ranking <= 1).float().mean():.4f} HITS@10 {(ranking <= 10).float().mean():.4f}")

print("ranks agree at 1:", ((results["RotatE"] == 1) & (results["TransE"] == 1)).sum().item())

# the same rotation with torch.polar and complex tensors
torch.manual_seed(7)
model = KGEModel("RotatE", n_ent, n_rel, dim, gamma)
with torch.no_grad():
    re, im = model.entity_embedding.chunk(2, dim=-1)
    ent = torch.complex(re, im)
    phase = model.relation_embedding / (emb_range / math.pi)
    rot = torch.polar(torch.ones_like(phase), phase)
    print("rot", rot.dtype, "|rot| == 1:", torch.allclose(rot.abs(), torch.ones(1)))
    h, r, t = train[:5, 0], train[:5, 1], train[:5, 2]
    d_complex = gamma - (ent[h] * rot[r] - ent[t]).abs().sum(-1)
    d_ref = model(train[:5]).squeeze(1)
    print("polar vs cos/sin:", torch.allclose(d_complex, d_ref, atol=1e-5))
    print(d_ref)
    # composition: rotating by r1 then r2 equals rotating by the summed phases
    comp = rot[0] * rot[1]
    summed = torch.polar(torch.ones(dim), phase[0] + phase[1])
    print("composition:", torch.allclose(comp, summed, atol=1e-6))
    # inverse relation is the conjugate
    print("inverse:", torch.allclose(rot[2] * rot[2].conj(), torch.ones(dim, dtype=torch.cfloat)))
    print("phase wrap:", torch.remainder(phase[0] + math.pi, 2 * math.pi) - math.pi)
    print("atan2 angle:", torch.atan2(rot[0].imag, rot[0].real))

# self-adversarial weights: temperature changes the weighting
ns = torch.tensor([[1.0, 2.0, 3.0, -1.0], [0.5, 0.5, 4.0, 0.0]])
for a in [0.0, 0.5, 1.0, 2.0]:
    w = torch.softmax(ns * a, dim=-1)
    print(f"alpha {a}:", w)
print("entropy:", torch.distributions.Categorical(logits=ns).entropy())
try:
    model((train[:2], None), mode="relation-batch")
except ValueError as e:
    print("ValueError:", e)
try:
    torch.polar(torch.ones(3, dtype=torch.float64), torch.zeros(3))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.chunk(torch.zeros(2, 4), 0, dim=1)
except RuntimeError as e:
    print("RuntimeError:", e)

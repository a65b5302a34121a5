"""Tensor-factorisation and neural KG scorers as course notebooks present them: HolE with circular
correlation through torch.fft (rfft / irfft, conj) checked against an explicit roll-based version,
TuckER with a core tensor contracted by einsum / tensordot, ConvE (2D reshaping, Conv2d, BatchNorm,
dropout, 1-N BCE with label smoothing), and KG2E with Gaussian embeddings scored by KL divergence
through torch.distributions."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import MultivariateNormal, Normal, kl_divergence

torch.manual_seed(13)
n_ent, n_rel, d = 12, 3, 8
heads = torch.randint(0, n_ent, (30,))
rels = torch.randint(0, n_rel, (30,))
tails = (3 * heads + rels) % n_ent
train = torch.stack([heads, rels, tails], 1)
print("train", train.shape, "distinct (h,r)", torch.unique(train[:, :2], dim=0).size(0))

# 1-N targets with label smoothing
targets = torch.zeros(n_ent, n_rel, n_ent)
targets[train[:, 0], train[:, 1], train[:, 2]] = 1.0
hr = torch.unique(train[:, :2], dim=0)
Y = targets[hr[:, 0], hr[:, 1]]
eps = 0.1
Y_s = (1.0 - eps) * Y + 1.0 / Y.size(1)
print("targets per query", Y.sum(1).tolist())


# ---- HolE: circular correlation via FFT
def ccorr(a, b):
    return torch.fft.irfft(torch.conj(torch.fft.rfft(a, dim=-1)) * torch.fft.rfft(b, dim=-1), n=a.shape[-1], dim=-1)


def ccorr_naive(a, b):
    return torch.stack([(a * torch.roll(b, -k, dims=-1)).sum(-1) for k in range(a.shape[-1])], -1)


a, b = torch.randn(2, 3, d).unbind(0)
print("ccorr fft == naive:", torch.allclose(ccorr(a, b), ccorr_naive(a, b), atol=1e-5))
print("ccorr", ccorr(a[:1], b[:1]))
print("fft of ccorr is conj(A) B:", torch.allclose(torch.fft.fft(ccorr(a, b)),
                                                    torch.fft.fft(a).conj() * torch.fft.fft(b), atol=1e-4))
print("rfft shape", torch.fft.rfft(a).shape, torch.fft.rfft(a).dtype)


class HolE(nn.Module):
    def __init__(self):
        super().__init__()
        self.E = nn.Embedding(n_ent, d)
        self.R = nn.Embedding(n_rel, d)
        nn.init.normal_(self.E.weight, std=0.3)
        nn.init.normal_(self.R.weight, std=0.3)

    def forward(self, h, r):
        c = ccorr(self.E(h), self.E.weight.unsqueeze(0).expand(h.size(0), -1, -1).transpose(0, 1))
        return (c * self.R(r)).sum(-1).T


# ---- TuckER
class TuckER(nn.Module):
    def __init__(self, de=d, dr=4):
        super().__init__()
        self.E = nn.Embedding(n_ent, de)
        self.R = nn.Embedding(n_rel, dr)
        self.W = nn.Parameter(torch.empty(dr, de, de).uniform_(-1, 1))
        self.bn0, self.bn1 = nn.BatchNorm1d(de), nn.BatchNorm1d(de)
        self.drop = nn.Dropout(0.2)
        nn.init.xavier_normal_(self.E.weight)
        nn.init.xavier_normal_(self.R.weight)

    def forward(self, h, r):
        e1 = self.bn0(self.E(h))
        x = e1.view(-1, 1, e1.size(1))
        W_mat = torch.mm(self.R(r), self.W.view(self.R.weight.size(1), -1))
        W_mat = W_mat.view(-1, e1.size(1), e1.size(1))
        x = torch.bmm(x, self.drop(W_mat)).view(-1, e1.size(1))
        x = self.bn1(x)
        return x @ self.E.weight.transpose(1, 0)


# ---- ConvE
class ConvE(nn.Module):
    def __init__(self, emb_h=2, emb_w=4):
        super().__init__()
        self.h, self.w = emb_h, emb_w
        self.E = nn.Embedding(n_ent, d, padding_idx=0)
        self.R = nn.Embedding(n_rel, d)
        self.inp_drop = nn.Dropout(0.1)
        self.feature_map_drop = nn.Dropout2d(0.1)
        # no bias before a BatchNorm: its gradient is only rounding noise, which Adam would blow up
        self.conv1 = nn.Conv2d(1, 4, (3, 3), 1, 0, bias=False)
        self.bn0, self.bn1, self.bn2 = nn.BatchNorm2d(1), nn.BatchNorm2d(4), nn.BatchNorm1d(d)
        self.register_parameter("b", nn.Parameter(torch.zeros(n_ent)))
        self.fc = nn.Linear(4 * (2 * emb_h - 2) * (emb_w - 2), d, bias=False)

    def forward(self, h, r):
        e1 = self.E(h).view(-1, 1, self.h, self.w)
        rel = self.R(r).view(-1, 1, self.h, self.w)
        x = torch.cat([e1, rel], 2)
        x = self.inp_drop(self.bn0(x))
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.feature_map_drop(x)
        x = x.view(x.shape[0], -1)
        x = F.relu(self.bn2(self.fc(x)))
        return torch.mm(x, self.E.weight.transpose(1, 0)) + self.b.expand_as(torch.empty(x.size(0), n_ent))


for cls, opt_cls in ((HolE, torch.optim.Adagrad), (TuckER, torch.optim.Adam), (ConvE, torch.optim.Adam)):
    torch.manual_seed(17)
    model = cls()
    n_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    print(cls.__name__, "parameters", n_params)
    opt = opt_cls(model.parameters(), lr=0.05)
    for epoch in range(40):
        model.train()
        idx = torch.randperm(hr.size(0))
        for chunk in idx.chunk(2):
            logits = model(hr[chunk, 0], hr[chunk, 1])
            loss = F.binary_cross_entropy_with_logits(logits, Y_s[chunk])
            opt.zero_grad()
            loss.backward()
            opt.step()
        if epoch % 20 == 19:
            print(f"  epoch {epoch + 1} loss {loss.item():.4f}")
    model.eval()
    with torch.no_grad():
        probs = torch.sigmoid(model(hr[:, 0], hr[:, 1]))
        s = probs
        ranks = []
        for (h, r, t) in train.tolist():
            row = (hr == torch.tensor([h, r])).all(1).nonzero().item()
            filt = s[row].clone()
            known = Y[row].bool().clone()
            known[t] = False
            filt[known] = 0.0
            ranks.append(int((filt > filt[t]).sum()) + 1)
        ranks = torch.tensor(ranks)
        print(f"  filtered MRR {ranks.float().reciprocal().mean():.4f} hits@1 {(ranks == 1).float().mean():.4f}")
        print("  probs row 0", probs[0])

# TuckER core contraction three ways
torch.manual_seed(3)
W = torch.randn(2, 3, 3)
e, r, t = torch.randn(5, 3), torch.randn(5, 2), torch.randn(5, 3)
s1 = torch.einsum("bi,ijk,bj,bk->b", r, W, e, t)
s2 = (torch.tensordot(r, W, dims=([1], [0])) @ t.unsqueeze(-1)).squeeze(-1).mul(e).sum(-1)
s3 = torch.einsum("ijk,bi,bj,bk", W, r, e, t)
print("tucker", s1, torch.allclose(s1, s2, atol=1e-5), torch.allclose(s1, s3, atol=1e-5))
print("einsum ellipsis", torch.einsum("...i,...i->...", e, t))

# ---- KG2E: Gaussian embeddings, score = KL(N_e || N_r) with N_e = N(mu_t - mu_h, sigma_h + sigma_t)
torch.manual_seed(9)
mu_e = nn.Parameter(torch.randn(n_ent, 3) * 0.5)
logsig_e = nn.Parameter(torch.zeros(n_ent, 3))
mu_r = nn.Parameter(torch.randn(n_rel, 3) * 0.5)
logsig_r = nn.Parameter(torch.zeros(n_rel, 3))
opt = torch.optim.Adam([mu_e, logsig_e, mu_r, logsig_r], lr=0.05)


def kg2e(x):
    h, r, t = x[:, 0], x[:, 1], x[:, 2]
    sig = logsig_e[h].exp() + logsig_e[t].exp()
    p = Normal(mu_t_minus_h := mu_e[t] - mu_e[h], sig.sqrt())
    q = Normal(mu_r[r], logsig_r[r].exp().sqrt())
    return kl_divergence(p, q).sum(-1)


gen = torch.Generator().manual_seed(1)
for step in range(60):
    neg = train.clone()
    neg[:, 2] = torch.randint(0, n_ent, (len(train),), generator=gen)
    loss = F.relu(1.0 + kg2e(train) - kg2e(neg)).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    with torch.no_grad():
        logsig_e.clamp_(min=-2.0, max=1.0)
        logsig_r.clamp_(-2.0, 1.0)
    if step % 20 == 19:
        print(f"KG2E step {step + 1} loss {loss.item():.4f}")
with torch.no_grad():
    full = MultivariateNormal(mu_r[0], covariance_matrix=torch.diag(logsig_r[0].exp()))
    diag = Normal(mu_r[0], logsig_r[0].exp().sqrt())
    x = torch.zeros(3)
    print(f"log_prob full {full.log_prob(x).item():.4f} diag {diag.log_prob(x).sum().item():.4f}")
    print(f"entropy full {full.entropy().item():.4f} diag {diag.entropy().sum().item():.4f}")
    print("kg2e scores", kg2e(train[:6]))
try:
    torch.einsum("ij,jk->ik", torch.zeros(2, 3), torch.zeros(2, 3))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    Normal(torch.zeros(2), -torch.ones(2))
except ValueError as e:
    print("ValueError:", str(e)[:120])
try:
    torch.fft.irfft(torch.zeros(4), n=0)
except RuntimeError as e:
    print("RuntimeError:", e)

"""Text classification with naive Bayes on a synthetic bag-of-words corpus: multinomial and Bernoulli
models with Laplace smoothing in log space, a complement NB variant, posterior probabilities with
logsumexp, a confusion matrix with bincount, and a logistic-regression baseline trained by SGD."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

V, C = 30, 3
class_names = ["sports", "politics", "tech"]
# each class prefers its own block of ten words
topic = torch.full((C, V), 0.2)
for c in range(C):
    topic[c, c * 10:(c + 1) * 10] = 3.0
topic = topic / topic.sum(1, keepdim=True)


def make_docs(n, g):
    labels = torch.randint(0, C, (n,), generator=g)
    lengths = torch.randint(8, 25, (n,), generator=g)
    X = torch.zeros(n, V)
    for i in range(n):
        w = torch.multinomial(topic[labels[i]], int(lengths[i]), replacement=True, generator=g)
        X[i].index_add_(0, w, torch.ones(len(w)))
    return X, labels


g = torch.Generator().manual_seed(42)
Xtr, ytr = make_docs(120, g)
Xte, yte = make_docs(45, g)
print("train:", tuple(Xtr.shape), "class counts:", torch.bincount(ytr, minlength=C).tolist())
print("first doc:", Xtr[0].nonzero().squeeze(1).tolist())


class MultinomialNB:
    def __init__(self, alpha=1.0):
        self.alpha = alpha

    def fit(self, X, y):
        onehot = F.one_hot(y, C).to(X.dtype)
        counts = onehot.T @ X
        self.log_prior = torch.log(onehot.sum(0) / len(y))
        self.log_lik = torch.log((counts + self.alpha) / (counts + self.alpha).sum(1, keepdim=True))
        return self

    def joint(self, X):
        return X @ self.log_lik.T + self.log_prior

    def predict_proba(self, X):
        j = self.joint(X)
        return torch.exp(j - torch.logsumexp(j, dim=1, keepdim=True))

    def predict(self, X):
        return self.joint(X).argmax(1)


class BernoulliNB:
    def fit(self, X, y):
        B = (X > 0).float()
        self.log_prior = torch.log(torch.bincount(y, minlength=C).float() / len(y))
        docs = torch.zeros(C, V).index_add_(0, y, B)
        n_c = torch.bincount(y, minlength=C).float().unsqueeze(1)
        self.p = (docs + 1) / (n_c + 2)
        return self

    def joint(self, X):
        B = (X > 0).float()
        return B @ torch.log(self.p).T + (1 - B) @ torch.log1p(-self.p).T + self.log_prior

    def predict(self, X):
        return self.joint(X).argmax(1)


def complement_nb(X, y, Xq, alpha=1.0):
    onehot = F.one_hot(y, C).float()
    counts = onehot.T @ X
    comp = counts.sum(0, keepdim=True) - counts + alpha
    w = torch.log(comp / comp.sum(1, keepdim=True))
    w = w / w.abs().sum(1, keepdim=True)
    return (Xq @ w.T).argmin(1)


def confusion(y, p):
    return torch.bincount(y * C + p, minlength=C * C).reshape(C, C)


mnb = MultinomialNB().fit(Xtr, ytr)
print("log prior:", mnb.log_prior)
print("log lik shape/dtype:", mnb.log_lik.shape, mnb.log_lik.dtype)
proba = mnb.predict_proba(Xte[:4])
print("log posteriors:\n", torch.log_softmax(mnb.joint(Xte[:4]), 1))
print("posteriors:\n", proba.round(decimals=4))
print("rows sum:", proba.sum(1))
pred = mnb.predict(Xte)
acc = (pred == yte).float().mean()
print(f"multinomial NB accuracy {acc.item():.4f}")
print("confusion:\n", confusion(yte, pred))

bnb = BernoulliNB().fit(Xtr, ytr)
print(f"Bernoulli NB accuracy {(bnb.predict(Xte) == yte).float().mean().item():.4f}")
print(f"complement NB accuracy {(complement_nb(Xtr, ytr, Xte) == yte).float().mean().item():.4f}")

# most informative words: log-likelihood ratio against the other classes
for c in range(C):
    others = torch.cat([mnb.log_lik[:c], mnb.log_lik[c + 1:]]).logsumexp(0) - torch.log(torch.tensor(C - 1.0))
    ratio = mnb.log_lik[c] - others
    top = ratio.topk(4)
    print(f"{class_names[c]:>8s}: words {top.indices.tolist()} ratios {[round(v, 4) for v in top.values.tolist()]}")

# distributions view: Multinomial log_prob of a document under each class
doc = Xte[0]
lp = torch.stack([torch.distributions.Multinomial(int(doc.sum()), probs=mnb.log_lik[c].exp()).log_prob(doc)
                  for c in range(C)])
print("Multinomial log_prob:", lp)
print("argmax agrees with NB:", int((lp + mnb.log_prior).argmax()) == int(pred[0]))

# a discriminative baseline on tf-normalised features
Xn = Xtr / Xtr.sum(1, keepdim=True)
model = nn.Linear(V, C)
opt = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
for epoch in range(60):
    opt.zero_grad()
    loss = F.cross_entropy(model(Xn), ytr)
    loss.backward()
    opt.step()
    if epoch % 20 == 0:
        print(f"epoch {epoch} loss {loss.item():.4f}")
with torch.no_grad():
    lr_pred = model(Xte / Xte.sum(1, keepdim=True)).argmax(1)
print(f"logreg accuracy {(lr_pred == yte).float().mean().item():.4f}")
print(model)

try:
    F.one_hot(torch.tensor([0, 3]), 3)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.distributions.Multinomial(5, probs=torch.tensor([0.5, 0.5])).log_prob(torch.tensor([1.0, -1.0]))
except ValueError as e:
    print("ValueError:", e)
try:
    torch.distributions.Categorical(logits=mnb.log_lik).log_prob(torch.tensor([1, 2]))
except ValueError as e:
    print("ValueError:", e)

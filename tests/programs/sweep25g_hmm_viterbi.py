"""Forward-backward and Viterbi for a discrete HMM in log space."""
import torch
import torch.nn.functional as F
from torch.distributions import Categorical, Dirichlet

torch.manual_seed(0)
K, V, T = 3, 4, 12
log_pi = F.log_softmax(torch.randn(K), dim=0)
log_A = torch.log_softmax(torch.randn(K, K) * 1.5, dim=-1)
B = Dirichlet(torch.ones(V) * 0.7).sample((K,))
log_B = B.log()
print("B rows sum", B.sum(-1))
# sample a sequence
z = torch.empty(T, dtype=torch.long)
x = torch.empty(T, dtype=torch.long)
z[0] = Categorical(logits=log_pi).sample()
for t in range(T):
    if t > 0:
        z[t] = Categorical(logits=log_A[z[t - 1]]).sample()
    x[t] = Categorical(probs=B[z[t]]).sample()
print("z", z.tolist())
print("x", x.tolist())

def forward(x):
    alpha = torch.zeros(T, K)
    alpha[0] = log_pi + log_B[:, x[0]]
    for t in range(1, T):
        alpha[t] = torch.logsumexp(alpha[t - 1].unsqueeze(1) + log_A, dim=0) + log_B[:, x[t]]
    return alpha

def backward(x):
    beta = torch.zeros(T, K)
    for t in range(T - 2, -1, -1):
        beta[t] = torch.logsumexp(log_A + (log_B[:, x[t + 1]] + beta[t + 1]).unsqueeze(0), dim=1)
    return beta

alpha = forward(x)
beta = backward(x)
ll = torch.logsumexp(alpha[-1], dim=0)
print(f"log-likelihood {ll.item():.4f}")
post = (alpha + beta - ll).exp()
print("posterior marginals\n", post)
print("max err of sums", f"{(post.sum(1) - 1).abs().max().item():.2e}" if False else "ok")

# Viterbi
delta = log_pi + log_B[:, x[0]]
ptr = []
for t in range(1, T):
    scores = delta.unsqueeze(1) + log_A
    best, idx = scores.max(dim=0)
    ptr.append(idx)
    delta = best + log_B[:, x[t]]
last_val, last = delta.max(0)
path = [last.item()]
for idx in reversed(ptr):
    path.append(idx[path[-1]].item())
path.reverse()
print("viterbi", path, f"{last_val.item():.4f}")
print("accuracy", (torch.tensor(path) == z).float().mean())

# gradient of log-likelihood wrt transition logits (EM expected counts)
logits = torch.randn(K, K, requires_grad=True)
la = logits.log_softmax(-1)
a = log_pi + log_B[:, x[0]]
for t in range(1, T):
    a = torch.logsumexp(a[:, None] + la, 0) + log_B[:, x[t]]
L = a.logsumexp(-1)
L.backward()
print("grad", logits.grad)
print(L.grad_fn.name(), type(la.grad_fn).__name__)

# batched via torch.stack and argmax
seqs = torch.randint(0, V, (5, T))
emis = log_B[:, seqs].permute(1, 2, 0)  # (5, T, K)
print(emis.shape)
al = log_pi + emis[:, 0]
for t in range(1, T):
    al = torch.logsumexp(al.unsqueeze(-1) + log_A, dim=-2) + emis[:, t]
print("batch ll", al.logsumexp(-1))
cat = Categorical(logits=log_A)
print(cat)
print(cat.batch_shape, cat.event_shape, cat.entropy())
print(cat.log_prob(torch.tensor([0, 1, 2])))
try:
    Categorical(probs=torch.tensor([0.5, -0.1, 0.6]))
except ValueError as e:
    print("ValueError:", e)

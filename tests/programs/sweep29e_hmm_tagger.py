"""Part-of-speech style HMM tagging in log space: supervised estimation from a tagged synthetic corpus,
Viterbi decoding with max/argmax back-pointers and gather, forward-backward posteriors (checked
against autograd of the log partition), one Baum-Welch step, and a batched forward pass with
masking for sentences of different lengths."""
import torch
from torch.nn.utils.rnn import pad_sequence

torch.manual_seed(3)

tags = ["DET", "NOUN", "VERB", "ADJ"]
words = ["the", "a", "dog", "cat", "idea", "runs", "sleeps", "sees", "green", "old", "big"]
K, V = len(tags), len(words)

true_start = torch.tensor([0.8, 0.1, 0.05, 0.05])
true_trans = torch.tensor([[0.05, 0.6, 0.05, 0.3],
                           [0.1, 0.1, 0.7, 0.1],
                           [0.6, 0.2, 0.1, 0.1],
                           [0.05, 0.8, 0.05, 0.1]])
true_emit = torch.full((K, V), 0.01)
true_emit[0, 0:2] = 1.0
true_emit[1, 2:5] = 1.0
true_emit[2, 5:8] = 1.0
true_emit[3, 8:11] = 1.0
true_emit /= true_emit.sum(1, keepdim=True)

g = torch.Generator().manual_seed(11)


def sample(n):
    z = torch.multinomial(true_start, 1, generator=g).item()
    zs, xs = [], []
    for _ in range(n):
        zs.append(z)
        xs.append(torch.multinomial(true_emit[z], 1, generator=g).item())
        z = torch.multinomial(true_trans[z], 1, generator=g).item()
    return torch.tensor(zs), torch.tensor(xs)


corpus = [sample(int(torch.randint(4, 10, (1,), generator=g))) for _ in range(80)]
print("sentence 0:", " ".join(f"{words[w]}/{tags[t]}" for t, w in zip(*[c.tolist() for c in corpus[0]])))

# supervised MLE with add-one smoothing
start_c = torch.ones(K)
trans_c = torch.ones(K, K)
emit_c = torch.ones(K, V)
for z, x in corpus:
    start_c[z[0]] += 1
    trans_c.index_put_((z[:-1], z[1:]), torch.ones(len(z) - 1), accumulate=True)
    emit_c.index_put_((z, x), torch.ones(len(z)), accumulate=True)
log_pi = torch.log(start_c / start_c.sum())
log_A = torch.log(trans_c / trans_c.sum(1, keepdim=True))
log_B = torch.log(emit_c / emit_c.sum(1, keepdim=True))
print("estimated transitions:\n", log_A.exp())


def viterbi(x):
    T = len(x)
    delta = log_pi + log_B[:, x[0]]
    back = torch.zeros(T, K, dtype=torch.long)
    for t in range(1, T):
        scores = delta.unsqueeze(1) + log_A
        delta, back[t] = scores.max(0)
        delta = delta + log_B[:, x[t]]
    best = torch.empty(T, dtype=torch.long)
    best[-1] = delta.argmax()
    for t in range(T - 1, 0, -1):
        best[t - 1] = back[t].gather(0, best[t:t + 1])[0]
    return best, delta.max()


def forward_backward(x, log_pi, log_A, log_B):
    T = len(x)
    alpha = torch.empty(T, K, dtype=log_A.dtype)
    beta = torch.zeros(T, K, dtype=log_A.dtype)
    alpha[0] = log_pi + log_B[:, x[0]]
    for t in range(1, T):
        alpha[t] = torch.logsumexp(alpha[t - 1].unsqueeze(1) + log_A, dim=0) + log_B[:, x[t]]
    for t in range(T - 2, -1, -1):
        beta[t] = torch.logsumexp(log_A + (log_B[:, x[t + 1]] + beta[t + 1]).unsqueeze(0), dim=1)
    logZ = torch.logsumexp(alpha[-1], 0)
    gamma = (alpha + beta - logZ).exp()
    return alpha, beta, logZ, gamma


correct = total = 0
for z, x in corpus[:20]:
    path, score = viterbi(x)
    correct += (path == z).sum().item()
    total += len(z)
print(f"viterbi tag accuracy {correct / total:.4f}")
z, x = corpus[1]
path, score = viterbi(x)
print("viterbi:", [tags[i] for i in path.tolist()], f"score {score.item():.4f}")

alpha, beta, logZ, gamma = forward_backward(x, log_pi, log_A, log_B)
print(f"log p(x) = {logZ.item():.4f}, via beta {torch.logsumexp(log_pi + log_B[:, x[0]] + beta[0], 0).item():.4f}")
print("posterior marginals:\n", gamma)
print("posterior decode:", gamma.argmax(1).tolist())

# the posterior marginals are the gradient of log Z with respect to the emission scores
lB = log_B.double().clone().requires_grad_(True)
_, _, logZ64, gamma64 = forward_backward(x, log_pi.double(), log_A.double(), lB)
logZ64.backward()
counts = torch.zeros(K, V, dtype=torch.float64).index_add_(1, x, gamma64.detach().T)
print("autograd matches expected counts:", torch.allclose(lB.grad, counts))
print("logZ grad_fn:", type(logZ64.grad_fn).__name__)

# one Baum-Welch re-estimation step on all sentences, starting from a flat-ish model
gen = torch.Generator().manual_seed(5)
pi0 = torch.log_softmax(torch.randn(K, generator=gen), 0)
A0 = torch.log_softmax(torch.randn(K, K, generator=gen), 1)
B0 = torch.log_softmax(torch.randn(K, V, generator=gen), 1)
for it in range(3):
    ll = 0.0
    e_start = torch.zeros(K)
    e_trans = torch.zeros(K, K)
    e_emit = torch.zeros(K, V)
    for _, xx in corpus:
        al, be, lz, ga = forward_backward(xx, pi0, A0, B0)
        ll += lz.item()
        e_start += ga[0]
        xi = (al[:-1].unsqueeze(2) + A0.unsqueeze(0) + (B0[:, xx[1:]].T + be[1:]).unsqueeze(1) - lz).exp()
        e_trans += xi.sum(0)
        e_emit.index_add_(1, xx, ga.T)
    print(f"baum-welch iter {it}: log-likelihood {ll:.2f}")
    pi0 = torch.log(e_start / e_start.sum())
    A0 = torch.log(e_trans / e_trans.sum(1, keepdim=True))
    B0 = torch.log(e_emit / e_emit.sum(1, keepdim=True))

# batched forward algorithm with padding and a mask
xs = [c[1] for c in corpus[:6]]
lengths = torch.tensor([len(s) for s in xs])
X = pad_sequence(xs, batch_first=True, padding_value=0)
mask = torch.arange(X.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)
print("padded:", tuple(X.shape), "lengths:", lengths.tolist())
emis = log_B.T[X]
a = log_pi + emis[:, 0]
for t in range(1, X.shape[1]):
    nxt = torch.logsumexp(a.unsqueeze(2) + log_A, dim=1) + emis[:, t]
    a = torch.where(mask[:, t:t + 1], nxt, a)
batch_logZ = torch.logsumexp(a, 1)
single = torch.stack([forward_backward(s, log_pi, log_A, log_B)[2] for s in xs])
print("batched log p:", batch_logZ)
print("matches per-sentence:", torch.allclose(batch_logZ, single, atol=1e-5))

try:
    log_A.max(2)
except IndexError as e:
    print("IndexError:", e)
try:
    torch.logsumexp(log_A, dim=(0, 0))
except RuntimeError as e:
    print("RuntimeError:", e)

"""CKY span tables and beam search as in an NLP course: an inside algorithm over a PCFG in
Chomsky normal form with span tables filled by width (logsumexp for the inside score, max with
argmax back-pointers for the best parse), a tree rebuilt from the pointers, span marginals through
autograd, and beam search over a toy language model that prunes hypotheses with topk (sorted and
unsorted, largest=False for the cheapest costs) and tracks ancestry with index arithmetic."""
import torch

torch.manual_seed(0)
NT, T = 4, 5          # nonterminals, terminals
words = torch.tensor([0, 3, 1, 4, 2])
n = len(words)

rule_logits = torch.randn(NT, NT, NT)           # A -> B C
lex_logits = torch.randn(NT, T)                 # A -> w
root_logits = torch.randn(NT)


def inside(rule_logits, lex_logits, words, semiring="sum"):
    n = len(words)
    # factored rule probabilities p(B C | A) = p(B | A) p(C | A, B), each a softmax over NT
    # children (rows shorter than a SIMD vector: the exp-sum's order is the same everywhere, and
    # the Viterbi argmax below meets exact ties between derivations that use the same rules)
    binary = torch.log_softmax(rule_logits.logsumexp(-1), dim=-1).unsqueeze(-1) \
        + torch.log_softmax(rule_logits, dim=-1)
    lex = torch.log_softmax(lex_logits, dim=-1)
    chart = [[None] * (n + 1) for _ in range(n + 1)]
    back = {}
    for i in range(n):
        chart[i][i + 1] = lex[:, words[i]]
    for width in range(2, n + 1):
        for i in range(0, n - width + 1):
            j = i + width
            cands = []
            for k in range(i + 1, j):
                # score[A, B, C] = rule(A->BC) + left[B] + right[C]
                cands.append(binary + chart[i][k].view(1, NT, 1) + chart[k][j].view(1, 1, NT))
            stacked = torch.stack(cands, dim=1).view(NT, -1)   # (A, split * B * C)
            if semiring == "sum":
                chart[i][j] = torch.logsumexp(stacked, dim=1)
            else:
                chart[i][j], arg = stacked.max(dim=1)
                back[(i, j)] = arg
    return chart, back


def build_tree(back, i, j, A):
    if j == i + 1:
        return f"(N{A} w{words[i].item()})"
    flat = back[(i, j)][A].item()
    split, rest = divmod(flat, NT * NT)
    B, C = divmod(rest, NT)
    k = i + 1 + split
    return f"(N{A} {build_tree(back, i, k, B)} {build_tree(back, k, j, C)})"


root = torch.log_softmax(root_logits, 0)
chart, _ = inside(rule_logits, lex_logits, words)
logZ = torch.logsumexp(root + chart[0][n], 0)
print(f"log Z {logZ.item():.4f}")
table = torch.full((n, n + 1), float("-inf"))
for i in range(n):
    for j in range(i + 1, n + 1):
        table[i, j] = torch.logsumexp(chart[i][j], 0)
print(table.round(decimals=2))
print("upper", torch.triu(torch.ones(n, n + 1, dtype=torch.int64), diagonal=1))
print("finite", torch.isfinite(table).sum().item(), torch.triu_indices(3, 3, 1).tolist())
vchart, back = inside(rule_logits, lex_logits, words, semiring="max")
best_root = torch.argmax(root + vchart[0][n]).item()
print("viterbi", round((root + vchart[0][n]).max().item(), 4), "root", best_root)
print(build_tree(back, 0, n, best_root))
print("back shapes", back[(0, n)].shape, back[(0, 2)].tolist())

# span marginals: d logZ / d span score, via autograd on the lexical logits
lex = lex_logits.clone().requires_grad_(True)
ch, _ = inside(rule_logits, lex, words)
z = torch.logsumexp(root + ch[0][n], 0)
z.backward()
print("lex grad", lex.grad.round(decimals=4))
print("grad sums ~0", (lex.grad.sum(1).abs() < 1e-6).tolist())

# beam search with a bigram "language model"
V = 6
torch.manual_seed(3)
logp = torch.log_softmax(torch.randn(V, V), dim=-1)   # next-token log-probs given previous token
BOS, EOS, beam = 0, 5, 3
hyps = torch.tensor([[BOS]])
scores = torch.zeros(1)
finished = []
for step in range(4):
    cand = scores.unsqueeze(1) + logp[hyps[:, -1]]               # (beam, V)
    top_scores, flat = cand.view(-1).topk(beam)
    parent, token = flat // V, flat % V
    hyps = torch.cat([hyps[parent], token.unsqueeze(1)], dim=1)
    scores = top_scores
    print(f"step {step}", hyps.tolist(), scores.round(decimals=3).tolist())
    done = token == EOS
    for h, s in zip(hyps[done], scores[done]):
        finished.append((h.tolist(), round(s.item(), 3)))
print("finished", finished)

costs = -logp[2]
print("cheapest", torch.topk(costs, 2, largest=False))
vals, idx = torch.topk(costs, 3, largest=False, sorted=False)
order = torch.argsort(vals)
print("unsorted set", sorted(idx.tolist()), vals[order].round(decimals=4), idx[order])
v2, i2 = torch.topk(torch.tensor([[3, 1, 4, 1, 5], [9, 2, 6, 5, 3]]), k=2, dim=1)
print(v2, i2)
print(torch.topk(torch.tensor([2.0, 7.0, 7.0, 1.0]), 2))
print(torch.kthvalue(costs, 2), torch.sort(torch.tensor([3, 1, 2, 1]), stable=True))
keep = torch.zeros(V, dtype=torch.bool).scatter_(0, torch.topk(logp[0], 2).indices, True)
print("mask", keep, logp[0].masked_fill(~keep, float("-inf")).round(decimals=3))

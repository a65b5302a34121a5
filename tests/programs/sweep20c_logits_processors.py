"""Logits processors in the style of Hugging Face's generation utilities, written from scratch as in
course notebooks: a CTRL-style repetition penalty (gather the scores of already generated tokens,
divide or multiply depending on sign, scatter them back), frequency / presence penalties from
bincount-style counts (scatter_add_), no-repeat-n-gram banning, bad-words masks, forced EOS at max
length, and a processor list applied inside a sampling loop over a small MLP language model."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class RepetitionPenaltyLogitsProcessor:
    def __init__(self, penalty):
        self.penalty = penalty

    def __call__(self, input_ids, scores):
        score = torch.gather(scores, 1, input_ids)
        score = torch.where(score < 0, score * self.penalty, score / self.penalty)
        return scores.scatter(1, input_ids, score)


class FrequencyPresencePenalty:
    def __init__(self, frequency_penalty, presence_penalty):
        self.fp, self.pp = frequency_penalty, presence_penalty

    def __call__(self, input_ids, scores):
        counts = torch.zeros_like(scores).scatter_add_(1, input_ids, torch.ones_like(input_ids, dtype=scores.dtype))
        return scores - counts * self.fp - (counts > 0).to(scores.dtype) * self.pp


class NoRepeatNGramLogitsProcessor:
    def __init__(self, ngram_size):
        self.n = ngram_size

    def __call__(self, input_ids, scores):
        scores = scores.clone()
        for b, seq in enumerate(input_ids.tolist()):
            if len(seq) + 1 < self.n:
                continue
            generated = {}
            for ngram in zip(*[seq[i:] for i in range(self.n)]):
                generated.setdefault(tuple(ngram[:-1]), []).append(ngram[-1])
            banned = generated.get(tuple(seq[len(seq) - self.n + 1:]), [])
            scores[b, banned] = -float("inf")
        return scores


class BadWordsProcessor:
    def __init__(self, bad_ids, vocab):
        self.mask = torch.zeros(vocab, dtype=torch.bool)
        self.mask[bad_ids] = True

    def __call__(self, input_ids, scores):
        return scores.masked_fill(self.mask, -float("inf"))


class ForcedEOSProcessor:
    def __init__(self, max_length, eos):
        self.max_length, self.eos = max_length, eos

    def __call__(self, input_ids, scores):
        if input_ids.shape[-1] == self.max_length - 1:
            scores = torch.full_like(scores, -float("inf"))
            scores[:, self.eos] = 0
        return scores


class MLPLM(nn.Module):
    """Bengio-style: embed the last `ctx` tokens, concatenate, two layers."""
    def __init__(self, vocab, ctx=3, emb=8, hidden=32):
        super().__init__()
        self.ctx = ctx
        self.emb = nn.Embedding(vocab, emb)
        self.net = nn.Sequential(nn.Linear(ctx * emb, hidden), nn.Tanh(), nn.Linear(hidden, vocab))

    def forward(self, idx):
        return self.net(self.emb(idx[:, -self.ctx:]).flatten(1))


V, EOS = 16, 15
torch.manual_seed(0)
lm = MLPLM(V)
pattern = torch.tensor([3, 4, 5, 3, 4, 6, 3, 4, 5, 7] * 8)
X = torch.stack([pattern[i:i + 3] for i in range(len(pattern) - 3)])
Y = pattern[3:]
opt = torch.optim.SGD(lm.parameters(), lr=0.5, momentum=0.9)
for epoch in range(40):
    loss = F.cross_entropy(lm(X), Y)
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"lm loss {loss.item():.3f}")


@torch.no_grad()
def generate(model, prompt, processors, max_length, do_sample, generator=None):
    ids = prompt.clone()
    while ids.shape[1] < max_length:
        scores = model(ids)
        for p in processors:
            scores = p(ids, scores)
        if do_sample:
            nxt = torch.multinomial(F.softmax(scores, dim=-1), 1, generator=generator)
        else:
            nxt = scores.argmax(-1, keepdim=True)
        ids = torch.cat([ids, nxt], dim=-1)
        if (nxt == EOS).all():
            break
    return ids


prompt = torch.tensor([[3, 4, 5], [4, 6, 3]])
print("plain greedy", generate(lm, prompt, [], 14, False).tolist())
print("rep penalty ", generate(lm, prompt, [RepetitionPenaltyLogitsProcessor(1.8)], 14, False).tolist())
print("no-repeat-3 ", generate(lm, prompt, [NoRepeatNGramLogitsProcessor(3)], 14, False).tolist())
print("bad words   ", generate(lm, prompt, [BadWordsProcessor([5, 6], V)], 14, False).tolist())
procs = [RepetitionPenaltyLogitsProcessor(1.3), FrequencyPresencePenalty(0.2, 0.3), ForcedEOSProcessor(12, EOS)]
g = torch.Generator().manual_seed(11)
print("sampled     ", generate(lm, prompt, procs, 12, True, g).tolist())

# the penalty on a hand-made example: negative logits get more negative, positive ones smaller
ids = torch.tensor([[0, 2, 2], [1, 1, 3]])
scores = torch.tensor([[2.0, -1.0, -0.5, 3.0], [1.0, 4.0, 0.0, -2.0]])
print("repetition", RepetitionPenaltyLogitsProcessor(2.0)(ids, scores))
print("freq/presence", FrequencyPresencePenalty(0.5, 1.0)(ids, scores))
print("no-repeat-2", NoRepeatNGramLogitsProcessor(2)(torch.tensor([[1, 2, 1]]), torch.zeros(1, 4)))
print("gather", torch.gather(scores, 1, ids).tolist())
print("scatter dup index", torch.zeros(2, 4).scatter(1, ids, torch.tensor([[1.0, 2.0, 2.0], [5.0, 5.0, 6.0]])).tolist())
print("scatter_add counts", torch.zeros(2, 4).scatter_add(1, ids, torch.ones(2, 3)).tolist())
print("bincount rows", [torch.bincount(r, minlength=4).tolist() for r in ids])
print("scatter reduce", torch.zeros(2, 4).scatter_reduce(1, ids, torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
                                                          reduce="amax", include_self=False).tolist())
print("scatter_ multiply", torch.ones(2, 4).scatter_(1, ids, torch.full((2, 3), 2.0), reduce="multiply").tolist())

# HF's penalty applied in place on a scores view with index_put
scores2 = scores.clone()
rows = torch.arange(2).unsqueeze(1).expand_as(ids)
picked = scores2[rows, ids]
scores2[rows, ids] = torch.where(picked > 0, picked / 2.0, picked * 2.0)
print("index_put", scores2.tolist())
print("same as scatter", torch.equal(scores2, RepetitionPenaltyLogitsProcessor(2.0)(ids, scores)))

# entropy and top-1 margin of the processed distributions over the vocabulary
probs = F.softmax(RepetitionPenaltyLogitsProcessor(1.5)(ids, scores), dim=-1)
ent = -(probs * probs.log()).sum(-1)
top2 = probs.topk(2, dim=-1).values
print("entropy", ent.round(decimals=4), "margin", (top2[:, 0] - top2[:, 1]).round(decimals=4))
print("log_softmax ok", torch.allclose(F.log_softmax(scores, -1).exp(), F.softmax(scores, -1)))

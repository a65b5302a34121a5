"""Beam search as seq2seq / LLM tutorials write it: a tiny GRU decoder, log-probabilities accumulated
per beam, topk over the flattened (beam x vocab) scores, beam and token indices by floor division and
remainder, torch.gather / index_select to reorder the hidden state, finished hypotheses with a length
penalty ((5 + len) / 6) ** alpha, plus a batched vectorised variant and a diverse-beam tweak."""
import torch
import torch.nn as nn
import torch.nn.functional as F

BOS, EOS, V = 1, 2, 12


class Decoder(nn.Module):
    def __init__(self, vocab=V, emb=10, hidden=16):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb)
        self.gru = nn.GRU(emb, hidden, batch_first=True)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, tokens, h=None):
        y, h = self.gru(self.emb(tokens), h)
        return F.log_softmax(self.out(y), dim=-1), h


torch.manual_seed(0)
dec = Decoder()
# teach it a few sequences so that the beams have something to find
seqs = torch.tensor([[BOS, 3, 4, 5, EOS, 0], [BOS, 3, 6, 7, 8, EOS], [BOS, 9, 10, EOS, 0, 0], [BOS, 3, 4, 11, EOS, 0]])
opt = torch.optim.Adam(dec.parameters(), lr=0.05)
for step in range(25):
    logp, _ = dec(seqs[:, :-1])
    loss = F.nll_loss(logp.reshape(-1, V), seqs[:, 1:].reshape(-1), ignore_index=0)
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"train loss {loss.item():.3f}")
dec.eval()


def length_penalty(length, alpha=0.6):
    return ((5 + length) / 6) ** alpha


@torch.no_grad()
def beam_search(model, beam_size=3, max_len=8, alpha=0.6):
    tokens = torch.full((1, 1), BOS, dtype=torch.long)
    logp, h = model(tokens)
    scores = torch.zeros(1)
    finished = []
    for step in range(max_len):
        vocab_logp = logp[:, -1, :]  # (beams, V)
        cand = scores.unsqueeze(1) + vocab_logp
        top_scores, top_idx = cand.view(-1).topk(beam_size)
        beam_idx = torch.div(top_idx, V, rounding_mode="floor")
        token_idx = top_idx % V
        new_tokens, new_scores, keep = [], [], []
        for s, b, t in zip(top_scores.tolist(), beam_idx.tolist(), token_idx.tolist()):
            seq = tokens[b].tolist() + [t]
            if t == EOS:
                finished.append((s / length_penalty(len(seq) - 1, alpha), s, seq))
            else:
                new_tokens.append(seq)
                new_scores.append(s)
                keep.append(b)
        if not new_tokens or len(finished) >= beam_size:
            break
        tokens = torch.tensor(new_tokens)
        scores = torch.tensor(new_scores)
        h = h.index_select(1, torch.tensor(keep))
        logp, h = model(tokens[:, -1:], h)
    finished.sort(key=lambda x: -x[0])
    return finished, tokens, scores


finished, alive, alive_scores = beam_search(dec)
for norm, raw, seq in finished:
    print(f"hyp {seq} raw {raw:.3f} normalized {norm:.3f}")
print("alive", alive.tolist(), alive_scores.round(decimals=3))
print("length penalties", [round(length_penalty(n), 4) for n in range(1, 6)])


@torch.no_grad()
def batched_beam_search(model, batch, beam_size=4, max_len=6):
    # every batch item starts from a different first token; beams live in dim 0 as batch * beam
    start = torch.tensor([[BOS, 3], [BOS, 9], [BOS, 6]])[:batch]
    logp, h = model(start)
    B = start.size(0)
    seqs = start.repeat_interleave(beam_size, dim=0)
    h = h.repeat_interleave(beam_size, dim=1)
    scores = torch.full((B, beam_size), float("-inf"))
    scores[:, 0] = 0.0  # only the first beam is live at the start
    last = logp[:, -1].repeat_interleave(beam_size, dim=0)
    done = torch.zeros(B * beam_size, dtype=torch.bool)
    for _ in range(max_len):
        last = last.masked_fill(done.unsqueeze(1), float("-inf"))
        last[:, EOS] = torch.where(done, torch.zeros(()), last[:, EOS])
        cand = scores.view(-1, 1) + last  # (B*beam, V)
        cand = cand.view(B, beam_size * V)
        top_scores, top_idx = torch.topk(cand, beam_size, dim=1)
        beam_origin = top_idx // V
        tok = top_idx % V
        flat_origin = (beam_origin + torch.arange(B).unsqueeze(1) * beam_size).view(-1)
        seqs = torch.cat([seqs[flat_origin], tok.view(-1, 1)], dim=1)
        h = h[:, flat_origin]
        done = done[flat_origin] | (tok.view(-1) == EOS)
        scores = top_scores
        if done.all():
            break
        logp, h = model(tok.view(-1, 1), h)
        last = logp[:, -1]
    lengths = (seqs != EOS).cumprod(dim=1).sum(dim=1) + 1
    normalized = scores.view(-1) / lengths.float() ** 0.7
    best = normalized.view(B, beam_size).argmax(dim=1)
    return seqs.view(B, beam_size, -1), scores, best, lengths.view(B, beam_size)


seqs_b, scores_b, best, lens = batched_beam_search(dec, 3)
print("batched seqs", seqs_b.shape)
for b in range(3):
    print(" item", b, seqs_b[b, best[b]].tolist(), "scores", scores_b[b].round(decimals=3).tolist(), "len", lens[b].tolist())

# the building blocks, on a fixed example
scores = torch.tensor([[-0.1, -2.3, -1.2], [-0.7, -0.2, -3.0]])
flat = scores.view(-1)
vals, idx = flat.topk(3)
print("flat topk", vals.tolist(), idx.tolist(), "beam", (idx // 3).tolist(), "tok", torch.remainder(idx, 3).tolist())
print("div floor", torch.div(torch.tensor([-7, 7, 5]), 3, rounding_mode="floor").tolist(),
      torch.div(torch.tensor([-7, 7, 5]), 3, rounding_mode="trunc").tolist(), torch.tensor([-7, 7]) // 3)
hyps = torch.tensor([[1, 5, 6], [1, 7, 8]])
print("gather beams", torch.gather(hyps, 0, torch.tensor([[1, 1, 1], [0, 0, 0], [1, 1, 1]])).tolist())
print("index_select", hyps.index_select(0, torch.tensor([1, 1, 0])).tolist())
cum = torch.tensor([[1, 4, 2, 9], [3, 2, 2, 2]]) != 2
print("first EOS via cumprod", cum.cumprod(1).tolist(), cum.long().cumprod(1).sum(1).tolist())
print("argmax ties", torch.tensor([0.5, 0.9, 0.9, 0.1]).argmax().item(), torch.tensor([[3, 3], [1, 4]]).max(dim=1))

# diverse beam search: penalise tokens already chosen by earlier groups
base = torch.log_softmax(torch.tensor([[2.0, 1.9, 0.3, 0.2, 0.1]]), dim=-1)
chosen = []
for group in range(3):
    pen = torch.zeros(5)
    if chosen:
        pen.scatter_add_(0, torch.tensor(chosen), torch.ones(len(chosen)))
    adj = base - 0.8 * pen
    chosen.append(adj.argmax().item())
    print(f"group {group} pick {chosen[-1]} adjusted {adj.round(decimals=3).tolist()}")

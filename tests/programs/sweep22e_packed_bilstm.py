"""Variable-length batches through recurrent layers, the way NLP tutorials teach it:
pad_sequence, pack_padded_sequence (enforce_sorted True and False), pack_sequence, the
PackedSequence fields (data, batch_sizes, sorted_indices, unsorted_indices) printed, a
bidirectional 2-layer LSTM and a GRU run on packed input, pad_packed_sequence with total_length
and padding_value, gathering the last valid output per sequence, and a backward pass through it."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import (PackedSequence, pack_padded_sequence, pack_sequence,
                                pad_packed_sequence, pad_sequence, unpack_sequence, unpad_sequence)

torch.manual_seed(7)

seqs = [torch.arange(1, 1 + n, dtype=torch.float32) for n in (3, 5, 2, 4)]
lengths = torch.tensor([len(s) for s in seqs])
padded = pad_sequence(seqs, batch_first=True)
print(padded)
print(pad_sequence(seqs, padding_value=-1.0).shape)
print(pad_sequence(seqs, batch_first=True, padding_side="left"))

packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
print(packed)
print("data:", packed.data.tolist())
print("batch_sizes:", packed.batch_sizes, packed.batch_sizes.dtype)
print("sorted_indices:", packed.sorted_indices, "unsorted_indices:", packed.unsorted_indices)
print("is PackedSequence tuple:", isinstance(packed, tuple), len(packed), type(packed).__name__)

ps = pack_sequence(sorted(seqs, key=len, reverse=True))
print("sorted pack:", ps.batch_sizes.tolist(), ps.sorted_indices, ps.unsorted_indices)
ps2 = pack_sequence(seqs, enforce_sorted=False)
print("unsorted pack:", ps2.sorted_indices.tolist(), torch.equal(ps2.data, packed.data))
try:
    pack_sequence(seqs)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    pack_padded_sequence(padded, torch.tensor([3, 5, 0, 4]), batch_first=True, enforce_sorted=False)
except RuntimeError as e:
    print("RuntimeError:", e)

back, back_len = pad_packed_sequence(packed, batch_first=True, padding_value=-9.0, total_length=6)
print(back)
print(back_len)
try:
    pad_packed_sequence(packed, batch_first=True, total_length=3)
except ValueError as e:
    print("ValueError:", e)
print([t.tolist() for t in unpack_sequence(packed)])
print([t.tolist() for t in unpad_sequence(padded, lengths, batch_first=True)])

# features: one-hot of token value mod 4 plus the position
feats = [torch.stack([nn.functional.one_hot(s.long() % 4, 4).float()[:, i] for i in range(4)] +
                     [torch.linspace(0, 1, len(s))], dim=1) for s in seqs]
xpad = pad_sequence(feats, batch_first=True)
print("xpad", tuple(xpad.shape))

lstm = nn.LSTM(5, 4, num_layers=2, bidirectional=True, batch_first=True)
xp = pack_padded_sequence(xpad, lengths, batch_first=True, enforce_sorted=False)
out_p, (hn, cn) = lstm(xp)
print(type(out_p).__name__, tuple(out_p.data.shape), out_p.batch_sizes.tolist(),
      out_p.sorted_indices.tolist())
out, out_len = pad_packed_sequence(out_p, batch_first=True)
print("out", tuple(out.shape), out_len.tolist())
print("padding is zero:", out[2, 2:].abs().sum().item())
print(out[:, 0].detach().round(decimals=4))

# hn is in the original batch order: forward hn of the top layer == output at the last valid step
last = out[torch.arange(4), lengths - 1, :4]
print("fwd hn == last valid:", torch.allclose(hn[-2], last, atol=1e-6))
print("bwd hn == first step:", torch.allclose(hn[-1], out[:, 0, 4:], atol=1e-6))
print(hn.detach().round(decimals=4)[-1])
print(cn.detach().sum(dim=-1).round(decimals=4))

# same result with the sorted-by-hand batch
order = lengths.argsort(descending=True)
xs = pack_padded_sequence(xpad[order], lengths[order], batch_first=True)
print("sorted_indices None:", xs.sorted_indices is None)
out_s, (hn_s, _) = lstm(xs)
print("same hn:", torch.allclose(hn_s[:, order.argsort()], hn, atol=1e-6))

# GRU with an initial state on packed input, sequence-first
gru = nn.GRU(5, 3)
h0 = torch.randn(1, 4, 3)
xq = pack_padded_sequence(xpad.transpose(0, 1), lengths, enforce_sorted=False)
og, hg = gru(xq, h0)
print("gru hn", hg.detach().round(decimals=4))
ogp, _ = pad_packed_sequence(og)
print("gru out", tuple(ogp.shape), ogp.sum(dim=(0, 2)).detach().round(decimals=4))

# classification head + backward through the packed LSTM
head = nn.Linear(8, 2)
logits = head(torch.cat([hn[-2], hn[-1]], dim=1))
loss = nn.functional.cross_entropy(logits, torch.tensor([0, 1, 1, 0]))
loss.backward()
print(f"loss {loss.item():.4f}")
for name, p in lstm.named_parameters():
    if name.endswith("l1_reverse") or name == "weight_ih_l0":
        print(f"  grad {name:22s} norm {p.grad.norm().item():.4f}")

# a PackedSequence can be moved/converted like a tensor
pd = packed.double()
print(pd.data.dtype, pd.batch_sizes.dtype, pd.is_cuda, packed.to(torch.float64).data.dtype)
manual = PackedSequence(packed.data, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)
print("manual equal:", torch.equal(pad_packed_sequence(manual)[0], pad_packed_sequence(packed)[0]))

# a hidden state sized for another batch: nn.GRU checks it in Python, nn.LSTM's kernel trips over it
# (with enforce_sorted=False the state is first reordered by sorted_indices, which hides a larger batch)
xq_sorted = pack_padded_sequence(xpad[order].transpose(0, 1), lengths[order])
for label, fn in [
        ("gru h0 batch (unsorted pack)", lambda: gru(xq, torch.zeros(1, 5, 3))),
        ("gru h0 batch", lambda: gru(xq_sorted, torch.zeros(1, 5, 3))),
        ("lstm h0 batch", lambda: lstm(xs, (torch.zeros(4, 5, 4), torch.zeros(4, 5, 4)))),
        ("lstm c0 batch", lambda: lstm(xs, (torch.zeros(4, 4, 4), torch.zeros(4, 6, 4)))),
        ("lstm h0 layers", lambda: lstm(xp, (torch.zeros(2, 4, 4), torch.zeros(2, 4, 4)))),
        ("lstm h0 width", lambda: lstm(xp, (torch.zeros(4, 4, 3), torch.zeros(4, 4, 4))))]:
    try:
        fn()
        print(label, "ok")
    except RuntimeError as e:
        print(label, "RuntimeError:", e)

"""TorchScript with type annotations, in the style of the TorchScript language reference and
production repos: scripted functions taking List[int], Optional[Tensor] and returning Tuple,
torch.jit.is_scripting() branches, @torch.jit.export / ignore / unused methods on a scripted module,
torch.jit.Final constants, and a save/load round trip through a temporary directory."""
import os
import tempfile
import warnings
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

warnings.simplefilter("ignore", DeprecationWarning)
torch.manual_seed(0)


@torch.jit.script
def pad_to(x: torch.Tensor, sizes: List[int]) -> torch.Tensor:
    pads: List[int] = []
    for i in range(len(sizes) - 1, -1, -1):
        pads.append(0)
        pads.append(sizes[i] - x.size(i))
    return F.pad(x, pads)


@torch.jit.script
def masked_mean(x: torch.Tensor, mask: Optional[torch.Tensor] = None) -> torch.Tensor:
    if mask is None:
        return x.mean(dim=1)
    m = mask.to(x.dtype).unsqueeze(-1)
    return (x * m).sum(dim=1) / m.sum(dim=1).clamp(min=1.0)


@torch.jit.script
def split_stats(x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, int]:
    return x.min(dim=0).values, x.max(dim=0).values, x.size(0)


def scripting_aware(x: torch.Tensor) -> torch.Tensor:
    if torch.jit.is_scripting():
        return x * 2
    return x + 100


x = torch.randn(2, 3)
print(pad_to(x, [3, 5]).shape, pad_to(x, [3, 5])[2].tolist())
seq = torch.randn(2, 4, 3)
mask = torch.tensor([[1, 1, 0, 0], [1, 1, 1, 1]])
print([round(v, 4) for v in masked_mean(seq).flatten().tolist()])
print([round(v, 4) for v in masked_mean(seq, mask).flatten().tolist()])
lo, hi, n = split_stats(x)
print(type(n).__name__, n, [round(v, 4) for v in (hi - lo).tolist()])
print(type(pad_to).__name__, pad_to.name, masked_mean.name)
print("eager branch", scripting_aware(torch.ones(2)).tolist())


class Encoder(nn.Module):
    hidden: torch.jit.Final[int]

    def __init__(self, vocab=20, hidden=8):
        super().__init__()
        self.hidden = hidden
        self.emb = nn.Embedding(vocab, hidden, padding_idx=0)
        self.proj = nn.Linear(hidden, hidden)
        self.norm = nn.LayerNorm(hidden)

    def forward(self, tokens: torch.Tensor, lengths: Optional[torch.Tensor] = None) -> Tuple[torch.Tensor, torch.Tensor]:
        h = self.norm(torch.tanh(self.proj(self.emb(tokens))))
        if lengths is None:
            pooled = h.mean(dim=1)
        else:
            idx = torch.arange(tokens.size(1)).unsqueeze(0) < lengths.unsqueeze(1)
            pooled = masked_mean(h, idx)
        return h, pooled

    @torch.jit.export
    def embed_size(self) -> int:
        return self.hidden

    @torch.jit.export
    def encode_ids(self, ids: List[int]) -> torch.Tensor:
        t = torch.tensor(ids, dtype=torch.long).unsqueeze(0)
        return self.forward(t, None)[1]

    @torch.jit.ignore
    def debug_info(self) -> str:
        return f"Encoder(hidden={self.hidden})"

    @torch.jit.unused
    def train_only(self, x: torch.Tensor) -> torch.Tensor:
        return x.sum()


enc = Encoder()
tokens = torch.randint(1, 20, (3, 5))
tokens[0, 3:] = 0
lengths = torch.tensor([3, 5, 4])
enc.eval()
h_eager, p_eager = enc(tokens, lengths)
scripted = torch.jit.script(enc)
print(scripted)
print(scripted.original_name, scripted.emb.original_name, scripted.training)
h, p = scripted(tokens, lengths)
print(tuple(h.shape), [round(v, 4) for v in p[0].tolist()])
print("matches eager", torch.equal(p, p_eager), torch.equal(h, h_eager))
print("embed_size", scripted.embed_size(), "hidden", scripted.hidden)
print("encode_ids", [round(v, 4) for v in scripted.encode_ids([3, 4, 5]).flatten().tolist()])
print(scripted.debug_info())
_, p_nolen = scripted(tokens)
print("no lengths", [round(v, 4) for v in p_nolen[1].tolist()])

with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "encoder.pt")
    torch.jit.save(scripted, path)
    print("saved", os.path.exists(path), os.path.getsize(path) > 0)
    loaded = torch.jit.load(path)
    print(type(loaded).__name__, loaded.original_name, loaded.training)
    h2, p2 = loaded(tokens, lengths)
    print("loaded identical", torch.equal(p2, p), torch.equal(h2, h))
    print(sorted(loaded.state_dict().keys()))
    fn_path = os.path.join(tmp, "pad.pt")
    torch.jit.save(split_stats, fn_path)
    print("function saved", os.path.exists(fn_path))
    stats = torch.jit.load(fn_path)
    print(type(stats).__name__, stats.original_name)
    lo2, hi2, n2 = stats(x)
    print("loaded function", n2, torch.equal(lo2, lo), torch.equal(hi2, hi))

try:
    torch.jit.script(lambda t: t + 1)
except RuntimeError as e:
    print("RuntimeError:", str(e).split(":")[0])

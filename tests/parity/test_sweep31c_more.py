"""Parity pins for sweep31c, continued (see test_sweep31c.py): text as tensors, torch.ops.aten results,
torch.convolution / _softmax, and the attention-mask warning.

Fixed in glasstorch:
- ``torch.ops.aten.<op>`` returns what the operator returns: several results as a plain tuple, not a
  ``torch.return_types`` struct sequence (``aten.topk``, ``aten.max.dim``, ``aten.sort``, ``aten.var_mean``
  ...), and a ``Tensor[]`` as a list (``aten.split``, ``unbind``, ``chunk``, ``where(cond)``,
  ``atleast_1d.Sequence``, ``broadcast_tensors`` ...), as torch's dispatcher does (_op_namespaces.py);
- ``torch.convolution`` (and ``aten.convolution``) exists: conv{N}d / conv_transpose{N}d by the weight's
  rank, with the parser's TypeErrors for its ``SymInt[]`` sizes, ``transposed`` and ``groups``;
  ``torch._softmax`` / ``torch._log_softmax`` (and ``aten._softmax`` / ``aten._log_softmax``) exist, with
  CPU's "softmax with half to float conversion is not supported on CPU" (_api_conv_softmax.py);
- ``MultiheadAttention``'s "Support for mismatched key_padding_mask and attn_mask is deprecated" warning is
  attributed to one line (the module's forward) even once __torch_function__ checking is on (a
  Transformer encoder's inference path turns it on): it was shown a second time, from the wrapper's
  line, where torch shows it once (nn/_ops/attention.py);
- the legacy constructors (``torch.ByteTensor(...)``, ``torch.Tensor(...)``, ``x.new(...)``) take any
  sequence as torch does: ``bytearray``, ``memoryview``, ``range``, ``array.array`` give their items (a
  nested ``bytes`` too: ``ByteTensor([b"ab", b"cd"])``), a top-level ``bytes`` is "new(): invalid data
  type 'bytes'" (they said "data must be a sequence"); ``torch.tensor`` / ``as_tensor`` walk into nested
  ranges, bytearrays, memoryviews and arrays ("Could not infer dtype of range" before)
  (_legacy_ctor.py, _creation.py, _creation_seqlike.py);
- ``torch.asarray`` of a buffer-protocol object (bytearray, bytes, memoryview, array.array) reads its
  bytes as the dtype, the default float type when none is given, sharing its memory unless
  ``copy=True`` (it converted the items as ``as_tensor`` does), with frombuffer's errors;
  ``torch.frombuffer(..., requires_grad=True)`` of an integer or bool dtype raises the factories'
  "Only Tensors of floating point and complex dtype can require gradients"; its read-only-buffer
  warning comes before the length checks, as torch's (_creation_asarray.py, _api_leftovers.py).
"""
import numpy as np
import pytest
import torch

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck
from tests.parity._helpers import same_error, same_on_both, same_outcome

MODS = (torch, glasstorch)
RNG = np.random.default_rng(31)
X = RNG.standard_normal((3, 4)).astype(np.float32)
LP = (RNG.standard_normal((6, 2, 4))).astype(np.float32)
LP = (LP - np.log(np.exp(LP).sum(-1, keepdims=True))).astype(np.float32)
TG = np.array([[1, 2], [3, 3]])


def _t(m, a):
    return m.from_numpy(np.array(a, copy=True))


# ---- text as tensors: byte strings, bytearrays and other sequences in the constructors -----------------------
def _arr(code, items):
    import array
    return array.array(code, items)


CONSTRUCTOR_CALLS = [
    lambda m: m.ByteTensor(b"hi"),
    lambda m: m.FloatTensor(b"hi"),
    lambda m: m.Tensor("hi"),
    lambda m: m.ByteTensor(bytearray(b"hi")),
    lambda m: m.Tensor(bytearray(b"abc")),
    lambda m: m.LongTensor(bytearray(b"abcd")),
    lambda m: m.ByteTensor(memoryview(b"hi")),
    lambda m: m.ShortTensor(range(3)),
    lambda m: m.Tensor(range(2, 5)),
    lambda m: m.Tensor(_arr("f", [1.5, 2.5])),
    lambda m: m.ByteTensor(_arr("f", [1.5, 2.5])),
    lambda m: m.ByteTensor([b"ab", b"cd"]),
    lambda m: m.FloatTensor([b"a"]),
    lambda m: m.ByteTensor(bytearray()),
    lambda m: m.ByteTensor({1: 2}),
    lambda m: m.ByteTensor({1, 2}),
    lambda m: m.ByteTensor(x for x in range(3)),
    lambda m: m.zeros(2).new(range(3)),
    lambda m: m.zeros(2).new(bytearray(b"ab")),
    lambda m: m.zeros(2).new(b"ab"),
    lambda m: m.zeros(2).new_tensor(bytearray(b"abcd")),
    lambda m: m.zeros(2, dtype=m.uint8).new_tensor(b"ab"),
    lambda m: m.tensor(bytearray(b"abcd"), dtype=m.float32),
    lambda m: m.tensor(_arr("i", [1, 2])),
    lambda m: m.tensor([bytearray(b"ab"), bytearray(b"cd")]),
    lambda m: m.tensor([range(2), range(2)]),
    lambda m: m.tensor([[0.5, 1], range(2)]),
    lambda m: m.tensor([range(2), range(3)]),
    lambda m: m.tensor([range(2), range(2)], dtype=m.float64),
    lambda m: m.tensor([_arr("d", [1.5]), _arr("d", [2.5])]),
    lambda m: m.tensor([b"ab", b"cd"]),
    lambda m: m.tensor([memoryview(b"ab")]),
    lambda m: m.as_tensor([range(3)], dtype=m.int16),
    lambda m: m.frombuffer(bytearray(b"abcd"), dtype=m.uint8, requires_grad=True),
    lambda m: m.frombuffer(bytearray(b"abcd"), dtype=m.int16, requires_grad=True),
    lambda m: m.frombuffer(bytearray(b"abcd"), dtype=m.bool, requires_grad=True),
    lambda m: m.frombuffer(bytearray(b"abcd"), dtype=m.float16, requires_grad=True),
    lambda m: m.frombuffer(bytearray(b"abcdabcd"), dtype=m.complex64, requires_grad=True),
    lambda m: m.frombuffer(bytearray(b"abc"), dtype=m.int16, requires_grad=True),
    lambda m: m.asarray(bytearray(b"abcd")),
    lambda m: m.asarray(bytearray(b"abcd"), dtype=m.int16),
    lambda m: m.asarray(bytearray(b"abcd"), dtype=m.uint8, copy=True),
    lambda m: m.asarray(bytearray(b"abcd"), requires_grad=True),
    lambda m: m.asarray(bytearray(b"abcd"), dtype=m.uint8, requires_grad=True),
    lambda m: m.asarray(bytearray(b"ab")),
    lambda m: m.asarray(bytearray()),
    lambda m: m.asarray(_arr("i", [1, 2])),
    lambda m: m.asarray(_arr("d", [1.5, 2.5]), dtype=m.float64),
    lambda m: m.asarray(memoryview(np.arange(6, dtype=np.int32).reshape(2, 3)), dtype=m.int32),
    lambda m: m.asarray(memoryview(np.arange(6, dtype=np.int32)[::2]), dtype=m.int32),
    lambda m: m.asarray(np.float64(1.5)),
    lambda m: m.asarray(np.int32(3)),
    lambda m: m.asarray([bytearray(b"ab")]),
]


@pytest.mark.parametrize("i", range(len(CONSTRUCTOR_CALLS)))
def test_constructors_take_sequences_as_torch(i):
    same_outcome(CONSTRUCTOR_CALLS[i])


@pytest.mark.parametrize("name", ["ByteTensor", "tensor", "as_tensor", "asarray uint8", "asarray copy", "frombuffer"])
def test_which_constructors_share_a_bytearray(name):
    def fn(m):
        make = {"ByteTensor": m.ByteTensor, "tensor": m.tensor, "as_tensor": m.as_tensor,
                "asarray uint8": lambda b: m.asarray(b, dtype=m.uint8),
                "asarray copy": lambda b: m.asarray(b, dtype=m.uint8, copy=True),
                "frombuffer": lambda b: m.frombuffer(b, dtype=m.uint8)}[name]
        ba = bytearray(b"abcd")
        t = make(ba)
        ba[0] = 65
        return t
    same_outcome(fn)


def test_asarray_of_bytes_warns_once_before_its_length_check():
    import subprocess
    import sys
    code = ("import warnings, {m} as torch\nwarnings.simplefilter('always')\n"
            "for b in (b'ab', b'abcd'):\n    try:\n        print(torch.asarray(b))\n"
            "    except ValueError as e:\n        print(e)\n")
    outs = [subprocess.run([sys.executable, "-c", code.format(m=m)], capture_output=True, text=True)
            for m in ("torch", "glasstorch")]
    assert outs[1].stdout == outs[0].stdout
    assert outs[1].stderr.count("UserWarning") == outs[0].stderr.count("UserWarning") == 1
    assert outs[1].stderr.split("\n")[0] == outs[0].stderr.split("\n")[0]


# ---- torch.ops.aten results: plain tuples, and lists for Tensor[] ----------------------------------------------
ATEN_RESULTS = {
    "topk": lambda m, x: m.ops.aten.topk(x, 2),
    "max.dim": lambda m, x: m.ops.aten.max.dim(x, 0),
    "sort": lambda m, x: m.ops.aten.sort(x),
    "aminmax": lambda m, x: m.ops.aten.aminmax(x),
    "kthvalue": lambda m, x: m.ops.aten.kthvalue(x, 2),
    "var_mean": lambda m, x: m.ops.aten.var_mean(x),
    "frexp": lambda m, x: m.ops.aten.frexp(x),
    "lstm_cell": lambda m, x: m.ops.aten.lstm_cell(x, [x[:, :2], x[:, :2]], m.ones(8, 4), m.ones(8, 2)),
    "_ctc_loss": lambda m, x: m.ops.aten._ctc_loss(_t(m, LP), _t(m, TG), [6, 6], [2, 2]),
    "split": lambda m, x: m.ops.aten.split(x, 2),
    "unbind": lambda m, x: m.ops.aten.unbind(x),
    "chunk": lambda m, x: m.ops.aten.chunk(x, 2),
    "tensor_split": lambda m, x: m.ops.aten.tensor_split(x, 2),
    "where one argument": lambda m, x: m.ops.aten.where(x > 0),
    "atleast_1d.Sequence": lambda m, x: m.ops.aten.atleast_1d.Sequence([x, x]),
    "atleast_1d": lambda m, x: m.ops.aten.atleast_1d(x),
    "broadcast_tensors": lambda m, x: m.ops.aten.broadcast_tensors([x, x[0]]),
    "max": lambda m, x: m.ops.aten.max(x),
}


@pytest.mark.parametrize("name", sorted(ATEN_RESULTS))
def test_aten_result_containers(name):
    outs = [ATEN_RESULTS[name](m, _t(m, X)) for m in MODS]
    assert type(outs[1]).__name__ == type(outs[0]).__name__
    if isinstance(outs[0], (tuple, list)):
        assert len(outs[1]) == len(outs[0])
        outs = [outs[0][0], outs[1][0]]
    assert np.array_equal(outs[0].numpy(), outs[1].numpy())     # (the first result; the ops are pinned elsewhere)


# ---- torch.convolution, torch._softmax / _log_softmax ---------------------------------------------------------
IMG4 = RNG.standard_normal((2, 3, 6, 7)).astype(np.float32)
W4 = RNG.standard_normal((4, 3, 3, 3)).astype(np.float32)
B4 = RNG.standard_normal(4).astype(np.float32)


@pytest.mark.parametrize("call", [
    lambda m, x, w, b: m.convolution(x, w, b, [1, 1], [1, 1], [1, 1], False, [0, 0], 1),
    lambda m, x, w, b: m.convolution(x, w, None, [2, 1], [0, 2], [1, 2], False, [0, 0], 1),
    lambda m, x, w, b: m.convolution(x, w, b, [1], [0], [1], False, [0], 1),
    lambda m, x, w, b: m.convolution(x, w, b, (2, 2), (1, 0), (1, 1), False, (0, 0), 1),
    lambda m, x, w, b: m.convolution(x[:, :2], w[:2, :2].transpose(0, 1), b[:2] * 0, [2, 2], [1, 1], [1, 1], True,
                                     [1, 0], 1),
    lambda m, x, w, b: m.convolution(x[:, :, 0], w[:, :, 0], b, [1], [1], [1], False, [0], 1),
    lambda m, x, w, b: m.convolution(x[:, :2], w[:, :1], b, [1, 1], [0, 0], [1, 1], False, [0, 0], 2),
    lambda m, x, w, b: m.convolution(x.unsqueeze(2), w.unsqueeze(2), b, [1, 1, 1], [0, 1, 1], [1, 1, 1], False,
                                     [0, 0, 0], 1),
    lambda m, x, w, b: m.ops.aten.convolution(x, w, b, [1, 1], [0, 0], [1, 1], False, [0, 0], 1),
])
def test_convolution(call):
    same_on_both(call, [IMG4, W4, B4], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("call", [
    lambda m: m.convolution(_t(m, IMG4), _t(m, W4), None, 1, [0, 0], [1, 1], False, [0, 0], 1),
    lambda m: m.convolution(_t(m, IMG4), _t(m, W4), None, [1.0, 1], [0, 0], [1, 1], False, [0, 0], 1),
    lambda m: m.convolution(_t(m, IMG4), _t(m, W4), None, [1, 1, 1], [0, 0], [1, 1], False, [0, 0], 1),
    lambda m: m.convolution(_t(m, IMG4), _t(m, W4), None, [1, 1], "same", [1, 1], False, [0, 0], 1),
    lambda m: m.convolution(_t(m, IMG4), _t(m, W4), None, [1, 1], [0, 0], [1, 1], 0, [0, 0], 1),
    lambda m: m.convolution(_t(m, IMG4), _t(m, W4), None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1.0),
    lambda m: m.convolution(_t(m, IMG4), _t(m, W4), None, [1, 1], [0, 0], [1, 1], False, [0, 0], 3),
    lambda m: m.convolution(_t(m, IMG4), _t(m, W4[:, :, 0, 0]), None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1),
    lambda m: m.convolution(_t(m, IMG4), _t(m, W4[:, :2]), None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1),
])
def test_convolution_errors(call):
    same_error(call)


@pytest.mark.parametrize("name", ["_softmax", "_log_softmax"])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_private_softmax(name, dim):
    same_on_both(lambda m, x: getattr(m, name)(x, dim, False), [X])
    same_on_both(lambda m, x: getattr(m.ops.aten, name)(x.double(), dim, False), [X])


@pytest.mark.parametrize("call", [
    lambda m: m._softmax(_t(m, X), 1, True),
    lambda m: m._log_softmax(_t(m, X).half(), 1, True),
    lambda m: m._softmax(_t(m, X), 2, False),
    lambda m: m._softmax(_t(m, X).long(), 1, False),
    lambda m: m._softmax(_t(m, X), 1.0, False),
    lambda m: m._log_softmax(_t(m, X), 1, 0),
])
def test_private_softmax_errors(call):
    same_error(call)


def test_gradcheck_convolution():
    x = glasstorch.from_numpy(IMG4[:1, :2, :4, :4].astype(np.float64)).requires_grad_(True)
    w = glasstorch.from_numpy(W4[:2, :2].astype(np.float64)).requires_grad_(True)
    assert gradcheck(lambda a, b: glasstorch.convolution(a, b, None, [1, 1], [1, 1], [1, 1], False, [0, 0], 1), (x, w))
    assert gradcheck(lambda a, b: glasstorch.convolution(a, b, None, [2, 2], [1, 1], [1, 1], True, [1, 1], 1), (x, w))


# ---- MultiheadAttention's mismatched-mask warning: one location, so shown once ----------------------------
_MASK_SCRIPT = """
import {m} as torch
import {m}.nn as nn
torch.manual_seed(0)
dec = nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, batch_first=True), 1)
opt = torch.optim.AdamW(dec.parameters(), lr=1e-3)
tgt, mem = torch.randn(2, 3, 8), torch.randn(2, 4, 8)
mask = nn.Transformer.generate_square_subsequent_mask(3)
kpm = torch.tensor([[False] * 3, [False, False, True]])
for _ in range(2):
    out = dec(tgt, mem, tgt_mask=mask, tgt_key_padding_mask=kpm, tgt_is_causal=True)
    opt.zero_grad()
    out.pow(2).mean().backward()
    nn.utils.clip_grad_norm_(dec.parameters(), 1.0)
    opt.step()
enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True, norm_first=True), 1,
                           enable_nested_tensor=False).eval()
dec.eval()
with torch.no_grad():       # (the encoder's inference path checks for __torch_function__ overrides)
    print(dec(enc(tgt), mem, tgt_mask=mask, tgt_key_padding_mask=kpm).shape)
"""


def test_mismatched_mask_warning_shown_once():
    import subprocess
    import sys
    runs = [subprocess.run([sys.executable, "-c", _MASK_SCRIPT.format(m=m)], capture_output=True, text=True)
            for m in ("torch", "glasstorch")]
    assert runs[1].stdout == runs[0].stdout
    counts = [r.stderr.count("Support for mismatched key_padding_mask and attn_mask") for r in runs]
    assert counts[1] == counts[0] == 1

"""Parity pins for sweep27f, part 2 (Hugging Face style loading: checkpoints read onto the meta device,
models built under ``torch.device("meta")``, moves to missing accelerators).

Fixed in glasstorch:
- ``torch.load``'s ``map_location`` goes through torch's restore-location registry: "meta" (a string, a
  device, a dict target) loads every tensor onto the meta device (Parameters stay Parameters), "cpu:0",
  "xla", "lazy", "meta:0" are "don't know how to restore data location of torch.storage.UntypedStorage
  (tagged with ...)", mps / hpu / privateuseone / xpu / mtia give a CPU build's errors, "cuda0" and
  "cuda:x" the device parser's, a non-callable object "'int' object is not callable", a device in a dict
  re.match's TypeError (_load_location.py, serialization.py, _serialization_globals.py);
- the meta device, as Hugging Face's empty-weights loading uses it: ``nn.Embedding`` /
  ``nn.EmbeddingBag`` with a ``padding_idx`` build on the meta device (they raised "assignment
  destination is read-only"; both gain torch's ``_fill_padding_idx_with_zero``); views of a meta tensor
  stay meta (``arange(n).expand((1, -1))``, ``[None]``, ``view``, ``unsqueeze`` came back as CPU zeros),
  and transpose / permute / movedim / diagonal / ``mT`` of one work; ``clone`` / ``contiguous`` of a
  meta tensor are meta, ``new_zeros`` / ``new_ones`` / ``new_full`` / ``new_empty`` / ``new_tensor``
  follow the tensor's device (and take ``device='meta'``); ``item`` / ``float`` / ``int`` / ``bool``
  raise "Tensor.item() cannot be called on meta tensors", ``tolist`` "Cannot copy out of meta tensor;
  no data!", ``numpy`` torch's TypeError, and ``data_ptr`` is 0, instead of handing out zeros
  (nn/modules/sparse.py, ops/shape.py, _meta.py, ops/conversion.py, ops/creation_more.py,
  _tensor_surface.py, _tensor_convert.py, _tensor.py, ops/storage.py);
- ``Tensor.cuda / xpu / ipu / mtia`` and the ``nn.Module`` forms answer as a CPU-only torch: the device
  argument parsed first ("Cannot access accelerator device when none is available." for an index,
  "Invalid device, must be cuda device" for another type, the parser's TypeError), then the missing
  backend's error; a module with no tensors (``nn.ReLU().cuda()``) returns itself; ``Tensor.mps`` is
  gone, as torch has none (_accel_moves.py, _tensor_convert.py, nn/modules/module.py);
- ``requires_grad_`` refuses a non-bool with the parser's TypeError (it took 1 and None), for
  tensors and, through them, modules (_tensor.py).
"""
import pytest
import torch

import glasstorch
from tests.parity._helpers import eval_outcome


# ---- torch.load map_location ------------------------------------------------------------------------
def _saved(m):
    import io
    buf = io.BytesIO()
    m.manual_seed(0)
    m.save({"w": m.ones(2, 3)[:, 1:], "p": m.nn.Parameter(m.ones(2)), "i": m.arange(3),
            "h": m.ones(2, dtype=m.float16), "sd": m.nn.Linear(2, 2).state_dict(), "step": 3}, buf)
    return buf


MAP_LOCATIONS = ["cpu", "cpu ", "cpu:0", "CPU", "xla", "xla:0", "meta", "meta:0", "mps", "mps:0", "mps_x", "cuda",
                 "cuda:1", "cuda0", "cuda:x", "cudax", "hpu", "hpu:1", "xpu", "xpu:3", "privateuseone",
                 "privateuseone:0", "mtia", "mtia:0", "lazy", "foo", "metax", b"cpu", 3, 0,
                 ("device", "cpu"), ("device", "meta"), ("device", "cuda:1"), ("device", "xpu"),
                 ("dict", "meta"), ("dict", "cuda:0"), ("dict", "xla"), ("dict", "cpu"), ("dict_device", "meta"),
                 ("callable", "keep"), ("callable", "none")]


def _location(m, spec):
    if not isinstance(spec, tuple):
        return spec
    kind, v = spec
    if kind == "device":
        return m.device(v)
    if kind == "dict":
        return {"cpu": v}
    if kind == "dict_device":
        return {"cpu": m.device(v)}
    return (lambda s, loc: s) if v == "keep" else (lambda s, loc: None)


@pytest.mark.parametrize("spec", MAP_LOCATIONS, ids=repr)
def test_load_map_location(spec):
    def fn(m):
        buf = _saved(m)
        out = []
        for weights_only in (True, False):
            buf.seek(0)
            try:
                d = m.load(buf, map_location=_location(m, spec), weights_only=weights_only)
            except Exception as e:         # noqa: BLE001 - torch's error is the expectation
                out.append(f"{type(e).__name__}: {e}")
                continue
            out.append([repr(d["p"]), repr(d["i"]), repr(d["h"]), repr(d["sd"]), d["step"],
                        type(d["p"]).__name__, d["w"].shape, d["w"].device.type])
        return out
    assert fn(glasstorch) == fn(torch)


def test_meta_checkpoint_assigns_into_meta_model():
    def fn(m):
        buf = _saved(m)
        buf.seek(0)
        sd = m.load(buf, map_location="meta", weights_only=True)["sd"]
        with m.device("meta"):
            lin = m.nn.Linear(2, 2)
        res = lin.load_state_dict(sd, assign=True)
        return repr(res), lin.weight.is_meta, type(lin.weight).__name__, lin.weight.requires_grad
    assert fn(glasstorch) == fn(torch)


# ---- the meta device -----------------------------------------------------------------------------------
META_EXPRS = [
    'nn.Embedding(5, 3, padding_idx=0, device="meta")',
    '(lambda e: (e.weight.is_meta, e.padding_idx))(nn.Embedding(5, 3, padding_idx=-1, device="meta"))',
    'nn.EmbeddingBag(5, 3, padding_idx=1, device="meta").weight',
    '(lambda e: (e._fill_padding_idx_with_zero(), e.weight[2].abs().sum().item()))(nn.Embedding(4, 3, padding_idx=2))',
    '(lambda e: (e.weight.data.normal_(), e._fill_padding_idx_with_zero(), e.weight[0].tolist()))'
    '(nn.Embedding(4, 2, padding_idx=0))',
    't.arange(4, device="meta").expand((1, -1))', 't.arange(4, device="meta")[None]',
    't.arange(4, device="meta").view(2, 2)', 't.arange(4, device="meta").unsqueeze(0)',
    't.arange(6, device="meta").view(2, 3)[:, 1:]', 't.arange(6, device="meta").reshape(3, 2).t().contiguous()',
    't.arange(6, device="meta").view(2, 3).transpose(0, 1)', 't.arange(6, device="meta").view(2, 3).permute(1, 0)',
    't.arange(6, device="meta").view(2, 3).movedim(0, 1)', 't.arange(6, device="meta").view(2, 3).diagonal()',
    't.arange(6, device="meta").view(2, 3).mT', 't.arange(6, device="meta").view(2, 3)[:, None].expand(2, 4, 3)',
    't.arange(6, device="meta").view(2, 3).unbind(0)[0]', 't.arange(6, device="meta").view(2, 3).split(1)[1]',
    't.ones(3, device="meta").clone()', 't.ones(3, device="meta", requires_grad=True).clone()',
    't.ones(3, 2, device="meta").t().contiguous()', 't.ones(3, device="meta").clone(memory_format=t.contiguous_format)',
    't.ones(3, device="meta").item()', 't.ones(3, device="meta")[0].item()', 'float(t.ones(3, device="meta")[0])',
    'int(t.ones(3, device="meta")[0])', 'bool(t.ones(3, device="meta")[0])', 't.ones(3, device="meta").tolist()',
    't.ones(3, device="meta")[0].tolist()', 't.ones(3, device="meta").numpy()', 't.ones(3, device="meta").data_ptr()',
    't.ones(3, device="meta").new_ones(2)', 't.ones(3, device="meta").new_full((2,), 3.)',
    't.ones(3, device="meta").new_tensor([1, 2])', 't.ones(3, device="meta").new_zeros(2, dtype=t.int64)',
    't.ones(3, device="meta").new_empty((2, 2))', 't.ones(3, device="meta").new_ones(2, requires_grad=True)',
    't.ones(3).new_zeros(2, device="meta")', 't.ones(3).new_full((2,), 2., device="meta")',
    't.ones(3).new_tensor([1, 2], device="meta")', 't.ones(3, device="meta").new_zeros(2, device="cpu")',
    't.ones(3, device="meta").new_tensor([1, 2], device="cpu")', 't.ones(3).new_tensor([1, 2], device="cpu")',
    't.ones(2, 3)[:, 1:].storage_offset()', '(lambda x: x[1].data_ptr() - x.data_ptr())(t.ones(2, 3))',
]


@pytest.mark.parametrize("expr", META_EXPRS)
def test_meta_device_ops(expr):
    want = eval_outcome(expr, {"t": torch, "nn": torch.nn})
    got = eval_outcome(expr, {"t": glasstorch, "nn": glasstorch.nn})
    got = (got[0].replace("glasstorch", "torch"), got[1])
    assert got == want


def test_meta_model_with_position_buffer_and_padding_embedding():
    """Hugging Face's init_empty_weights flow: build under torch.device("meta"), assign the checkpoint,
    the non-persistent buffer stays meta."""
    def fn(m):
        m.manual_seed(0)

        class Emb(m.nn.Module):
            def __init__(self):
                super().__init__()
                self.word = m.nn.Embedding(6, 4, padding_idx=0)
                self.pos = m.nn.Embedding(8, 4)
                self.register_buffer("position_ids", m.arange(8).expand((1, -1)), persistent=False)
                self.register_buffer("token_type_ids", m.zeros(self.position_ids.size(), dtype=m.long),
                                     persistent=False)

            def forward(self, ids):
                return self.word(ids) + self.pos(self.position_ids[:, :ids.shape[1]])
        ref = Emb()
        with m.device("meta"):
            e = Emb()
        before = [(n, b.is_meta, tuple(b.shape)) for n, b in e.named_buffers()]
        res = e.load_state_dict(ref.state_dict(), assign=True)
        after = [(n, b.is_meta) for n, b in e.named_buffers()] + [(n, p.is_meta) for n, p in e.named_parameters()]
        e.register_buffer("position_ids", m.arange(8).expand((1, -1)), persistent=False)
        ids = m.tensor([[1, 0, 3]])
        return before, repr(res), after, m.equal(e(ids), ref(ids)), e.word.weight[0].abs().sum().item()
    assert fn(glasstorch) == fn(torch)


# ---- moving to a missing accelerator, requires_grad_ ---------------------------------------------------
ACCEL_EXPRS = [
    't.ones(1).cuda()', 't.ones(1).cuda(0)', 't.ones(1).cuda("cuda:1")', 't.ones(1).cuda(device=1)',
    't.ones(1).cuda(non_blocking=True)', 't.ones(1).cuda("cpu")', 't.ones(1).cuda("xpu:0")',
    't.ones(1).cuda(t.device("cuda", 1))', 't.ones(1).cuda("foo")', 't.ones(1).cuda(-1)', 't.ones(1).cuda(1.5)',
    't.ones(1).cuda(device=None, non_blocking=1)', 't.ones(1).cuda(None, False, 3)',
    't.ones(1).xpu()', 't.ones(1).xpu(0)', 't.ones(1).xpu("cpu")', 't.ones(1).ipu()', 't.ones(1).ipu("cuda")',
    't.ones(1).mtia()', 't.ones(1).mtia("cpu")', 't.ones(1).mtia(0)', 'hasattr(t.ones(1), "mps")',
    'nn.ReLU().cuda()', 'nn.ReLU().xpu()', 'nn.ReLU().ipu(3)', 'nn.ReLU().mtia()', 'nn.Linear(1, 1).cuda()',
    'nn.Linear(1, 1).cuda(1)', 'nn.Linear(1, 1).cuda(t.device("cuda", 1))', 'nn.Linear(1, 1).xpu(0)',
    'nn.Linear(1, 1).ipu()', 'nn.Linear(1, 1).mtia()', 'nn.Linear(1, 1).cpu().weight.device',
    't.ones(1).requires_grad_(1)', 't.ones(1).requires_grad_(None)', 't.ones(1).requires_grad_(1.0)',
    't.ones(1).requires_grad_(True, 1)', 't.ones(1).requires_grad_(x=1)', 't.ones(1).requires_grad_(requires_grad=1)',
    't.ones(1).requires_grad_(requires_grad=False)', 't.ones(1).requires_grad_()', 't.ones(1).requires_grad_(False)',
    'nn.Linear(1, 1).requires_grad_("a")', 'nn.ReLU().requires_grad_("a")',
    '[p.requires_grad for p in nn.Linear(1, 1).requires_grad_(False).parameters()]',
]


@pytest.mark.parametrize("expr", ACCEL_EXPRS)
def test_accelerator_moves_and_requires_grad(expr):
    want = eval_outcome(expr, {"t": torch, "nn": torch.nn})
    got = eval_outcome(expr, {"t": glasstorch, "nn": glasstorch.nn})
    got = (got[0].replace("glasstorch", "torch"), got[1])
    assert got == want

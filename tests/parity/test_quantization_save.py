"""torch.save / torch.load of quantized tensors and of a quantize_dynamic'd model's state_dict, across the two
libraries: each side writes, the other reads (``weights_only=True``, torch's default, both ways), and the
integers, scales, zero points, axis, dtype and dequantized values must agree.  glasstorch writes the very
pickle torch writes (``_rebuild_qtensor`` over a ``QInt8Storage`` ...), so ``data.pkl`` is compared byte for
byte and the tutorial's ``print_size_of_model`` sizes are equal."""
import io
import os
import warnings
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from ._helpers import MODS, assert_same_array, same_error

F32 = np.float32
warnings.filterwarnings("ignore", message=".*quantiz.*deprecated.*")
warnings.filterwarnings("ignore", category=DeprecationWarning, message="torch.ao.quantization")
warnings.filterwarnings("ignore", message=".*TypedStorage is deprecated.*")
OTHER = {torch: glasstorch, glasstorch: torch}


def _f32(seed, shape, mag=1.0):
    return np.asarray(np.random.default_rng(seed).standard_normal(shape) * mag, F32)


def _saved(m, obj):
    buf = io.BytesIO()
    m.save(obj, buf)
    return buf.getvalue()


def _pickle_of(data):
    z = zipfile.ZipFile(io.BytesIO(data))
    return z.read(next(n for n in z.namelist() if n.endswith("/data.pkl")))


def _same_qtensor(a, b):
    """Two quantized tensors (either library each) hold the same thing."""
    assert a.is_quantized and b.is_quantized
    assert repr(a.dtype) == repr(b.dtype) and repr(a.qscheme()) == repr(b.qscheme())
    assert tuple(a.shape) == tuple(b.shape)
    assert_same_array(a.int_repr(), b.int_repr(), what="int_repr")
    assert_same_array(a.dequantize(), b.dequantize(), what="dequantize")
    if repr(a.qscheme()) == "torch.per_tensor_affine":
        assert (a.q_scale(), a.q_zero_point()) == (b.q_scale(), b.q_zero_point())
        assert type(b.q_scale()) is float and type(b.q_zero_point()) is int
    else:
        assert_same_array(a.q_per_channel_scales(), b.q_per_channel_scales())
        assert_same_array(a.q_per_channel_zero_points(), b.q_per_channel_zero_points())
        assert a.q_per_channel_axis() == b.q_per_channel_axis()


def _round_trip(make):
    """``make(mod)`` on both; each library's file read by the other; the two files' pickles identical."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        made = {m: make(m) for m in MODS}
        files = {m: _saved(m, made[m]) for m in MODS}
        for m in MODS:
            back = OTHER[m].load(io.BytesIO(files[m]))          # weights_only=True, the default
            yield made[m], back
    assert _pickle_of(files[torch]) == _pickle_of(files[glasstorch])


def _each(fn):
    for a, b in _round_trip(fn):
        if isinstance(a, (list, tuple)):
            assert type(a) is type(b) and len(a) == len(b)
            for x, y in zip(a, b):
                _same_qtensor(x, y)
        else:
            _same_qtensor(a, b)


# ---- quantized tensors ------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["quint8", "qint8", "qint32"])
def test_per_tensor_both_ways(dtype):
    x = _f32(0, (3, 5), 4.0)
    _each(lambda m: m.quantize_per_tensor(m.from_numpy(x.copy()), 0.05, 7, getattr(m, dtype)))


@pytest.mark.parametrize("axis", [0, 1, 2])
@pytest.mark.parametrize("dtype", ["quint8", "qint8", "qint32"])
def test_per_channel_both_ways(axis, dtype):
    x = _f32(1, (2, 3, 4), 3.0)
    n = x.shape[axis]
    scales = np.linspace(0.02, 0.3, n)
    zps = np.arange(n, dtype=np.int64) + 1
    _each(lambda m: m.quantize_per_channel(m.from_numpy(x.copy()), m.from_numpy(scales.copy()),
                                           m.from_numpy(zps.copy()), axis, getattr(m, dtype)))


@settings(max_examples=25, deadline=None)
@given(shape=st.lists(st.integers(0, 4), min_size=0, max_size=3), seed=st.integers(0, 2 ** 16),
       scale=st.floats(1e-3, 10.0), zp=st.integers(0, 255), dtype=st.sampled_from(["quint8", "qint8", "qint32"]))
def test_per_tensor_hypothesis(shape, seed, scale, zp, dtype):
    if dtype == "qint8":
        zp -= 128
    x = _f32(seed, tuple(shape), 5.0)
    _each(lambda m: m.quantize_per_tensor(m.from_numpy(x.copy()), scale, zp, getattr(m, dtype)))


def test_views_share_one_storage():
    """A tensor and its views go into one storage, with torch's offsets and strides; loaded, they share memory."""
    x = _f32(2, (4, 6), 2.0)

    def make(m):
        q = m.quantize_per_tensor(m.from_numpy(x.copy()), 0.03, 120, m.quint8)
        return [q, q[1:], q.t(), q[2]]
    _each(make)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded = glasstorch.load(io.BytesIO(_saved(torch, make(torch))))
        names = zipfile.ZipFile(io.BytesIO(_saved(glasstorch, make(glasstorch)))).namelist()
    assert [n for n in names if "/data/" in n] == ["archive/data/0"]
    assert all(np.shares_memory(loaded[0]._q, t._q) for t in loaded[1:])


def test_mixed_with_plain_tensors():
    """Quantized and float tensors in one dict: storage keys in torch's order, per-channel params included."""
    x = _f32(3, (3, 4))

    def make(m):
        t = m.from_numpy(x.copy())
        return {"w": m.quantize_per_channel(t, m.tensor([0.1, 0.2, 0.3], dtype=m.float64), m.tensor([0, 1, 2]), 0,
                                            m.qint8),
                "x": t, "q": m.quantize_per_tensor(t, 0.1, 0, m.qint8), "dtype": m.quint8,
                "scheme": m.per_channel_affine}
    for a, b in _round_trip(make):
        _same_qtensor(a["w"], b["w"])
        _same_qtensor(a["q"], b["q"])
        assert_same_array(a["x"], b["x"])
        assert repr(a["dtype"]) == repr(b["dtype"]) and repr(a["scheme"]) == repr(b["scheme"])


# ---- crafted files: torch's checks in _rebuild_qtensor -------------------------------------------------
class _Rebuild:
    """Pickles as ``torch._utils._rebuild_qtensor(*args)`` when torch saves it: a hand-made checkpoint."""

    def __init__(self, args):
        self.args = args

    def __reduce__(self):
        return (torch._utils._rebuild_qtensor, self.args)


def _crafted(storage, offset, params, requires_grad=False):
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.save(_Rebuild((storage, offset, (3, 4), (4, 1), params, requires_grad, OrderedDict())), buf)
    return buf.getvalue()


def _qstorage():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.quantize_per_tensor(torch.from_numpy(_f32(4, (3, 4))), 0.1, 0, torch.qint8).storage()


@pytest.mark.parametrize("case", ["symmetric", "axis", "length", "requires_grad", "out_of_bounds", "float_storage"])
def test_crafted_errors(case):
    s, d, lg = _qstorage(), torch.double, torch.long
    data = {
        "symmetric": lambda: _crafted(s, 0, (torch.per_tensor_symmetric, 0.1, 0)),
        "axis": lambda: _crafted(s, 0, (torch.per_channel_affine, torch.ones(3, dtype=d), torch.zeros(3, dtype=lg), 2)),
        "length": lambda: _crafted(s, 0, (torch.per_channel_affine, torch.ones(2, dtype=d), torch.zeros(3, dtype=lg),
                                          0)),
        "requires_grad": lambda: _crafted(s, 0, (torch.per_tensor_affine, 0.1, 0), True),
        "out_of_bounds": lambda: _crafted(s, 2, (torch.per_tensor_affine, 0.1, 0)),
        "float_storage": lambda: _crafted(torch.ones(12).storage(), 0, (torch.per_tensor_affine, 0.1, 0)),
    }[case]()
    same_error(lambda m: m.load(io.BytesIO(data)))
    same_error(lambda m: m.load(io.BytesIO(data), weights_only=False))


def test_crafted_list_params_load():
    """torch accepts per-channel scales and zero points as lists (float64 / int64 then)."""
    data = _crafted(_qstorage(), 0, (torch.per_channel_affine, [0.5, 1.0, 2.0], [0, 1, 2], 0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _same_qtensor(torch.load(io.BytesIO(data)), glasstorch.load(io.BytesIO(data)))


# ---- a quantize_dynamic'd model's state_dict ----------------------------------------------------------
def _qmodel(m, bias=True):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = m.nn.Sequential(m.nn.Linear(6, 5), m.nn.ReLU(), m.nn.Linear(5, 3, bias=bias))
        return m.ao.quantization.quantize_dynamic(net, {m.nn.Linear}, dtype=m.qint8)


def _seeded_qmodel(m, seed, bias=True):
    m.manual_seed(seed)
    return _qmodel(m, bias)


@pytest.mark.parametrize("bias", [True, False])
def test_state_dict_both_ways(bias):
    """Each library's quantized model, saved, loads into the other's (a model of other weights) and computes
    what the saved model computes, bit for bit."""
    x = _f32(5, (7, 6), 2.0)
    for src in MODS:
        dst = OTHER[src]
        model = _seeded_qmodel(src, 0, bias)
        data = _saved(src, model.state_dict())
        sd = dst.load(io.BytesIO(data))                            # weights_only=True
        target = _seeded_qmodel(dst, 1, bias)
        assert repr(target.load_state_dict(sd)) == "<All keys matched successfully>"
        assert list(sd) == list(model.state_dict()) and dict(sd._metadata) == dict(model.state_dict()._metadata)
        for name in ("0", "2"):
            a, b = getattr(model, name), getattr(target, name)
            _same_qtensor(a.weight(), b.weight())
            assert (a.bias() is None) == (b.bias() is None)
            if a.bias() is not None:
                assert_same_array(a.bias().detach(), b.bias().detach())
            assert (a.scale, a.zero_point) == (b.scale, b.zero_point)
        assert repr(sd["0._packed_params.dtype"]) == "torch.qint8"
        assert_same_array(model(src.from_numpy(x.copy())).detach(), target(dst.from_numpy(x.copy())).detach())
    assert _pickle_of(_saved(torch, _seeded_qmodel(torch, 0, bias).state_dict())) == \
        _pickle_of(_saved(glasstorch, _seeded_qmodel(glasstorch, 0, bias).state_dict()))


def test_print_size_of_model(tmp_path):
    """The tutorial's print_size_of_model: the file torch.save writes for the state_dict, float and quantized."""
    sizes = {}
    for m in MODS:
        os.makedirs(tmp_path / m.__name__)
        path = tmp_path / m.__name__ / "temp.p"
        m.manual_seed(0)
        float_model = m.nn.Sequential(m.nn.Linear(6, 5), m.nn.ReLU(), m.nn.Linear(5, 3))
        for kind, model in (("float", float_model), ("quantized", _seeded_qmodel(m, 0))):
            m.save(model.state_dict(), path)
            sizes[m, kind] = os.path.getsize(path)
    assert sizes[torch, "float"] == sizes[glasstorch, "float"]
    assert sizes[torch, "quantized"] == sizes[glasstorch, "quantized"]


def test_load_state_dict_missing_entries():
    """torch's quantized Linear reads its entries by key: a missing one is a KeyError, not a strict-mode list."""
    for key in ("0.scale", "2._packed_params._packed_params"):
        def fn(m, key=key):
            sd = _seeded_qmodel(m, 0).state_dict()
            del sd[key]
            _seeded_qmodel(m, 1).load_state_dict(sd)
        same_error(fn)


def test_weights_only_refuses_whole_quantized_model():
    """A pickled quantized *model* (not its state_dict) names its classes: weights_only refuses it alike."""
    data = _saved(torch, _seeded_qmodel(torch, 0))
    same_error(lambda m: m.load(io.BytesIO(data)))

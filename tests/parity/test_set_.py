"""``Tensor.set_``: a tensor takes another tensor's memory and geometry, or a storage's (whole, or with
an offset, sizes and strides), or becomes empty; writes through it reach the source; torch's errors and
parser messages.  (Geometry reaching past the storage's end: torch reads whatever lies there, glasstorch
refuses with as_strided's message; not compared.)"""
import warnings

import numpy as np
import pytest

from ._helpers import MODS, same_error, same_on_both


def _geometry(t):
    return tuple(t.shape), t.stride(), t.storage_offset(), t._version


@pytest.mark.parametrize("make", [
    lambda m, s: m.zeros(3).set_(s),
    lambda m, s: m.zeros(3).set_(source=s),
    lambda m, s: m.zeros(3).set_(s.untyped_storage()),
    lambda m, s: m.zeros(3).set_(s.untyped_storage(), 2, (2, 2), (1, 2)),
    lambda m, s: m.zeros(3).set_(s.untyped_storage(), storage_offset=1, size=(2,), stride=(2,)),
    lambda m, s: m.zeros(3).set_(s.untyped_storage(), 1, m.Size([3])),
    lambda m, s: m.zeros(3).set_(s.storage(), 1, [3]),
    lambda m, s: m.zeros(3).set_(s[2:], 1, (2, 2)),
    lambda m, s: m.zeros(3).set_(s.reshape(2, 4).t()),
    lambda m, s: m.zeros(3).set_(s.untyped_storage(), 3, (0, 2)),
    lambda m, s: m.zeros(3).set_(),
    lambda m, s: m.arange(4.0)[1:].set_(s),
])
def test_geometry_values_and_shared_memory(make):
    res = {}
    for m in MODS:
        s = m.arange(8.0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")          # TypedStorage's deprecation warning
            t = make(m, s)
        geometry, before = _geometry(t), t.numpy().copy()
        if t.numel():
            t[(0,) * t.dim()].fill_(100.0)
        res[m] = geometry, before, s.numpy().copy(), t.untyped_storage().nbytes()
    for a, b in zip(*res.values()):
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)
        else:
            assert a == b


def test_int_tensor_over_float_storage_reads_the_bytes():
    same_on_both(lambda m: m.zeros(2, dtype=m.int32).set_(m.arange(6.0).untyped_storage(), 0, (4,)), [], grad=False)


def test_returns_self_and_no_grad_leaf():
    for m in MODS:
        x = m.zeros(3)
        assert x.set_(m.ones(2)) is x
        w = m.ones(2, requires_grad=True)
        with m.no_grad():
            w.set_(m.zeros(3))
        assert w.requires_grad and tuple(w.shape) == (3,)
        p = m.nn.Parameter(m.ones(2))
        p.data.set_(m.zeros(4))                  # .data is another tensor object: p keeps its memory
        assert tuple(p.shape) == (2,)


@pytest.mark.parametrize("call", [
    lambda m, x, s: x.set_(m.arange(3)),
    lambda m, x, s: x.set_(s.to(m.float64)),
    lambda m, x, s: x.set_(s.to(m.int8)),
    lambda m, x, s: m.ones(2, requires_grad=True).set_(m.zeros(3)),
    lambda m, x, s: x.set_(s.untyped_storage(), 0, (2,), (1,), 5),
    lambda m, x, s: x.set_(s.storage(), 0, (2,), (1,), 5),
    lambda m, x, s: x.set_(s, 1),
    lambda m, x, s: x.set_(3),
    lambda m, x, s: x.set_(s.untyped_storage(), -1, (2,)),
    lambda m, x, s: x.set_(s.untyped_storage(), 0, (2,), (-1,)),
    lambda m, x, s: x.set_(s.untyped_storage(), 0, (2, 3), (1,)),
    lambda m, x, s: x.set_(s, 0, (-2,)),
    lambda m, x, s: x.set_(s.reshape(2, 3).t(), 1, (2, 2), (4, 1)),
])
def test_errors_are_torchs(call):
    def run(m):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return call(m, m.zeros(2), m.arange(6.0))
    same_error(run)

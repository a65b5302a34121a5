"""The legacy typed storage classes (``torch.FloatStorage``, ``torch.LongStorage`` ...): construction from
nothing, a size, a sequence or ``wrap_storage=``, ``from_buffer``, ``isinstance`` by dtype, the class
paths, their use with the typed tensor constructors, and torch's errors for everything else."""
import warnings

import numpy as np
import pytest
import torch

from ._helpers import MODS, same_error

pytestmark = pytest.mark.filterwarnings("ignore:TypedStorage is deprecated")

NAMES = ["Double", "Float", "Half", "Long", "Int", "Short", "Char", "Byte", "Bool", "ComplexDouble", "ComplexFloat"]


def _both(fn):
    out = []
    for m in MODS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out.append(fn(m))
    assert out[0] == out[1], out
    return out[0]


@pytest.mark.parametrize("name", NAMES)
def test_from_sequences(name):
    _both(lambda m: [(type(s).__name__, str(s.dtype), s.tolist(), len(s), s.device.type)
                     for s in (getattr(m, name + "Storage")([1, 0, 2.5, -1]), getattr(m, name + "Storage")((3,)),
                               getattr(m, name + "Storage")(range(3)), getattr(m, name + "Storage")([[1, 2], [3, 4]]),
                               getattr(m, name + "Storage")())])


@pytest.mark.parametrize("name", NAMES)
def test_isinstance_by_dtype_and_class_paths(name):
    _both(lambda m: [isinstance(getattr(m, name + "Storage")(2), getattr(m, n + "Storage")) for n in NAMES]
          + [isinstance(m.ones(1, dtype=getattr(m, name + "Storage").dtype).storage(), getattr(m, name + "Storage")),
             str(getattr(m, name + "Storage").dtype), len(getattr(m, name + "Storage")(np.int64(3))),
             repr(getattr(m, name + "Storage")).replace("glasstorch", "torch"),
             [repr(c).replace("glasstorch", "torch") for c in getattr(m, name + "Storage").__mro__[1:]]])


def test_wrap_storage_from_buffer_and_tensors():
    _both(lambda m: [m.FloatStorage(wrap_storage=m.tensor([1.0, 2.0]).untyped_storage()).tolist(),
                     m.DoubleStorage.from_buffer(b"\x00" * 7 + b"\x40", "little").tolist(),
                     m.ShortStorage.from_buffer(b"\x01\x02", "big").tolist(),
                     m.IntStorage.from_buffer(b"\x01\x00\x00\x00\x02\x00\x00\x00", "little").tolist(),
                     m.FloatTensor(m.FloatStorage([7, 8, 9])).tolist(),
                     m.LongTensor(m.LongStorage([4, 5])).dtype.__repr__()])


@pytest.mark.parametrize("fn", [
    lambda m: m.FloatStorage(2, 3),
    lambda m: m.FloatStorage(3, wrap_storage=m.ones(1).untyped_storage()),
    lambda m: m.FloatStorage(wrap_storage=3),
    lambda m: m.FloatStorage(2.5),
    lambda m: m.FloatStorage(None),
    lambda m: m.FloatStorage(m.ones(2)),
    lambda m: m.FloatStorage(np.ones(2)),
    lambda m: m.FloatStorage(2, device="cpu"),
    lambda m: m.FloatStorage(dtype=m.float64),
    lambda m: m.FloatStorage([1, "a"]),
    lambda m: m.LongTensor(m.FloatStorage([1])),
])
def test_errors(fn):
    def run(m):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn(m)
    same_error(lambda m: run(m) if m is torch else _renamed(run, m))


def _renamed(run, m):
    """glasstorch's classes print their own package name unless installed as torch."""
    try:
        run(m)
    except Exception as e:   # noqa: BLE001 - re-raised with torch's name in the message
        raise type(e)(str(e).replace("glasstorch", "torch")) from None

"""Parity pins for sweep25f (text preprocessing and tokenization programs).

Fixed in glasstorch:
- ``F.pad``'s constant ``value`` is torch's ``float?``: the number becomes a double and is checked
  against the dtype's range ("value cannot be converted to type uint8_t without overflow" for 300
  or -1 into uint8, 1e39 into float32 or complex64), a complex value is the parser's TypeError;
  ``torch.constant_pad_nd`` keeps its ``Scalar`` (uint8 -1 wraps to 255, 2**63-1 stays exact)
  (nn/_ops/padding.py, _api_fill.py);
- writing a Python number: the float 2.0**63 into int64 (``fill_``, ``full``, pad) gives int64's
  minimum as torch does, not an OverflowError; a float beyond complex64's range is torch's overflow
  error naming ``c10::complex<float>`` (ops/_scalar_cast.py).
"""
import numpy as np
import pytest

from tests.parity._helpers import same_on_both, same_outcome

PAD_DTYPES = ["uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64", "bool",
              "complex64", "complex128"]
PAD_VALUES = [300, -1, 200, -129, 255.5, 256.0, 40000, 2 ** 31, 2 ** 63 - 1, 2.0 ** 63, 1e6, 1e39, 1e40,
              2, -1.5, float("inf"), float("nan"), -0.5, 2 ** 53 + 1, True, 1j, 0.5, -2 ** 63]
# (complex nan: the helpers compare complex values without equal_nan)
PAD_CASES = [(d, v) for d in PAD_DTYPES for v in PAD_VALUES if not (d.startswith("complex") and v != v)]


@pytest.mark.parametrize("dtype,value", PAD_CASES, ids=repr)
def test_pad_value_checked_as_float(dtype, value):
    same_outcome(lambda m: m.nn.functional.pad(m.zeros(1, 2, dtype=getattr(m, dtype)), (1, 1), value=value))


@pytest.mark.parametrize("dtype,value", PAD_CASES, ids=repr)
def test_constant_pad_nd_value_is_a_scalar(dtype, value):
    same_outcome(lambda m: m.constant_pad_nd(m.zeros(2, dtype=getattr(m, dtype)), (0, 1), value))


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "complex64", "complex128", "float32"])
@pytest.mark.parametrize("value", [2.0 ** 63, 2 ** 63 - 1, 1e39, 1e40, -1, 3.5], ids=repr)
def test_fill_and_full_checked_scalars(dtype, value):
    same_outcome(lambda m: m.zeros(2, dtype=getattr(m, dtype)).fill_(value))
    same_outcome(lambda m: m.full((2,), value, dtype=getattr(m, dtype)))


def test_pad_value_gradient_and_program_shapes():
    x = np.arange(6, dtype=np.float64).reshape(2, 3)
    same_on_both(lambda m, t: m.nn.functional.pad(t, (1, 2), value=-1), [x])
    same_on_both(lambda m, t: m.nn.functional.pad(t, (0, 0, 1, 0), value=np.float64(2.5)), [x])
    ids = np.array([[1, 16, 6], [1, 8, 2]], np.int64)
    same_on_both(lambda m, t: m.nn.functional.pad(t, (1, 1), mode="constant", value=-1), [ids], grad=False)


def test_program_pieces_text_ops():
    seqs = [np.array([1, 5, 2]), np.array([1, 2]), np.array([1, 7, 8, 9, 2])]
    for side in ("right", "left"):
        same_outcome(lambda m: m.nn.utils.rnn.pad_sequence([m.from_numpy(s.copy()) for s in seqs],
                                                           batch_first=True, padding_side=side))
    flat = np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5], np.int64)
    same_outcome(lambda m: m.unique(m.from_numpy(flat.copy()).unfold(0, 2, 1), dim=0,
                                    return_inverse=True, return_counts=True))
    same_outcome(lambda m: m.nn.functional.one_hot(m.from_numpy(flat.copy()), 10))

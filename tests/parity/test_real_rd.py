"""Parity pins from running real programs (graykode/nlp-tutorial, hunkim/PyTorchZeroToAll) on glasstorch.

The programs build their batches with the legacy constructors (``torch.FloatTensor(list_of_arrays)``,
``torch.LongTensor(...)``, ``torch.Tensor(...)``); probing those constructors around what the programs do
showed these differences, all fixed in glasstorch:

- ``torch.DoubleTensor([0.1])`` (and ``x.new([0.1])`` on a double ``x``) held the float32 rounding of
  0.1 (0.10000000149...), and ``DoubleTensor([1e40])`` held inf: the legacy constructors inferred a
  float32 tensor first and cast it.  They now build the data straight into their dtype, as torch's
  ``legacy_new_from_sequence`` does (_legacy_ctor.py);
- the legacy integer constructors wrapped out-of-range numbers (``ByteTensor([1, 2, 300])`` gave 44)
  where torch raises "value cannot be converted to type uint8 without overflow" (the same range checks
  as ``torch.tensor(list, dtype=torch.uint8)``) (_legacy_ctor.py);
- ``torch.tensor(data, dtype=<integer>)`` skipped those range checks for NumPy scalars, NumPy arrays and
  tensors inside a list, and converted float32 scalars, NumPy bools and floating tensors there; torch
  stores each such leaf through ``__index__`` (a TypeError for those) and range-checks it
  (_creation_store.py, _creation.py);
- a complex number stored into a real dtype raised NumPy's message; torch raises "'complex' object
  cannot be interpreted as an integer" (integer dtypes) or "must be real number, not complex"
  (floating dtypes) (_creation_store.py, _creation_range.py, _creation.py);
- a NumPy scalar given to a legacy constructor (``torch.FloatTensor(np.float64(3.0))``) made a 0-d
  tensor; it is no sequence (PySequence_Check), so torch refuses it: "new(): data must be a sequence
  (got numpy.float64)" (_creation_seqlike.py, _legacy_ctor.py);
- the legacy constructors take their size from anything with ``__index__`` and from one-element
  integer tensors, as torch's argument parser does: ``torch.FloatTensor(np.array(3))`` is a tensor of
  3 elements (was the 0-d tensor 3.), ``torch.FloatTensor(torch.tensor(2), 3)`` is 2x3 (was "invalid
  arguments"), with torch's errors for the items that do not unpack (_legacy_ctor.py);
- ``torch.FloatTensor(np.str_("ab"))``: the refusal names the type as torch does, ``numpy.str_``;
- a NumPy array of one or more dimensions where a number goes, in data of an integer or bool type
  (given or inferred), fails as its ``__index__`` fails: "only integer scalar arrays can be converted
  to a scalar index" (was the ``__float__`` message) (_creation_seq.py).

The programs themselves (all of nlp-tutorial, the PyTorchZeroToAll lecture scripts) print what torch
prints, up to float32 rounding noise in long trainings; none needed a fix of its own.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_error, same_outcome

LEGACY = ["FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor", "CharTensor",
          "ByteTensor", "BoolTensor", "Tensor"]
INT_DTYPES = ["uint8", "int8", "int16", "int32", "int64"]


def _shape_or_error(fn):
    """``fn(module)`` builds an uninitialised tensor: the same shape and dtype on both, or torch's error."""
    try:
        want = fn(torch)
    except Exception:          # noqa: BLE001 - torch's error is the expectation
        same_error(fn)
        return
    got = fn(glasstorch)
    assert tuple(got.shape) == tuple(want.shape)
    assert str(got.dtype) == str(want.dtype)


# -- floating data keeps its precision ------------------------------------------------------------------

@pytest.mark.parametrize("data", [[0.1], [[0.1, 1e-50], [2.5, -1e-300]], [1e40, -1e300], [2 ** 62 + 1],
                                  [0.1, 2], (0.3, 0.7), [[0.1], [0.2]]])
def test_double_legacy_constructor_keeps_doubles(data):
    same_outcome(lambda m: m.DoubleTensor(data))
    same_outcome(lambda m: m.ones(1, dtype=m.float64).new(data))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=6),
       st.sampled_from(["DoubleTensor", "FloatTensor", "HalfTensor"]))
def test_floating_legacy_constructors_round_once(vals, name):
    same_outcome(lambda m: getattr(m, name)(vals))


# -- integer range checks -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["ByteTensor", "CharTensor", "ShortTensor", "IntTensor", "LongTensor"])
@pytest.mark.parametrize("data", [[1, 2, 300], [1, -1], [-129], [200], [70000], [2 ** 33], [2 ** 63],
                                  [1e19], [float("nan")], [float("inf")], [3e9], [-0.5], [255.9], [256.0],
                                  [-1.0], [[1, 2], [3, 400]], [True, 2], [np.int64(300)], [np.float64(300.0)],
                                  [np.uint8(200), 300], [1 + 0j], [[1], [2j]]])
def test_integer_legacy_constructors_check_ranges(name, data):
    same_outcome(lambda m: getattr(m, name)(data))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.integers(-2 ** 64, 2 ** 64), st.floats(-1e20, 1e20)), min_size=1, max_size=5),
       st.sampled_from(["ByteTensor", "CharTensor", "ShortTensor", "IntTensor", "LongTensor", "BoolTensor"]))
def test_integer_legacy_constructors_any_numbers(vals, name):
    same_outcome(lambda m: getattr(m, name)(vals))


def test_whole_array_is_cast_not_checked():
    # a NumPy array given as the whole data is not walked: a C cast, wrapping
    same_outcome(lambda m: m.ByteTensor(np.array([1, 2, 300])))
    same_outcome(lambda m: m.tensor(np.array([1, 2, 300]), dtype=m.uint8))


# -- torch.tensor(dtype=<integer>) of NumPy scalars, arrays and tensors inside lists ---------------------

LEAVES = {
    "np.int64(300)": lambda m: [np.int64(300)],
    "np.int64(-1)": lambda m: [np.int64(-1)],
    "np.float64(300.)": lambda m: [np.float64(300.0)],
    "np.float64(-1.)": lambda m: [np.float64(-1.0)],
    "np.float64(2.5)": lambda m: [np.float64(2.5)],
    "np.float32(3.)": lambda m: [np.float32(3.0)],
    "np.float16(3.5)": lambda m: [np.float16(3.5)],
    "np.uint8(200)": lambda m: [np.uint8(200)],
    "np.bool_": lambda m: [np.bool_(True)],
    "np.complex64": lambda m: [np.complex64(1)],
    "np.array(300)": lambda m: [np.array(300)],
    "np.array(2.0)": lambda m: [np.array(2.0)],
    "array row": lambda m: [np.array([1, 300])],
    "array rows": lambda m: [[1, 2], np.array([3, 400])],
    "small array rows": lambda m: [[1, 2], np.array([3, 4])],
    "float32 array": lambda m: [np.array([1.0, 2.0], dtype=np.float32)],
    "float64 array": lambda m: [np.array([1.0, 2.0])],
    "int tensor": lambda m: [m.tensor(300)],
    "negative tensor": lambda m: [m.tensor(-1)],
    "float tensor": lambda m: [m.tensor(3.0)],
    "tensor row": lambda m: [m.tensor([300])],
    "float tensor row": lambda m: [m.tensor([3.5])],
    "bool tensor": lambda m: [m.tensor(True)],
    "uint8 tensor then int": lambda m: [m.tensor(2, dtype=m.uint8), 300],
    "int then np.int64": lambda m: [1, np.int64(300)],
    "int then small np.int64": lambda m: [1, np.int64(3)],
    "float then np.float64": lambda m: [1.5, np.float64(3)],
    "big np.int64": lambda m: [np.int64(2 ** 40)],
    "np.uint64": lambda m: [np.uint64(2 ** 63)],
}


@pytest.mark.parametrize("leaf", sorted(LEAVES))
@pytest.mark.parametrize("dtype", INT_DTYPES + ["float32", "float16", "bool"])
def test_tensor_of_numpy_and_tensor_leaves_into_a_dtype(leaf, dtype):
    same_outcome(lambda m: m.tensor(LEAVES[leaf](m), dtype=getattr(m, dtype)))


@pytest.mark.parametrize("leaf", ["np.int64(300)", "array rows", "tensor row", "float tensor", "np.float32(3.)"])
@pytest.mark.parametrize("name", ["ByteTensor", "LongTensor", "CharTensor"])
def test_legacy_constructors_of_numpy_and_tensor_leaves(leaf, name):
    same_outcome(lambda m: getattr(m, name)(LEAVES[leaf](m)))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-300, 300), min_size=1, max_size=5), st.sampled_from(INT_DTYPES),
       st.sampled_from(["np", "tensor", "np rows", "tensor rows"]))
def test_integer_leaves_any_values(vals, dtype, how):
    def data(m):
        if how == "np":
            return [np.int64(v) for v in vals]
        if how == "tensor":
            return [m.tensor(v) for v in vals]
        if how == "np rows":
            return [np.array(vals)]
        return [m.tensor(vals)]
    same_outcome(lambda m: m.tensor(data(m), dtype=getattr(m, dtype)))


@pytest.mark.parametrize("data", [lambda m: [[1], [np.array([2])]], lambda m: [[1.0], [np.array([2.0])]],
                                  lambda m: [[1], [np.array([2.5])]], lambda m: [[True], [np.array([2])]],
                                  lambda m: [[np.int64(1)], [np.array([2, 3])]], lambda m: [[1], [np.array(2)]],
                                  lambda m: [[1], [m.tensor([2, 3])]], lambda m: [[1], [np.array(2.5)]]])
@pytest.mark.parametrize("dtype", [None, "int64", "uint8", "bool", "float32", "float64", "complex64"])
def test_array_where_a_number_goes(data, dtype):
    same_outcome(lambda m: m.tensor(data(m), dtype=None if dtype is None else getattr(m, dtype)))
    same_outcome(lambda m: m.LongTensor(data(m)))


# -- complex numbers into real dtypes --------------------------------------------------------------------

@pytest.mark.parametrize("data", [[1, 2 + 0j], [300, 2 + 0j], [2 + 0j, 300], 2 + 0j, [[1.5], [2j]],
                                  [1 + 0j, 0j, 2j], [np.complex128(2)]])
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "uint8", "bool", "complex64"])
def test_complex_into_real_dtypes(data, dtype):
    same_outcome(lambda m: m.tensor(data, dtype=getattr(m, dtype)))


# -- what a legacy constructor takes for data, and for a size ---------------------------------------------

@pytest.mark.parametrize("scalar", [np.float64(3.0), np.float32(3.0), np.bool_(True), np.complex128(1 + 2j),
                                    np.float16(1.5), 3.5, True, 1 + 2j, None, "ab", np.str_("ab"),
                                    np.bytes_(b"ab"), {1: 2}])
@pytest.mark.parametrize("name", LEGACY)
def test_legacy_constructor_refuses_non_sequences(name, scalar):
    same_outcome(lambda m: getattr(m, name)(scalar))


def test_new_refuses_numpy_scalars():
    same_outcome(lambda m: m.ones(2).new(np.float64(3.0)))
    same_outcome(lambda m: m.FloatTensor(np.float64(3.0), device="cpu"))
    same_outcome(lambda m: m.FloatTensor(np.float64(3.0), 2))


@pytest.mark.parametrize("args", [
    lambda m: (np.array(3),), lambda m: (np.array(3, dtype=np.uint8),), lambda m: (np.array(-1),),
    lambda m: (2, np.array(3)), lambda m: (np.array(3), 2), lambda m: (np.int32(2), np.int64(3)),
    lambda m: (m.tensor(2), 3), lambda m: (m.tensor([2]), 3), lambda m: (m.tensor(2.5), 3),
    lambda m: (m.tensor(True), 3), lambda m: (2, m.tensor(True)), lambda m: (2, True), lambda m: (True,),
    lambda m: (2, 3.5), lambda m: (2, "a"), lambda m: (2, np.float64(3)), lambda m: (2, m.tensor(3.5)),
    lambda m: (2, m.tensor([3, 4])), lambda m: (2, np.array([3])), lambda m: (2, None),
    lambda m: (np.array([2]), 3), lambda m: (np.array(2.5), 3), lambda m: (2, -3), lambda m: (2, m.tensor(3)),
])
@pytest.mark.parametrize("name", ["FloatTensor", "LongTensor", "Tensor"])
def test_legacy_constructor_sizes(name, args):
    _shape_or_error(lambda m: getattr(m, name)(*args(m)))


@pytest.mark.parametrize("args", [lambda m: (np.array(3),), lambda m: (np.int64(2), 3), lambda m: (2, 3.5),
                                  lambda m: (m.tensor(2), 2), lambda m: (np.array(2), m.tensor(True))])
def test_new_sizes(args):
    _shape_or_error(lambda m: m.ones(1).new(*args(m)))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=1, max_size=3), st.sampled_from(["int", "np", "array", "tensor"]))
def test_legacy_sizes_any_int_likes(sizes, how):
    def conv(m, s):
        return {"int": s, "np": np.int64(s), "array": np.array(s), "tensor": m.tensor(s)}[how]
    _shape_or_error(lambda m: m.FloatTensor(*[conv(m, s) for s in sizes]))

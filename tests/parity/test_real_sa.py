"""Parity pins for the real-program run "sa": timm (pytorch-image-models) on glasstorch.

Fixed in glasstorch:
- ``torch.jit.annotations`` exists (timm's densenet.py imports ``List`` from it, so ``import timm`` failed):
  ``List``, ``Dict``, ``Tuple``, ``Optional``, ``Any``, ``Union`` are typing's own objects, with
  ``BroadcastingList1..3`` and the ``Module`` namespace class (glasstorch/jit/annotations.py);
- ``torch._jit_internal.BroadcastingList1..6`` and ``BroadcastingListCls`` (indexing gives None, as
  torch's does outside the compiler) (glasstorch/_jit_internal.py);
- ``torch.testing._internal.common_utils.TestCase`` (timm's tests/test_optim.py builds one to compare
  optimizer state dicts): ``assertEqual`` with torch's relaxed pairs (bool / number against a
  single-element tensor, int against float, tensor against list, nested sequences and mappings,
  ``equal_nan=True``, ``exact_dtype``), ``assertNotEqual``, ``precision`` / ``rel_tol`` overrides
  (glasstorch/_testing/_internal/, served as ``glasstorch.testing._internal``).
"""
import importlib
import typing

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
import glasstorch.testing._internal.common_utils  # noqa: F401
from tests.parity._helpers import MODS


def _mod(m, name):
    return importlib.import_module(m.__name__ + name)


# ---------------------------------------------------------------- torch.jit.annotations

@pytest.mark.parametrize("name", ["List", "Dict", "Tuple", "Optional", "Any", "Union"])
def test_jit_annotations_typing_names(name):
    got = [getattr(_mod(m, ".jit.annotations"), name) is getattr(typing, name) for m in MODS]
    assert got == [True, True]


@pytest.mark.parametrize("i", [1, 2, 3])
def test_jit_annotations_broadcasting_lists(i):
    out = []
    for m in MODS:
        ann = _mod(m, ".jit.annotations")
        bl = getattr(ann, f"BroadcastingList{i}")
        out.append((type(bl).__name__, bl[int], bl[float], bl is _mod(m, "._jit_internal").BroadcastingList1))
    assert out[0] == out[1]


@pytest.mark.parametrize("i", [1, 2, 3, 4, 5, 6])
def test_jit_internal_broadcasting_list_cls(i):
    out = []
    for m in MODS:
        ji = _mod(m, "._jit_internal")
        bl = getattr(ji, f"BroadcastingList{i}")
        out.append((isinstance(bl, ji.BroadcastingListCls), bl[typing.List[int]], bl[(int, float)]))
    assert out[0] == out[1]


def test_jit_annotations_module_namespace():
    out = []
    for m in MODS:
        ns = _mod(m, ".jit.annotations").Module("math", {"pi": 3.0})
        try:
            ns.tau
        except Exception as e:     # noqa: BLE001 - torch's error is the expectation
            out.append((ns.name, ns.pi, type(e).__name__, str(e)))
    assert out[0] == out[1]


# ---------------------------------------------------------------- testing._internal TestCase
# torch's own common_utils needs the expecttest package and changes global flags when imported, so the
# expectations come from the plain torch code its assertEqual runs: torch.testing.assert_close with
# equal_nan=True and the device unchecked (tensors, containers), float32 tolerances for Python numbers
# with types unchecked (RelaxedNumberPair), and unittest's own assertEqual for strings and sets.

def _outcome(fn):
    try:
        fn()
    except Exception as e:         # noqa: BLE001 - torch's error is the expectation
        return type(e).__name__, str(e)
    return None


def _ours(build):
    x, y, kw = build(glasstorch)
    return _outcome(lambda: glasstorch.testing._internal.common_utils.TestCase().assertEqual(x, y, **kw))


def _close(build, convert=lambda x, y: (x, y)):
    x, y, kw = build(torch)
    x, y = convert(x, y)
    kw = dict(kw)
    exact = kw.pop("exact_dtype", True)
    return _outcome(lambda: torch.testing.assert_close(x, y, equal_nan=kw.pop("equal_nan", True), check_device=False,
                                                       check_dtype=exact, **kw))


def _number(build):
    x, y, _ = build(torch)
    x, y = (v.item() if isinstance(v, torch.Tensor) else v for v in (x, y))
    tol = (1.3e-6, 1e-5) if float in (type(x), type(y)) else (0.0, 0.0)
    return _outcome(lambda: torch.testing.assert_close(x, y, rtol=tol[0], atol=tol[1], check_dtype=False))


def _unittest(kind):
    """torch's UnittestPair: unittest's assertEqual, its message after "<Kind> comparison failed: "."""
    def want(build):
        import unittest
        x, y, _ = build(torch)
        got = _outcome(lambda: unittest.TestCase().assertEqual(x, y))
        return got and (got[0], f"{kind} comparison failed: {got[1]}")
    return want


CASES = {
    "same tensors": (lambda m: (m.ones(3), m.ones(3), {}), _close),
    "close floats": (lambda m: (m.tensor([1.0, 2.0]), m.tensor([1.0, 2.000001]), {}), _close),
    "far floats": (lambda m: (m.tensor([1.0, 2.0]), m.tensor([1.0, 2.5]), {}), _close),
    "nan equal": (lambda m: (m.tensor([float("nan"), 1.0]), m.tensor([float("nan"), 1.0]), {}), _close),
    "nan not equal": (lambda m: (m.tensor([float("nan")]), m.tensor([float("nan")]), {"equal_nan": False}),
                      _close),
    "dtype": (lambda m: (m.ones(2), m.ones(2, dtype=m.float64), {}), _close),
    "dtype relaxed": (lambda m: (m.ones(2), m.ones(2, dtype=m.float64), {"exact_dtype": False}), _close),
    "shape": (lambda m: (m.ones(2), m.ones(3), {}), _close),
    "tensor vs list": (lambda m: (m.tensor([1.0, 2.5]), [1, 2], {}),
                       lambda b: _close(b, lambda x, y: (x, torch.as_tensor(y, dtype=x.dtype)))),
    "list vs tensor": (lambda m: ([1, 3], m.tensor([1, 2]), {}),
                       lambda b: _close(b, lambda x, y: (torch.as_tensor(x, dtype=y.dtype), y))),
    "number vs scalar tensor": (lambda m: (m.tensor(3.0), 3, {}), _number),
    "number vs far scalar tensor": (lambda m: (m.tensor(3.5), 3, {}), _number),
    "int vs float": (lambda m: (1, 1.0, {}), _number),
    "ints differ": (lambda m: (1, 2, {}), _number),
    "bool tensor vs int": (lambda m: (m.tensor(True), 2, {}), lambda b: _number(lambda m: (1, 2, {}))),
    "floats close": (lambda m: (0.1 + 0.2, 0.3, {}), _number),
    "floats within float32 tolerance": (lambda m: (1.0, 1.000001, {}), _number),
    "floats far": (lambda m: (1.0, 1.1, {}), _number),
    "bool vs tensor": (lambda m: (True, m.tensor(1), {}), lambda b: _close(b, lambda x, y: (x, bool(y.item())))),
    "bools differ": (lambda m: (True, False, {}), _close),
    "none": (lambda m: (None, None, {}), _close),
    "none vs 0": (lambda m: (None, 0, {}), _close),
    "strings": (lambda m: ("a", "a", {}), _unittest("String")),
    "strings differ": (lambda m: ("ab", "b", {}), _unittest("String")),
    "sets differ": (lambda m: ({1, 2}, {1}, {}), _unittest("Set")),
    "types differ": (lambda m: (int, float, {}), _unittest("Type")),
    "dtypes differ": (lambda m: (m.float32, m.float64, {}), _unittest("Object")),
    "string vs number": (lambda m: ("a", 1, {}), _unittest("Object")),
    "tensor vs string": (lambda m: (m.ones(2), "a", {}),
                         lambda b: _outcome(lambda: torch.as_tensor("a", dtype=torch.float32))),
    "nested state dict": (lambda m: ({"state": {0: {"step": m.tensor(2.0), "buf": m.ones(2)}},
                                      "param_groups": [{"lr": 0.1, "params": [0], "nesterov": False}]},
                                     {"state": {0: {"step": m.tensor(2.0), "buf": m.ones(2)}},
                                      "param_groups": [{"lr": 0.1, "params": [0], "nesterov": False}]}, {}),
                          _close),
    "nested mismatch": (lambda m: ({"a": [m.ones(2), m.zeros(1)]}, {"a": [m.ones(2), m.ones(1)]}, {}), _close),
    "keys differ": (lambda m: ({"a": 1}, {"b": 1}, {}), _close),
    "lengths differ": (lambda m: ([1, 2], [1, 2, 3], {}), _close),
    "tolerance given": (lambda m: (m.tensor([1.0]), m.tensor([1.05]), {"atol": 0.1, "rtol": 0}), _close),
    "one tolerance only": (lambda m: (m.tensor([1.0]), m.tensor([1.05]), {"atol": 0.1}), _close),
    "msg": (lambda m: (m.tensor([1.0]), m.tensor([2.0]), {"msg": "custom"}), _close),
    "ints": (lambda m: (m.tensor([1, 2]), m.tensor([1, 3]), {}), _close),
    "array vs tensor": (lambda m: (np.array([1.0, 2.0], dtype=np.float32), m.tensor([1.0, 2.0]), {}),
                        lambda b: _close(b, lambda x, y: (torch.from_numpy(x), y))),
}


@pytest.mark.parametrize("case", list(CASES))
def test_testcase_assert_equal(case):
    build, want = CASES[case]
    assert _ours(build) == want(build)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3, allow_nan=False, width=32), min_size=1, max_size=5),
       st.floats(0, 1e-2), st.sampled_from(["float32", "float64"]))
def test_testcase_assert_equal_perturbed(vals, eps, dt):
    a = np.array(vals, dtype=dt)
    b = (a * (1 + eps)).astype(dt)
    build = lambda m: (m.from_numpy(a.copy()), m.from_numpy(b.copy()), {})  # noqa: E731
    assert _ours(build) == _close(build)


@settings(max_examples=30, deadline=None)
@given(st.floats(-10, 10, allow_nan=False), st.floats(-10, 10, allow_nan=False))
def test_testcase_assert_equal_numbers(x, y):
    build = lambda m: (x, y, {})  # noqa: E731
    assert _ours(build) == _number(build)


def test_testcase_precision_override():
    cls = type("T", (glasstorch.testing._internal.common_utils.TestCase,), {"precision": 0.2})
    t = cls()
    got = [_outcome(lambda: t.assertEqual(glasstorch.tensor([1.0]), glasstorch.tensor([v]))) for v in (1.1, 1.5)]
    want = [_outcome(lambda: torch.testing.assert_close(torch.tensor([1.0]), torch.tensor([v]), rtol=1.3e-6,
                                                        atol=0.2)) for v in (1.1, 1.5)]
    assert got == want


def test_testcase_is_a_unittest_case():
    import unittest
    import torch.testing as tt
    tc = glasstorch.testing._internal.common_utils.TestCase
    assert issubclass(tc, unittest.TestCase) and tt.assert_close is not None
    assert _outcome(lambda: tc().assertLessEqual(2, 1)) == _outcome(lambda: unittest.TestCase().assertLessEqual(2, 1))

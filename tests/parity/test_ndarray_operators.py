"""A tensor and a NumPy array in an operator: torch declines and leaves it to NumPy, so ``t ** array``
is NumPy's power as a (float64) tensor, comparisons other than ==/!= are Python's TypeError, and the
in-place operators (``t += array``) fall back to a new tensor, leaving ``t`` as it was."""
import warnings

import numpy as np
import pytest

from ._helpers import MODS, same_error, same_on_both

A = np.array([2.0, 0.5, 3.0])


def _quiet(fn):
    def run(m, *args):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")      # NumPy's __array_wrap__ deprecation, under torch
            return fn(m, *args)
    return run


@pytest.mark.parametrize("expr", [
    lambda m, x: x ** A, lambda m, x: x ** A.astype(np.float32), lambda m, x: x ** np.int64(2),
    lambda m, x: x - A, lambda m, x: x * A.astype(np.int32), lambda m, x: x == A,
])
def test_operator_with_array_is_numpys(expr):
    same_on_both(_quiet(expr), [np.array([[1.0, 2.0, 3.0], [0.5, 1.5, 2.5]], np.float32)], grad=False)


@pytest.mark.parametrize("op", ["+=", "-=", "*=", "/=", "//=", "**="])
def test_inplace_operator_with_array_makes_a_new_tensor(op):
    def run(m):
        y = m.ones(2, 3) * 2
        z = y
        scope = {"y": y, "A": A}
        exec(f"y {op} A", scope)
        return scope["y"], z, m.tensor(scope["y"] is z)
    same_on_both(_quiet(run), [], grad=False)


@pytest.mark.parametrize("expr", [
    lambda m, x: x > A, lambda m, x: x < A, lambda m, x: x >= A, lambda m, x: x <= A,
    lambda m, x: m.pow(x, A), lambda m, x: x.pow(A),
    lambda m, x: m.ones(3, requires_grad=True) ** A,
])
def test_refusals_are_torchs(expr):
    same_error(_quiet(lambda m: expr(m, m.ones(3))))

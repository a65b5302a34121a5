"""Tensors from Python data and NumPy arrays, and tensors handed to NumPy: torch's dtypes, its errors
(sets and None refused, negative strides refused, a tensor that requires grad refused by np.asarray),
NumPy functions giving tensors back, and ``ndarray * tensor`` left to NumPy (which refuses it)."""
import pytest

from ._helpers import same_expression

EXPRS = [line for line in open(__file__.replace("test_numpy_interop_cases.py", "_numpy_interop_cases.txt")).read()
         .splitlines() if line.strip()]


@pytest.mark.parametrize("expr", EXPRS)
def test_expression(expr):
    same_expression(expr)

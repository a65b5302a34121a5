"""Parity pins for sweep26h (quantitative finance: portfolio construction and backtests).

Fixed in glasstorch:
- the linalg entry points refuse a bool or str argument of the wrong type with torch's argument-parser
  TypeError, before the op runs ("cholesky_inverse(): argument 'upper' (position 2) must be bool, not
  int"; the position only when passed positionally, counted without ``self`` for a method): an int,
  float, None, NumPy bool or tensor was taken as a truth value (or, for ``UPLO`` / ``mode``, refused
  with a RuntimeError).  Covers cholesky_inverse, cholesky_solve, cholesky (function and methods),
  svd (some, compute_uv), linalg.cholesky(_ex), solve(_ex), solve_triangular, lu_factor(_ex), lu,
  lu_solve, inv_ex, svd, eigh, eigvalsh, qr, ldl_factor(_ex) (glasstorch/_typed_args.py).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from tests.parity._helpers import same_error, same_outcome

S = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])


def _S(m):
    return m.from_numpy(S.copy())


def _L(m):
    return m.linalg.cholesky(_S(m))


CALLS = {
    "cholesky_inverse": lambda m, v: m.cholesky_inverse(_L(m), v),
    "cholesky_inverse_kw": lambda m, v: m.cholesky_inverse(_L(m), upper=v),
    "Tensor.cholesky_inverse": lambda m, v: _L(m).cholesky_inverse(v),
    "Tensor.cholesky_inverse_kw": lambda m, v: _L(m).cholesky_inverse(upper=v),
    "cholesky_solve": lambda m, v: m.cholesky_solve(_S(m), _L(m), v),
    "cholesky_solve_kw": lambda m, v: m.cholesky_solve(_S(m), _L(m), upper=v),
    "Tensor.cholesky_solve": lambda m, v: _S(m).cholesky_solve(_L(m), v),
    "Tensor.cholesky_solve_kw": lambda m, v: _S(m).cholesky_solve(_L(m), upper=v),
    "cholesky": lambda m, v: m.cholesky(_S(m), v),
    "cholesky_kw": lambda m, v: m.cholesky(_S(m), upper=v),
    "Tensor.cholesky": lambda m, v: _S(m).cholesky(v),
    "Tensor.cholesky_kw": lambda m, v: _S(m).cholesky(upper=v),
    "svd_some": lambda m, v: m.svd(_S(m), v),
    "svd_compute_uv": lambda m, v: m.svd(_S(m), True, v),
    "svd_compute_uv_kw": lambda m, v: m.svd(_S(m), compute_uv=v),
    "Tensor.svd": lambda m, v: _S(m).svd(v),
    "Tensor.svd_kw": lambda m, v: _S(m).svd(some=True, compute_uv=v),
    "linalg.cholesky": lambda m, v: m.linalg.cholesky(_S(m), upper=v),
    "linalg.cholesky_ex_upper": lambda m, v: m.linalg.cholesky_ex(_S(m), upper=v),
    "linalg.cholesky_ex_check": lambda m, v: m.linalg.cholesky_ex(_S(m), check_errors=v),
    "linalg.solve": lambda m, v: m.linalg.solve(_S(m), _S(m), left=v),
    "linalg.solve_ex_left": lambda m, v: m.linalg.solve_ex(_S(m), _S(m), left=v),
    "linalg.solve_ex_check": lambda m, v: m.linalg.solve_ex(_S(m), _S(m), check_errors=v),
    "linalg.inv_ex": lambda m, v: m.linalg.inv_ex(_S(m), check_errors=v),
    "solve_triangular_upper": lambda m, v: m.linalg.solve_triangular(_L(m), _S(m), upper=v),
    "solve_triangular_left": lambda m, v: m.linalg.solve_triangular(_L(m), _S(m), upper=False, left=v),
    "solve_triangular_unit": lambda m, v: m.linalg.solve_triangular(_L(m), _S(m), upper=False, unitriangular=v),
    "lu_factor": lambda m, v: m.linalg.lu_factor(_S(m), pivot=v),
    "lu_factor_ex_pivot": lambda m, v: m.linalg.lu_factor_ex(_S(m), pivot=v),
    "lu_factor_ex_check": lambda m, v: m.linalg.lu_factor_ex(_S(m), check_errors=v),
    "lu": lambda m, v: m.linalg.lu(_S(m), pivot=v),
    "lu_solve_left": lambda m, v: m.linalg.lu_solve(*m.linalg.lu_factor(_S(m)), _S(m), left=v),
    "lu_solve_adjoint": lambda m, v: m.linalg.lu_solve(*m.linalg.lu_factor(_S(m)), _S(m), adjoint=v),
    "linalg.svd": lambda m, v: m.linalg.svd(_S(m), v),
    "linalg.svd_kw": lambda m, v: m.linalg.svd(_S(m), full_matrices=v),
    "ldl_factor": lambda m, v: m.linalg.ldl_factor(_S(m), hermitian=v),
    "ldl_factor_ex_herm": lambda m, v: m.linalg.ldl_factor_ex(_S(m), hermitian=v),
    "ldl_factor_ex_check": lambda m, v: m.linalg.ldl_factor_ex(_S(m), check_errors=v),
}
STR_CALLS = {
    "eigh": lambda m, v: m.linalg.eigh(_S(m), v),
    "eigh_kw": lambda m, v: m.linalg.eigh(_S(m), UPLO=v),
    "eigvalsh": lambda m, v: m.linalg.eigvalsh(_S(m), v),
    "eigvalsh_kw": lambda m, v: m.linalg.eigvalsh(_S(m), UPLO=v),
    "qr": lambda m, v: m.linalg.qr(_S(m), v),
    "qr_kw": lambda m, v: m.linalg.qr(_S(m), mode=v),
}
BAD_BOOLS = {"int": lambda m: 1, "zero": lambda m: 0, "float": lambda m: 0.0, "none": lambda m: None,
             "np_bool": lambda m: np.bool_(True), "str": lambda m: "x", "tensor": lambda m: m.tensor(True)}


def _values(out):
    """The tensors of a result (a tensor or a named tuple of them), as one tuple."""
    return (out,) if not isinstance(out, tuple) else tuple(out)


@pytest.mark.parametrize("bad", sorted(BAD_BOOLS))
@pytest.mark.parametrize("name", sorted(CALLS))
def test_bool_argument_of_wrong_type_refused(name, bad):
    call, make_bad = CALLS[name], BAD_BOOLS[bad]
    same_error(lambda m: call(m, make_bad(m)))


@pytest.mark.parametrize("flag", [False, True])
@pytest.mark.parametrize("name", sorted(CALLS))
def test_bool_argument_still_taken(name, flag):
    call = CALLS[name]
    same_outcome(lambda m: _values(call(m, flag)), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("bad", [1, None, 2.5, bytearray(b"L")])
@pytest.mark.parametrize("name", sorted(STR_CALLS))
def test_str_argument_of_wrong_type_refused(name, bad):
    same_error(lambda m: STR_CALLS[name](m, bad))


@pytest.mark.parametrize("value", ["L", "u", "reduced", "r", "complete", "X", b"U", b"r"])
@pytest.mark.parametrize("name", sorted(STR_CALLS))
def test_str_argument_values(name, value):
    """A str of the right type reaches the op: its own value checks and results, as torch's."""
    same_outcome(lambda m: tuple(v.abs() for v in _values(STR_CALLS[name](m, value))), rtol=1e-12, atol=1e-12)


def test_type_refused_before_shape_checks():
    """The parser runs first: a wrong type wins over a wrong shape."""
    same_error(lambda m: m.linalg.eigh(m.ones(2, 3), UPLO=1))
    same_error(lambda m: m.cholesky_inverse(m.ones(3), upper=1))
    same_error(lambda m: m.linalg.solve(m.ones(2, 3), m.ones(2), left=None))


@settings(max_examples=25, deadline=None)
@given(st.one_of(st.integers(-3, 3), st.floats(allow_nan=False, width=32), st.none(), st.text(max_size=2)),
       st.sampled_from(sorted(CALLS)))
def test_bool_arguments_hypothesis(value, name):
    same_error(lambda m: CALLS[name](m, value))

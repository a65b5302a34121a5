"""Parity pins for sweep28d (mathematical epidemiology and population dynamics programs).

Fixed in glasstorch:
- ``torch.linalg.eigvals`` / ``eig`` with ``out=`` cast their complex result into any out dtype it can
  safely go to (a float64 matrix's eigenvalues into complex64, float32's into complex128), and refuse the
  rest with torch's "torch.linalg.eigvals: Expected eigenvalues to be safely castable from ComplexFloat
  dtype, but got eigenvalues with dtype Float" (eig: eigenvalues, then eigenvectors); ``pinv``, ``cond``,
  ``tensorinv`` and ``tensorsolve`` refuse an uncastable out with their own "<fn>: Expected result to be
  safely castable ..." and ``tensorsolve`` now casts into a castable out, as torch does
  (_linalg_out_grad.py, _linalg_out.py);
- torch.linalg's ``out=`` when a tensor involved requires grad: the refusal names the ATen op whose out
  kernel refuses (``linalg_inv_ex()``, ``_linalg_det()``, ``_linalg_eigh()``, ``matmul()`` for
  matrix_power, ``mm()`` for multi_dot, ...), raised before out's dtype checks as torch's autograd wrapper
  does; the composites ``matrix_norm``, ``norm``, ``cond``, ``tensorinv``, ``tensorsolve`` copy into out
  (a ``CopyBackwards`` grad_fn through which gradients flow; a leaf out that requires grad meets copy_'s
  in-place error); ``eigvals`` and the ldl family write out with a ``NotImplemented`` grad_fn whose
  backward raises "derivative for aten::linalg_eigvals is not implemented", refusing only an out that
  requires grad (as ``aten::linalg_eigvals()``) (_linalg_out_grad.py, ops/_out.py);
- torch's autograd fallback gives a ``NotImplemented`` grad_fn edges only to the inputs that require
  grad (heaviside, floor_divide, weighted bincount, histogramdd, ldl_solve had a ``(None, 0)`` edge per
  other input) (ops/_no_derivative.py);
- torch.linalg's functions carry torch's names, ``linalg_<name>`` (``torch.linalg.det.__name__``), which
  their argument errors show: "linalg_eigvals() got an unexpected keyword argument 'foo'",
  "linalg_inv(): argument 'out' must be Tensor, not tuple" (linalg.py).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_error, same_outcome

A2 = [[2.0, 1.0], [1.0, 2.0]]
TRI = [[3.0, 1.0, 0.5], [0.0, -2.0, 1.0], [0.0, 0.0, 0.5]]      # eigenvalues in diagonal order


def _dt(m, name):
    return getattr(m, name)


@pytest.mark.parametrize("in_dt", ["float32", "float64", "complex64", "complex128", "int64"])
@pytest.mark.parametrize("out_dt", ["complex64", "complex128", "float32", "float64", "float16", "int32", "bool"])
def test_eigvals_out_casts_or_refuses(in_dt, out_dt):
    def fn(m):
        o = m.empty(3, dtype=_dt(m, out_dt))
        r = m.linalg.eigvals(m.tensor(TRI, dtype=_dt(m, in_dt)), out=o)
        return r, r is o
    same_outcome(fn)


@pytest.mark.parametrize("w_dt", ["complex64", "complex128", "float32"])
@pytest.mark.parametrize("v_dt", ["complex64", "complex128", "float64"])
@pytest.mark.parametrize("in_dt", ["float32", "float64"])
def test_eig_out_casts_each_output(w_dt, v_dt, in_dt):
    def fn(m):
        r = m.linalg.eig(m.tensor(TRI, dtype=_dt(m, in_dt)),
                         out=(m.empty(3, dtype=_dt(m, w_dt)), m.empty(3, 3, dtype=_dt(m, v_dt))))
        return r.eigenvalues, r.eigenvectors.abs(), type(r).__name__
    same_outcome(fn, rtol=1e-5, atol=1e-6)


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(["float32", "float64"]), st.sampled_from(["complex64", "complex128"]),
       st.integers(0, 5), st.integers(1, 3))
def test_eigvals_out_resizes_and_casts(in_dt, out_dt, out_len, batch):
    import warnings

    def fn(m):
        a = m.tensor(TRI, dtype=_dt(m, in_dt)).expand(batch, 3, 3)
        o = m.empty(out_len, dtype=_dt(m, out_dt))
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            r = m.linalg.eigvals(a, out=o)
        return r, len(w)
    same_outcome(fn)


CAST_FNS = {
    "pinv": lambda m, o: m.linalg.pinv(m.tensor(A2), out=o),
    "cond": lambda m, o: m.linalg.cond(m.tensor(A2), out=o[0] if o.dim() else o),
    "tensorinv": lambda m, o: m.linalg.tensorinv(m.tensor(A2), ind=1, out=o),
    "tensorsolve": lambda m, o: m.linalg.tensorsolve(m.tensor(A2), m.ones(2), out=o[0]),
}


@pytest.mark.parametrize("name", sorted(CAST_FNS))
@pytest.mark.parametrize("out_dt", ["float32", "float64", "float16", "complex64", "int64", "bool"])
def test_casting_linalg_out_dtypes(name, out_dt):
    def fn(m):
        r = CAST_FNS[name](m, m.empty(2, 2, dtype=_dt(m, out_dt)))
        return r.to(m.float64) if r.dtype.is_complex is False else r
    same_outcome(fn, rtol=1e-3, atol=1e-3)


def _A(m, rg=False):
    return m.tensor(A2, requires_grad=rg)


def _E(m, *shape, dtype="float32", rg=False):
    return m.empty(*shape, dtype=_dt(m, dtype), requires_grad=rg)


def _I(m, *shape):
    return m.empty(*shape, dtype=m.int32)


OUT_CALLS = {
    "eigvals": lambda m, rg, og: m.linalg.eigvals(_A(m, rg), out=_E(m, 2, dtype="complex64", rg=og)),
    "eig": lambda m, rg, og: m.linalg.eig(_A(m, rg), out=(_E(m, 2, dtype="complex64", rg=og),
                                                          _E(m, 2, 2, dtype="complex64"))),
    "eigvalsh": lambda m, rg, og: m.linalg.eigvalsh(_A(m, rg), out=_E(m, 2, rg=og)),
    "eigh": lambda m, rg, og: m.linalg.eigh(_A(m, rg), out=(_E(m, 2, rg=og), _E(m, 2, 2))),
    "svdvals": lambda m, rg, og: m.linalg.svdvals(_A(m, rg), out=_E(m, 2, rg=og)),
    "svd": lambda m, rg, og: m.linalg.svd(_A(m, rg), out=(_E(m, 2, 2, rg=og), _E(m, 2), _E(m, 2, 2))),
    "inv": lambda m, rg, og: m.linalg.inv(_A(m, rg), out=_E(m, 2, 2, rg=og)),
    "inv_ex": lambda m, rg, og: m.linalg.inv_ex(_A(m, rg), out=(_E(m, 2, 2, rg=og), _I(m))),
    "det": lambda m, rg, og: m.linalg.det(_A(m, rg), out=_E(m, rg=og)),
    "slogdet": lambda m, rg, og: m.linalg.slogdet(_A(m, rg), out=(_E(m, rg=og), _E(m))),
    "solve": lambda m, rg, og: m.linalg.solve(_A(m, rg), m.ones(2), out=_E(m, 2, rg=og)),
    "solve_ex": lambda m, rg, og: m.linalg.solve_ex(_A(m, rg), m.ones(2), out=(_E(m, 2, rg=og), _I(m))),
    "cholesky": lambda m, rg, og: m.linalg.cholesky(_A(m, rg), out=_E(m, 2, 2, rg=og)),
    "cholesky_ex": lambda m, rg, og: m.linalg.cholesky_ex(_A(m, rg), out=(_E(m, 2, 2, rg=og), _I(m))),
    "qr": lambda m, rg, og: m.linalg.qr(_A(m, rg), out=(_E(m, 2, 2, rg=og), _E(m, 2, 2))),
    "matrix_power": lambda m, rg, og: m.linalg.matrix_power(_A(m, rg), 2, out=_E(m, 2, 2, rg=og)),
    "matrix_norm": lambda m, rg, og: m.linalg.matrix_norm(_A(m, rg), out=_E(m, rg=og)),
    "vector_norm": lambda m, rg, og: m.linalg.vector_norm(_A(m, rg), out=_E(m, rg=og)),
    "norm": lambda m, rg, og: m.linalg.norm(_A(m, rg), out=_E(m, rg=og)),
    "pinv": lambda m, rg, og: m.linalg.pinv(_A(m, rg), out=_E(m, 2, 2, rg=og)),
    "cond": lambda m, rg, og: m.linalg.cond(_A(m, rg), out=_E(m, rg=og)),
    "lu_factor": lambda m, rg, og: m.linalg.lu_factor(_A(m, rg), out=(_E(m, 2, 2, rg=og), _I(m, 2))),
    "lu_factor_ex": lambda m, rg, og: m.linalg.lu_factor_ex(_A(m, rg), out=(_E(m, 2, 2, rg=og), _I(m, 2), _I(m))),
    "lu": lambda m, rg, og: m.linalg.lu(_A(m, rg), out=(_E(m, 2, 2, rg=og), _E(m, 2, 2), _E(m, 2, 2))),
    "lu_solve": lambda m, rg, og: m.linalg.lu_solve(_A(m, rg), m.tensor([1, 2], dtype=m.int32), m.ones(2, 1),
                                                    out=_E(m, 2, 1, rg=og)),
    "multi_dot": lambda m, rg, og: m.linalg.multi_dot([_A(m, rg), m.ones(2, 2)], out=_E(m, 2, 2, rg=og)),
    "householder_product": lambda m, rg, og: m.linalg.householder_product(_A(m, rg), m.ones(1),
                                                                          out=_E(m, 2, 2, rg=og)),
    "tensorinv": lambda m, rg, og: m.linalg.tensorinv(_A(m, rg), ind=1, out=_E(m, 2, 2, rg=og)),
    "tensorsolve": lambda m, rg, og: m.linalg.tensorsolve(_A(m, rg), m.ones(2), out=_E(m, 2, rg=og)),
    "ldl_factor": lambda m, rg, og: m.linalg.ldl_factor(_A(m, rg), out=(_E(m, 2, 2, rg=og), _I(m, 2))),
    "ldl_factor_ex": lambda m, rg, og: m.linalg.ldl_factor_ex(_A(m, rg), out=(_E(m, 2, 2, rg=og), _I(m, 2), _I(m))),
    "ldl_solve": lambda m, rg, og: m.linalg.ldl_solve(_A(m, rg), m.tensor([1, 2], dtype=m.int32), m.ones(2, 1),
                                                      out=_E(m, 2, 1, rg=og)),
    "solve_triangular": lambda m, rg, og: m.linalg.solve_triangular(_A(m, rg), m.ones(2, 1), upper=True,
                                                                    out=_E(m, 2, 1, rg=og)),
    "vecdot": lambda m, rg, og: m.linalg.vecdot(_A(m, rg)[0], m.ones(2), out=_E(m, rg=og)),
}


def _describe(r):
    rs = r if isinstance(r, tuple) else (r,)
    return [r.detach() for r in rs] + [(type(x.grad_fn).__name__ if x.grad_fn else None, x.requires_grad) for x in rs]


@pytest.mark.parametrize("name", sorted(OUT_CALLS))
@pytest.mark.parametrize("which", ["input", "out"])
def test_linalg_out_with_grad(name, which):
    call = OUT_CALLS[name]
    same_outcome(lambda m: _describe(call(m, which == "input", which == "out")), rtol=1e-5, atol=1e-6)


REFUSE_FIRST = {
    "inv": lambda m: m.linalg.inv(_A(m, True), out=_E(m, 2, 2, dtype="float64")),
    "det": lambda m: m.linalg.det(_A(m, True), out=_E(m, dtype="int64")),
    "eigh": lambda m: m.linalg.eigh(_A(m, True), out=(_E(m, 2, dtype="float64"), _E(m, 2, 2))),
    "eig": lambda m: m.linalg.eig(_A(m, True), out=(_E(m, 2, dtype="complex128"), _E(m, 2, 2))),
    "inv_ex": lambda m: m.linalg.inv_ex(_A(m, True), out=(_E(m, 2, 2), m.empty((), dtype=m.int64))),
    "pinv": lambda m: m.linalg.pinv(_A(m, True), out=_E(m, 2, 2, dtype="int64")),
    "matrix_power_cast": lambda m: m.linalg.matrix_power(_A(m, True), 2, out=_E(m, 2, 2, dtype="float64")),
    "matrix_power_nocast": lambda m: m.linalg.matrix_power(_A(m, True), 2, out=_E(m, 2, 2, dtype="int64")),
    "multi_dot": lambda m: m.linalg.multi_dot([_A(m, True), m.eye(2)], out=_E(m, 2, 2, dtype="float64")),
    "vecdot": lambda m: m.linalg.vecdot(m.ones(2, requires_grad=True), m.ones(2), out=_E(m, dtype="float64")),
    "eigvals_uncastable": lambda m: m.linalg.eigvals(_A(m, True), out=_E(m, 2, dtype="int32")),
    "ldl_factor": lambda m: m.linalg.ldl_factor(_A(m, True), out=(_E(m, 2, 2, dtype="float64"), _I(m, 2))),
    "tensorsolve": lambda m: m.linalg.tensorsolve(_A(m, True), m.ones(2), out=_E(m, 2, dtype="int64")),
}


@pytest.mark.parametrize("name", sorted(REFUSE_FIRST))
def test_grad_refusal_or_dtype_error_order(name):
    same_error(REFUSE_FIRST[name])


COPIED = {
    "matrix_norm": lambda m, a, o: m.linalg.matrix_norm(a, out=o),
    "norm_nuc": lambda m, a, o: m.linalg.norm(a, ord="nuc", out=o),
    "norm": lambda m, a, o: m.linalg.norm(a, out=o),
    "cond": lambda m, a, o: m.linalg.cond(a, out=o),
    "tensorinv": lambda m, a, o: m.linalg.tensorinv(a, ind=1, out=o),
    "tensorsolve": lambda m, a, o: m.linalg.tensorsolve(a, m.tensor([1.0, -2.0], dtype=m.float64), out=o),
}


@pytest.mark.parametrize("name", sorted(COPIED))
@pytest.mark.parametrize("out_dt", ["float64", "float32"])
def test_copied_out_carries_the_gradient(name, out_dt):
    def fn(m):
        a = m.tensor([[3.0, 1.0], [0.5, 2.0]], dtype=m.float64, requires_grad=True)
        o = m.empty(0, dtype=_dt(m, out_dt))
        r = COPIED[name](m, a, o)
        r.sum().backward()
        fns = r.grad_fn.next_functions
        return (r.detach(), a.grad, r is o, type(r.grad_fn).__name__,
                [None if f is None else type(f).__name__ for f, _ in fns])
    same_outcome(fn, rtol=1e-5, atol=1e-6)


def test_copied_out_non_leaf_and_leaf():
    def non_leaf(m):
        o = m.zeros((), requires_grad=True) * 1
        r = m.linalg.matrix_norm(m.tensor(A2), out=o)
        return r.detach(), type(r.grad_fn).__name__, r.requires_grad
    same_outcome(non_leaf)
    same_error(lambda m: m.linalg.cond(m.tensor(A2), out=m.zeros((), requires_grad=True)))
    same_error(lambda m: m.linalg.tensorinv(m.tensor(A2), ind=1, out=m.zeros(2, 2, requires_grad=True)))


@pytest.mark.parametrize("name", ["eigvals", "ldl_factor", "ldl_solve"])
def test_no_derivative_out_backward_raises(name):
    def fn(m):
        r = OUT_CALLS[name](m, True, False)
        first = r[0] if isinstance(r, tuple) else r
        fns = [type(f).__name__ for f, _ in first.grad_fn.next_functions]
        try:
            first.abs().sum().backward()
        except RuntimeError as e:
            return fns, str(e)
        return fns, None
    assert fn(torch) == fn(glasstorch)


def test_eigvals_out_with_grad_is_the_same_tensor():
    for m in (torch, glasstorch):
        a = m.tensor(A2, requires_grad=True)
        o = m.empty(2, dtype=m.complex128)
        r = m.linalg.eigvals(a, out=o)
        assert r is o and r.dtype == m.complex128
        assert r.grad_fn.next_functions[0][0].variable is a
        assert r.grad_fn.name() == "torch::autograd::NotImplemented"


def test_no_grad_mode_writes_plainly():
    def fn(m):
        a = _A(m, True)
        with m.no_grad():
            r = m.linalg.eigvals(a, out=_E(m, 2, dtype="complex128"))
            q = m.linalg.inv(a, out=_E(m, 2, 2))
            c = m.linalg.cond(a, out=_E(m, dtype="float64"))
        return r, q, c.to(m.float32), r.requires_grad, c.requires_grad
    same_outcome(fn, rtol=1e-5)


def test_leslie_spectral_radius_into_double_out():
    """The program's use: a float32 Leslie matrix's eigenvalues gathered into a complex128 buffer."""
    def fn(m):
        L = m.tensor([[0.0, 0.8, 1.6], [0.6, 0.0, 0.0], [0.0, 0.75, 0.0]])
        buf = m.empty(2, 3, dtype=m.complex128)
        m.linalg.eigvals(L, out=buf[0])
        m.linalg.eigvals(L.double(), out=buf[1])
        return buf.abs().max(dim=1).values
    same_outcome(fn, rtol=1e-6)


NO_DERIVATIVE_OPS = {
    "floor_divide_other": lambda m, x, y: m.floor_divide(y, x),
    "floor_divide_input": lambda m, x, y: m.floor_divide(x, y),
    "heaviside_input": lambda m, x, y: m.heaviside(x, y),
    "heaviside_values": lambda m, x, y: m.heaviside(y, x),
    "heaviside_both": lambda m, x, y: m.heaviside(x, x * 2),
    "bincount_weights": lambda m, x, y: m.bincount(m.tensor([0, 1]), weights=x),
    "histogramdd_sample": lambda m, x, y: m.histogramdd(x.view(2, 1), bins=2, weight=y).hist,
    "histogramdd_weight": lambda m, x, y: m.histogramdd(y.view(2, 1), bins=2, weight=x).hist,
    "ldl_solve_B": lambda m, x, y: m.linalg.ldl_solve(m.linalg.ldl_factor(m.tensor(A2)).LD,
                                                      m.tensor([1, 2], dtype=m.int32), x.view(2, 1)),
    "ldl_solve_LD": lambda m, x, y: m.linalg.ldl_solve(m.diag(x + 3), m.tensor([1, 2], dtype=m.int32), y.view(2, 1)),
}


@pytest.mark.parametrize("name", sorted(NO_DERIVATIVE_OPS))
def test_not_implemented_node_has_edges_only_to_inputs_requiring_grad(name):
    """torch's autograd fallback: a NotImplemented grad_fn with an edge per input that requires grad."""
    def fn(m):
        x = m.tensor([1.0, -1.0], requires_grad=True)
        y = m.tensor([0.5, 0.5])
        r = NO_DERIVATIVE_OPS[name](m, x, y)
        fns = r.grad_fn.next_functions
        try:
            r.sum().backward()
            msg = None
        except RuntimeError as e:
            msg = str(e)
        return type(r.grad_fn).__name__, [None if f is None else type(f).__name__ for f, _ in fns], msg
    assert fn(torch) == fn(glasstorch)


LINALG_NAMES = ["det", "inv", "eigvals", "eig", "eigh", "eigvalsh", "svd", "svdvals", "solve", "solve_ex", "qr",
                "cholesky", "cholesky_ex", "matrix_power", "matrix_exp", "matrix_rank", "pinv", "lstsq", "cross",
                "matmul", "multi_dot", "vecdot", "vector_norm", "diagonal", "vander", "lu", "lu_factor",
                "lu_solve", "ldl_factor", "tensorinv", "tensorsolve", "householder_product", "slogdet", "inv_ex"]


@pytest.mark.parametrize("name", LINALG_NAMES)
def test_linalg_function_names(name):
    assert getattr(glasstorch.linalg, name).__name__ == getattr(torch.linalg, name).__name__
    assert getattr(glasstorch, "det").__name__ == torch.det.__name__


UNEXPECTED = {
    "eigvals": lambda m: m.linalg.eigvals(m.eye(2), foo=1),
    "det": lambda m: m.linalg.det(m.eye(2), foo=1),
    "svd": lambda m: m.linalg.svd(m.eye(2), bar=True),
    "solve_ex": lambda m: m.linalg.solve_ex(m.eye(2), m.ones(2), foo=1),
    "matrix_exp_out": lambda m: m.linalg.matrix_exp(m.eye(2), out=m.empty(2, 2)),
    "diagonal_out": lambda m: m.linalg.diagonal(m.eye(2), out=m.empty(2)),
    "vander_out": lambda m: m.linalg.vander(m.ones(2), out=m.empty(2, 2)),
    "tensorinv": lambda m: m.linalg.tensorinv(m.eye(2), bar=2),
    "eigvals_out_tuple": lambda m: m.linalg.eigvals(m.eye(2), out=(m.empty(2, dtype=m.complex64),)),
    "inv_out_tuple": lambda m: m.linalg.inv(m.eye(2), out=(m.empty(2, 2),)),
    "eigvals_out_int": lambda m: m.linalg.eigvals(m.eye(2), out=3),
    "vector_norm_out_list": lambda m: m.linalg.vector_norm(m.ones(2), out=[m.empty(())]),
}


@pytest.mark.parametrize("name", sorted(UNEXPECTED))
def test_linalg_argument_errors_name_the_linalg_op(name):
    same_error(UNEXPECTED[name])


def test_linalg_out_still_resizes_like_torch():
    def fn(m):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a = (m.eye(4) * 2 + m.arange(16.0).view(4, 4) / 10).view(2, 2, 2, 2)
            o = m.empty(5)
            r = m.linalg.tensorinv(a, ind=2, out=o)
            q = m.linalg.inv(a.view(4, 4).t(), out=m.empty(1))
        return r, r.stride(), q, q.stride()
    same_outcome(fn, rtol=1e-6)

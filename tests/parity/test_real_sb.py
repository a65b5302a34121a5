"""Parity pins for the sb programs (GPyTorch, linear_operator and BoTorch tutorials and tests).

Fixed in glasstorch:
- ``torch.dsmm`` (sparse @ dense, dense result; torch runs it as ``mm``: MmBackward0, mm's checks and
  messages) and ``torch.hsmm`` (hspmm's old name) were missing: linear_operator's interpolation
  (``left_t_interp`` -> ``bdsmm``) calls ``torch.dsmm``, so GPyTorch's Hadamard multitask tutorial
  (IndexKernel + InterpolatedLinearOperator) crashed (sparse/_mm_more.py);
- hspmm / smm / sspaddmm test ranks first, as torch does, naming the argument
  ("hspmm: Argument #3: matrices expected, got 1D tensor", not an IndexError or addmm's message), and a
  CSR/CSC mat1 raises torch's SparseCsrCPU dispatcher error (smm: torch's "torch.empty: Only batched
  sparse compressed ..." error), not a coalesce error (sparse/_mm_more.py); found trying dsmm's neighbours;
- ``torch.mm`` / ``torch.sparse.mm`` of a batched (3-D+) sparse tensor raise torch's expand error
  ("The expanded size of the tensor (2) must match the existing size (3) at non-singleton dimension 0.
  ..."), which torch's _sparse_mm gives before addmm's rank check (sparse/_mm.py); same search;
- smm / sspaddmm of dense tensors: torch's "tensor.sspaddmm(...) can only be called on sparse tensors",
  "sspaddmm: expected 'mat1' to have sparse layout ...", and ``Tensor.smm`` / ``Tensor.sspaddmm`` exist on
  dense tensors (sparse/_mm_more.py); same search;
- ``__torch_function__`` of a class that is not a Tensor subclass (a "tensor-like": linear_operator's
  LinearOperator) was never consulted: glasstorch turned its protocol checks on only for Tensor subclasses,
  so ``torch.add(linear_op, x)``, ``torch.matmul(x, linear_op)`` ... raised "add(): argument 'input' must
  be Tensor, not InterpolatedLinearOperator"; now any class statement whose body defines
  ``__torch_function__`` switches the checks on before the body runs, so handlers it registers by function
  (``@_implements(torch.add)``) see the function torch hands them (_torch_function_classes.py); shown by
  linear_operator's own unit tests (test_interpolated_linear_operator.py: most of its 226 tests failed);
- with the checks on, Tensor's binary operators turn a TypeError (every handler declined) into
  NotImplemented as torch's do, so ``tensor * tensor_like`` ends in Python's "unsupported operand
  type(s)" (_torch_function_activate.py); found with the tensor-like tests;
- the in-place geometry changes (``unsqueeze_``, ``squeeze_``, ``t_``, ``transpose_``, ``swapdims_``,
  ``as_strided_``) of an expanded tensor raised the "more than one element of the written-to tensor refers
  to a single memory location" error; torch writes no element there and allows them (ops/inplace_more.py);
  linear_operator's InvQuadLogdet backward calls ``unsqueeze_`` on the expanded gradient that ``sum``'s
  backward hands it (test_inv_quad_logdet.py, 8 tests).
"""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_on_both, same_outcome

MODS = (torch, glasstorch)


def _quiet(fn):
    def run(m):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(m)
    return run


def _coo(m, size=(2, 3), idx=((0, 1, 1), (2, 0, 2)), vals=(3.0, 4.0, 5.0), dtype=None):
    dtype = dtype or m.float32
    return m.sparse_coo_tensor(m.tensor(idx), m.tensor(vals, dtype=dtype), size)


def _outcome(fn, m):
    try:
        return "ok", fn(m)
    except Exception as e:      # noqa: BLE001 - torch's error is the expectation
        msg = str(e)
        # the dispatcher error lists every backend with its build's source paths: compare up to the list
        return type(e).__name__, msg.split(" is only available for these backends")[0]


def same_error_prefix(fn):
    fn = _quiet(fn)
    want = _outcome(fn, torch)
    got = _outcome(fn, glasstorch)
    assert want[0] != "ok", "torch raised nothing"
    assert got == want


# ---- torch.dsmm / torch.hsmm ----------------------------------------------------------------------

@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 5), k=st.integers(1, 5), p=st.integers(1, 4), seed=st.integers(0, 2**16),
       dt=st.sampled_from(["float32", "float64"]))
def test_dsmm_matches_mm(n, k, p, seed, dt):
    rng = np.random.default_rng(seed)
    dense_a = rng.standard_normal((n, k)) * (rng.random((n, k)) < 0.5)
    b = rng.standard_normal((k, p)).astype(dt)

    def fn(m, b):
        a = m.from_numpy(dense_a.astype(dt)).to_sparse()
        return m.dsmm(a, b)
    same_on_both(_quiet_args(fn), [b], rtol=1e-6 if dt == "float32" else 1e-12)


def _quiet_args(fn):
    def run(m, *a):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(m, *a)
    return run


def test_dsmm_grad_fn_and_sparse_grad():
    def fn(m):
        s = _coo(m).requires_grad_()
        d = m.arange(6.0).reshape(3, 2).requires_grad_()
        r = m.dsmm(s, d)
        r.sum().backward()
        return r.grad_fn.name(), r.tolist(), d.grad.tolist(), s.grad.to_dense().tolist()
    assert _quiet(fn)(glasstorch) == _quiet(fn)(torch)


@pytest.mark.parametrize("case", [
    lambda m: m.dsmm(m.ones(3, 2), m.ones(3, 2)),
    lambda m: m.dsmm(_coo(m), _coo(m)),
    lambda m: m.dsmm(_coo(m), m.ones(4, 2)),
    lambda m: m.dsmm(_coo(m), m.ones(3, 2, dtype=m.float64)),
    lambda m: m.dsmm(_coo(m), m.ones(3)),
    lambda m: m.dsmm(_coo(m), m.ones(3, 2, 2)),
])
def test_dsmm_errors(case):
    same_error_prefix(case)


def test_dsmm_csr_and_dense_transposed():
    same_outcome(_quiet(lambda m: m.dsmm(_coo(m).to_sparse_csr(), m.arange(6.0).reshape(3, 2))))
    same_outcome(_quiet(lambda m: m.dsmm(_coo(m).to_dense().t(), m.arange(4.0).reshape(2, 2))))


def test_hsmm_is_hspmm():
    def fn(m):
        r = m.hsmm(_coo(m), m.arange(6.0).reshape(3, 2))
        return r.layout, r.sparse_dim(), r.dense_dim(), r._indices().tolist(), r._values().tolist(), tuple(r.shape)
    assert repr(_quiet(fn)(glasstorch)).replace("glasstorch", "torch") == repr(_quiet(fn)(torch))
    assert not hasattr(glasstorch.Tensor, "dsmm") and not hasattr(glasstorch.Tensor, "hsmm")


# ---- hspmm / smm / sspaddmm checks ----------------------------------------------------------------

def _sspaddmm(m, a, b):
    empty = m.sparse_coo_tensor(m.zeros(2, 0, dtype=m.long), m.zeros(0), (2, 2))
    return m.sspaddmm(empty, a, b)


OPS = {"hspmm": lambda m, a, b: m.hspmm(a, b), "hsmm": lambda m, a, b: m.hsmm(a, b),
       "smm": lambda m, a, b: m.smm(a, b), "sspaddmm": _sspaddmm}
BAD = {
    "1d_dense": lambda m: (_coo(m), m.ones(3)),
    "3d_dense": lambda m: (_coo(m), m.ones(3, 2, 2)),
    "3d_sparse": lambda m: (_coo(m, (2, 3, 3), ((0,), (1,), (2,)), (1.0,)), m.ones(3, 2)),
    "csr": lambda m: (_coo(m).to_sparse_csr(), m.ones(3, 2)),
    "csc": lambda m: (_coo(m).to_sparse_csc(), m.ones(3, 2)),
    "dense_mat1": lambda m: (m.ones(2, 3), m.ones(3, 2)),
    "wrong_k": lambda m: (_coo(m), m.ones(2, 2)),
    "dtype": lambda m: (_coo(m), m.ones(3, 2, dtype=m.float64)),
}


@pytest.mark.parametrize("op", sorted(OPS))
@pytest.mark.parametrize("bad", sorted(BAD))
def test_sparse_dense_product_errors(op, bad):
    same_error_prefix(lambda m: OPS[op](m, *BAD[bad](m)))


# ---- torch.mm / torch.sparse.mm of a batched sparse tensor ------------------------------------------

@pytest.mark.parametrize("size", [(2, 3, 3), (3, 3, 3), (3, 4, 3), (1, 3, 3), (2, 1, 3), (2, 2, 3, 3)])
@pytest.mark.parametrize("cols", [1, 2, 3])
@pytest.mark.parametrize("op", ["mm", "sparse.mm", "dsmm"])
def test_batched_sparse_mm_error(size, cols, op):
    def fn(m):
        s = m.sparse_coo_tensor(m.zeros(len(size), 1, dtype=m.long), m.tensor([1.0]), size)
        f = m.sparse.mm if op == "sparse.mm" else getattr(m, op)
        return f(s, m.ones(3, cols))
    same_error_prefix(fn)


@pytest.mark.parametrize("case", [
    lambda m: m.sspaddmm(m.ones(2, 2), _coo(m), m.ones(3, 2)),
    lambda m: m.sspaddmm(m.ones(2, 2), m.ones(2, 3), m.ones(3, 2)),
    lambda m: m.ones(2, 2).sspaddmm(_coo(m), m.ones(3, 2)),
    lambda m: m.ones(2, 3).smm(m.ones(3, 2)),
    lambda m: m.smm(m.ones(2, 3), m.ones(3)),
])
def test_sspaddmm_smm_dense_input_errors(case):
    same_error_prefix(case)


# ---- __torch_function__ on tensor-like classes that are not Tensor subclasses ---------------------

def _tensor_like_outcome(m, call):
    """A LinearOperator-like class (a plain object with ``__torch_function__``, handlers registered in its
    body by function) defined after the library is imported, then ``call(m, obj)``."""
    handled = {}

    def implements(f):
        def deco(g):
            handled[f] = g
            return g
        return deco

    class Like:
        def __init__(self, v):
            self.v = v

        @implements(m.add)
        def add(self, other, *, alpha=1):
            return ("add", self.v, float(other.sum()) if isinstance(other, m.Tensor) else other, alpha)

        @implements(m.matmul)
        def matmul(self, other):
            return ("matmul", self.v, tuple(other.shape))

        @implements(m.linalg.cholesky)
        def cholesky(self, upper=False):
            return ("cholesky", self.v, upper)

        @implements(m.nn.functional.relu)
        def relu(self, inplace=False):
            return ("relu", self.v)

        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            if func not in handled:
                return NotImplemented
            a = list(args)
            if not isinstance(a[0], cls):            # a right operand: the handlers take self first
                a[0], a[1] = a[1], a[0]
            return handled[func](*a, **(kwargs or {}))
    try:
        return repr(call(m, Like(3))).replace("glasstorch", "torch")
    except Exception as e:      # noqa: BLE001 - torch's error is the expectation
        return type(e).__name__, str(e).replace("glasstorch", "torch")


TENSOR_LIKE_CALLS = {
    "add": lambda m, o: m.add(o, m.ones(2)),
    "add_alpha": lambda m, o: m.add(o, m.ones(2), alpha=2),
    "add_right": lambda m, o: m.add(m.ones(3), o),
    "matmul": lambda m, o: m.matmul(o, m.ones(2, 4)),
    "cholesky": lambda m, o: m.linalg.cholesky(o, upper=True),
    "relu": lambda m, o: m.nn.functional.relu(o),
    "unhandled": lambda m, o: m.mul(o, 2),
    "unhandled_method_style": lambda m, o: m.ones(2) * o,
    "has_torch_function": lambda m, o: (m.overrides.has_torch_function((o,)), m.overrides.is_tensor_like(o)),
}


@pytest.mark.parametrize("name", sorted(TENSOR_LIKE_CALLS))
def test_tensor_like_class_takes_over_torch_functions(name):
    from glasstorch import _torch_function
    got = _tensor_like_outcome(glasstorch, TENSOR_LIKE_CALLS[name])
    assert _torch_function.STATE.active          # the class statement switched the checks on
    assert got == _tensor_like_outcome(torch, TENSOR_LIKE_CALLS[name])


def test_plain_class_leaves_checks_off():
    from glasstorch import _torch_function
    if _torch_function.STATE.active:
        _torch_function.deactivate()

    class Plain:
        def __init__(self):
            self.torch_function = 1
    Plain()
    assert not _torch_function.STATE.active
    same_error_prefix(lambda m: m.add(Plain(), m.ones(2)))


# ---- in-place geometry changes of an expanded tensor -------------------------------------------------

GEOMETRY = {
    "unsqueeze_": lambda x: x.unsqueeze_(-1),
    "unsqueeze_0": lambda x: x.unsqueeze_(0),
    "squeeze_": lambda x: x.squeeze_(),
    "squeeze_dim": lambda x: x.squeeze_(1),
    "t_": lambda x: x.t_(),
    "transpose_": lambda x: x.transpose_(0, 1),
    "swapdims_": lambda x: x.swapdims_(0, 1),
    "swapaxes_": lambda x: x.swapaxes_(1, 0),
    "as_strided_": lambda x: x.as_strided_((3,), (0,)),
    "add_": lambda x: x.add_(1),
    "mul_": lambda x: x.mul_(2),
}


@pytest.mark.parametrize("name", sorted(GEOMETRY))
@pytest.mark.parametrize("shape", [(3, 1), (1, 3), (1, 1)])
def test_inplace_geometry_of_expanded_tensor(name, shape):
    def fn(m):
        x = m.arange(float(np.prod(shape))).reshape(shape).expand(3, 3) if shape != (1, 3) else \
            m.arange(3.0).reshape(1, 3).expand(1, 3)
        r = GEOMETRY[name](x)
        return r, m.tensor(r.stride()), m.tensor(r is x)
    same_outcome(fn)


def test_unsqueeze_of_expanded_grad_in_custom_backward():
    def fn(m):
        class Double(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return (2 * x).sum(-1)

            @staticmethod
            def backward(ctx, g):       # g comes from sum's backward: an expanded tensor
                g = g.clone() if g.dim() == 0 else g
                return 2 * g.unsqueeze_(-1).expand(3, 4)
        x = m.arange(12.0).reshape(3, 4).requires_grad_()
        Double.apply(x).sum().backward()
        return x.grad
    same_outcome(fn)


def test_class_statement_warning_site_unchanged():
    """the class-statement hook is invisible to ``warnings.warn(stacklevel=2)`` in ``__init_subclass__``."""
    import inspect

    class Base:
        def __init_subclass__(cls, **kw):
            warnings.warn("subclassing Base", stacklevel=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = inspect.currentframe().f_lineno + 1
        class Child(Base):  # noqa: E306
            pass
    assert [(w.filename, w.lineno) for w in caught] == [(__file__, line)]

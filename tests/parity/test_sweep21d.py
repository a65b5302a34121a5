"""Differences found by the sweep21d point-cloud / 3D-geometry programs (PointNet T-Net, DGCNN k-NN,
PointNet++ sampling and Chamfer, rotations and Kabsch, voxels and camera projection).

* ``torch.cross`` / ``Tensor.cross`` without ``dim``: torch warns once (deprecation) and takes the first
  size-3 dim of ``input`` alone (glasstorch looked at the broadcast shape, and gave NumPy's ValueError
  for shapes that do not broadcast).
* ``linalg.det`` backward: torch solves A^T X = diag(g det A) with the LU factor of the forward, a zero
  pivot replaced by eps, so a singular matrix gets a (zero) gradient; glasstorch inverted A and raised
  LinAlgError.  Non-singular matrices now also come closer to torch's last bits (an LU solve, not an
  inverse) but not bit for bit: glasstorch's getrf/getrs are not MKL's kernels (rtol 1e-12 / 1e-5).
* ``atan2`` backward at the origin (and where a^2 + b^2 underflows): torch gives signed zeros, glasstorch nan.
* ``linalg.matrix_exp``: torch's own evaluation (degree 1-18 optimised Taylor polynomials, picked by the
  1-norm, in the input's dtype; a batch of several matrices always takes degree 18), where glasstorch
  used Horner Taylor in float64; products of matrices up to 8 x 8 add their terms in order without
  FMA, as torch's small matmul does.  Bit for bit now; the exponential of a float32 quarter-turn
  cross-product matrix has torch's exact zeros (it printed -4.3711e-08 in sci mode).
* ``linalg.cross`` (and ``torch.cross``): torch's kernel computes each component as one fused multiply-add,
  fma(a1, b2, -(a2 b1)); glasstorch rounded both products (a last-bit difference in a quarter of the
  values).  The backward uses the same kernel.
* ``python -m glasstorch run script.py`` gave the script a relative ``__file__``; python makes it absolute.
* Once-per-process warnings torch gives: ``scatter(..., reduce=)`` with a tensor ``src`` (deprecated),
  ``index_reduce`` (beta), a sparse constructor left to the global invariant-check setting.
"""
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import glasstorch
import torch
from glasstorch.autograd.gradcheck import gradcheck

from ._helpers import same_error, same_on_both, same_outcome, to_np


def _warnings(mod, fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        fn(mod)
    return [str(x.message) for x in w if issubclass(x.category, UserWarning)]


# ---- cross without dim ----------------------------------------------------------------------------
@pytest.mark.parametrize("a,b", [((1, 3), (3, 3)), ((3, 2), (3, 2)), ((2, 3, 3), (2, 3, 3)), ((4, 3), (1, 3))])
def test_cross_default_dim_is_inputs_first_size_3(a, b):
    rng = np.random.default_rng(0)
    same_on_both(lambda t, x, y: t.cross(x, y), [rng.standard_normal(a), rng.standard_normal(b)])
    same_on_both(lambda t, x, y: x.cross(y), [rng.standard_normal(a), rng.standard_normal(b)])


@pytest.mark.parametrize("a,b", [((2, 4), (1, 3, 1)), ((3, 1), (1, 3)), ((2, 3), (3, 3))])
def test_cross_default_dim_errors(a, b):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_error(lambda t: t.cross(t.ones(*a), t.ones(*b)))


def test_cross_default_dim_warns_once_like_torch():
    import glasstorch._user_warning as uw
    uw.WARNED.discard("cross_default_dim")
    got = _warnings(glasstorch, lambda t: (t.cross(t.ones(3), t.ones(3)), t.ones(2, 3).cross(t.ones(2, 3))))
    assert len(got) == 1 and got[0].startswith("Using torch.cross without specifying the dim arg is deprecated.")
    assert "Cross.cpp" in got[0]
    assert _warnings(glasstorch, lambda t: t.cross(t.ones(3), t.ones(3), dim=0)) == []


# ---- det backward -----------------------------------------------------------------------------------
SINGULAR = [np.array([[1., 2., 3.], [2., 4., 6.], [0., 1., 1.]]), np.ones((3, 3)), np.zeros((2, 2)),
            np.array([[[1., 2.], [2., 4.]], [[1., 0.], [0., 2.]]])]


@pytest.mark.parametrize("a", SINGULAR)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_det_backward_of_singular_matrix(a, dtype):
    # torch gives zeros where det is exactly 0 (their signs come from MKL's solve: compared by value)
    out = {}
    for m in (torch, glasstorch):
        x = m.from_numpy(a.astype(dtype)).requires_grad_()
        d = m.linalg.det(x)
        g, = m.autograd.grad(d.sum(), x)
        out[m] = (to_np(d), to_np(g))
    for u, v in zip(out[torch], out[glasstorch]):
        assert u.dtype == v.dtype and np.array_equal(u, v)


@given(st.integers(0, 2 ** 31 - 1), st.integers(2, 5), st.booleans(), st.sampled_from([np.float64, np.float32]))
@settings(max_examples=25, deadline=None)
def test_det_backward_nonsingular(seed, n, transposed, dtype):
    a = np.random.default_rng(seed).standard_normal((2, n, n)).astype(dtype)
    tol = 1e-12 if dtype == np.float64 else 1e-5    # glasstorch's LU kernels are not MKL's: last bits
    same_on_both(lambda t, x: t.linalg.det(x.mT if transposed else x), [a], rtol=tol, atol=tol)


def test_det_gradcheck_float64():
    a = np.random.default_rng(1).standard_normal((2, 3, 3))
    assert gradcheck(glasstorch.linalg.det, (glasstorch.tensor(a, requires_grad=True),))
    assert gradcheck(lambda x: glasstorch.linalg.det(x.mT), (glasstorch.tensor(a, requires_grad=True),))


# ---- atan2 backward at the origin ---------------------------------------------------------------
def test_atan2_backward_at_origin_and_underflow():
    y = np.array([0., 0., -0., 0., 1e-200, 0., 3., -1.])
    x = np.array([0., -0., 0., 1e-200, 0., 1e-170, 4., 0.])
    same_on_both(lambda t, a, b: t.atan2(a, b), [y, x])
    same_on_both(lambda t, a, b: t.atan2(a, b), [y.astype(np.float32)[:3], x.astype(np.float32)[:3]])


def test_atan2_double_backward_at_origin():
    def f(t):
        a = t.tensor([0., 1.], requires_grad=True)
        b = t.tensor([0., 2.], requires_grad=True)
        ga, = t.autograd.grad(t.atan2(a, b).sum(), a, create_graph=True)
        return ga, t.autograd.grad(ga.sum(), b)[0]
    same_outcome(f)


def test_atan2_gradcheck():
    y = glasstorch.tensor([0.3, -1.2, 2.0], dtype=glasstorch.float64, requires_grad=True)
    x = glasstorch.tensor([1.0, 0.5, -0.7], dtype=glasstorch.float64, requires_grad=True)
    assert gradcheck(glasstorch.atan2, (y, x))


# ---- matrix_exp ---------------------------------------------------------------------------------------
def _hat(t, v):
    x, y, z = v.unbind(-1)
    o = t.zeros_like(x)
    return t.stack([o, -z, y, z, o, -x, -y, x, o], -1).view(*v.shape[:-1], 3, 3)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_matrix_exp_quarter_turn_exact(dtype):
    def f(t):
        dt = getattr(t, str(dtype).split(".")[1])
        return t.linalg.matrix_exp(_hat(t, t.tensor([0., 0., math.pi / 2], dtype=dt)))
    same_outcome(f)
    r = {m: repr(f(m)) for m in (torch, glasstorch)}
    assert r[torch] == r[glasstorch]


@given(st.integers(0, 2 ** 31 - 1), st.sampled_from([1e-6, 1e-3, 0.03, 0.3, 1.0, 3.0, 10.0]),
       st.sampled_from([(3, 3), (1, 3, 3), (4, 3, 3), (4, 4), (2, 2, 2)]), st.sampled_from([np.float64, np.float32]))
@settings(max_examples=40, deadline=None)
def test_matrix_exp_values_and_grad(seed, scale, shape, dtype):
    a = (np.random.default_rng(seed).standard_normal(shape) * scale / shape[-1]).astype(dtype)
    same_on_both(lambda t, x: t.linalg.matrix_exp(x), [a])        # bit for bit, the gradient too


def test_matrix_exp_one_by_one_and_empty():
    same_on_both(lambda t, x: t.linalg.matrix_exp(x), [np.array([[[0.3]], [[-2.0]]], np.float32)])
    same_on_both(lambda t, x: t.linalg.matrix_exp(x), [np.zeros((0, 3, 3))])


def test_matrix_exp_gradcheck():
    for shape in [(3, 3), (2, 3, 3)]:
        a = glasstorch.tensor(np.random.default_rng(2).standard_normal(shape) * 0.8, requires_grad=True)
        assert gradcheck(glasstorch.linalg.matrix_exp, (a,))


# ---- once-per-process warnings ----------------------------------------------------------------------
@pytest.mark.parametrize("key,call,start", [
    ("scatter_reduce_arg",
     lambda t: t.zeros(3).scatter_(0, t.tensor([0, 0, 2]), t.tensor([1., 2., 3.]), reduce='add'),
     "The reduce argument of torch.scatter with Tensor src is deprecated"),
    ("index_reduce_beta",
     lambda t: t.zeros(3, 2).index_reduce_(0, t.tensor([0, 2, 0]), t.ones(3, 2), 'amax'),
     "index_reduce() is in beta"),
    ("sparse_invariants",
     lambda t: t.sparse_coo_tensor(t.tensor([[0, 1]]), t.tensor([1., 2.]), (3,)).to_dense(),
     "Sparse invariant checks are implicitly disabled."),
])
def test_warn_once_messages(key, call, start):
    import glasstorch._user_warning as uw
    uw.WARNED.discard(key)
    got = _warnings(glasstorch, lambda t: (call(t), call(t)))
    assert len(got) == 1 and got[0].startswith(start)
    same_outcome(call)


def test_no_warning_where_torch_gives_none():
    import glasstorch._user_warning as uw
    for key in ("scatter_reduce_arg", "sparse_invariants"):
        uw.WARNED.discard(key)
    assert _warnings(glasstorch, lambda t: t.zeros(3).scatter_(0, t.tensor([0, 2]), 2., reduce='add')) == []
    assert _warnings(glasstorch, lambda t: t.sparse_coo_tensor(t.tensor([[0]]), t.tensor([1.]), (2,),
                                                               check_invariants=False)) == []


# ---- cross values (fused multiply-add) ----------------------------------------------------------
@given(st.integers(0, 2 ** 31 - 1), st.sampled_from([np.float64, np.float32]), st.sampled_from([-1, 0, 1]))
@settings(max_examples=20, deadline=None)
def test_linalg_cross_is_fused(seed, dtype, dim):
    rng = np.random.default_rng(seed)
    shape = [4, 5, 6]
    shape[dim] = 3
    a, b = rng.standard_normal(shape).astype(dtype), rng.standard_normal(shape).astype(dtype)
    same_on_both(lambda t, x, y: t.linalg.cross(x, y, dim=dim), [a, b])


def test_cross_gradcheck():
    rng = np.random.default_rng(3)
    a = glasstorch.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    b = glasstorch.tensor(rng.standard_normal((1, 3)), requires_grad=True)
    assert gradcheck(lambda x, y: glasstorch.linalg.cross(x, y), (a, b))


# ---- glasstorch run: __file__ as python sets it ----------------------------------------------------
def test_run_gives_the_script_an_absolute_file(tmp_path):
    import os
    import subprocess
    import sys
    (tmp_path / "prog.py").write_text("import sys\nprint(__file__)\nprint(sys.argv[0])\n")
    want = subprocess.run([sys.executable, "prog.py"], cwd=tmp_path, capture_output=True, text=True).stdout
    got = subprocess.run([sys.executable, "-m", "glasstorch", "run", "prog.py"], cwd=tmp_path, capture_output=True,
                         text=True, env=dict(os.environ, PYTHONPATH=os.getcwd())).stdout
    assert want == got == f"{tmp_path / 'prog.py'}\nprog.py\n"

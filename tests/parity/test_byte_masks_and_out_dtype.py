"""Parity of uint8 masks (torch still indexes with them, warning, except where index_put_ becomes
masked_fill_, and refuses them in masked_fill_ / masked_select / masked_scatter_), of the out=
dtype rules of the unary ops that require out's dtype to be the input's, and of where the out=
resize warning points.  Expectations come from torch at test time."""
import os
import warnings

import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import assert_same_array


def _run(mod, fn):
    """(result or (exception type, message), [(category, message, file name)] of the warnings)."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            r = fn(mod)
            r = r.detach().numpy() if hasattr(r, "detach") else r
        except Exception as e:          # noqa: BLE001  (the exception itself is compared)
            r = (type(e).__name__, str(e))
    return r, [(x.category.__name__, str(x.message), os.path.basename(x.filename)) for x in w]


def _same(fn):
    rt, wt = _run(torch, fn)
    rg, wg = _run(glasstorch, fn)
    assert wg == wt
    if isinstance(rt, tuple):
        assert rg == rt
    else:
        assert_same_array(rt, rg)


def _x(t):
    return t.arange(6.0).reshape(2, 3)


def _m(t, dtype="uint8"):
    return t.tensor([[1, 0, 1], [0, 1, 0]], dtype=getattr(t, dtype))


def _set(index, value):
    def fn(t):
        y = _x(t)
        y[index(t)] = value(t)
        return y
    return fn


BYTE_CASES = [
    lambda t: _x(t)[_m(t)], lambda t: _x(t)[_m(t)[0]], lambda t: _x(t)[0, _m(t)[0]], lambda t: _x(t)[:, _m(t)[0]],
    lambda t: _x(t)[None, _m(t)], lambda t: _x(t)[_m(t)[:, 0], _m(t)[0]],
    lambda t: _x(t)[t.tensor(1, dtype=t.uint8)], lambda t: _x(t)[t.tensor(0, dtype=t.uint8)],
    lambda t: _x(t)[t.tensor([1, 0], dtype=t.int8)], lambda t: _x(t)[t.tensor([1, 0], dtype=t.int16)],
    lambda t: _x(t)[t.tensor(1, dtype=t.int16)], lambda t: _x(t)[t.tensor(True)],
    _set(lambda t: _m(t), lambda t: t.tensor(1.0)), _set(lambda t: _m(t), lambda t: 5.0),
    _set(lambda t: _m(t), lambda t: t.tensor([1.0, 2.0, 3.0])), _set(lambda t: _m(t)[0], lambda t: 5.0),
    _set(lambda t: (None, _m(t)), lambda t: 7.0), _set(lambda t: (slice(None), _m(t)[0]), lambda t: 7.0),
    _set(lambda t: (slice(None), _m(t)[0]), lambda t: t.tensor([[7.0], [8.0]])),
    _set(lambda t: (_m(t)[:, 0], _m(t)[0]), lambda t: 7.0), _set(lambda t: t.tensor(1, dtype=t.uint8), lambda t: 9.0),
    _set(lambda t: t.tensor([1, 0], dtype=t.int16), lambda t: 7.0),
    lambda t: _x(t).masked_fill_(_m(t), 1.0), lambda t: _x(t).masked_fill(_m(t), t.tensor(2.0)),
    lambda t: _x(t).masked_fill(_m(t, "int64"), 1.0), lambda t: _x(t).masked_fill(_m(t, "float64"), 1.0),
    lambda t: _x(t).masked_fill(_m(t, "int8"), 1.0), lambda t: _x(t).masked_select(_m(t)),
    lambda t: t.masked_select(_x(t), _m(t, "float32")), lambda t: _x(t).masked_scatter(_m(t), t.ones(6)),
    lambda t: _x(t).masked_scatter_(_m(t, "float32"), t.ones(6)),
    lambda t: _x(t).index_put_((_m(t),), t.tensor(3.0)), lambda t: _x(t).index_put((_m(t),), t.tensor([1.0, 2.0, 3.0])),
    lambda t: _x(t).index_put((_m(t),), t.tensor(1.0), accumulate=True),
    lambda t: _x(t).index_put((t.tensor([1, 0], dtype=t.int8),), t.tensor(1.0)),
    lambda t: t.where(_m(t), _x(t), 0.0), lambda t: t.where(_m(t, "int8"), _x(t), 0.0),
    lambda t: t.where(_m(t, "float32"), _x(t), 0.0),
]


@pytest.mark.parametrize("fn", BYTE_CASES)
def test_byte_masks(fn):
    _same(fn)


def test_byte_mask_gradient():
    def fn(t):
        x = _x(t).requires_grad_()
        x[_m(t)].sum().backward()
        return x.grad
    # torch warns once more inside backward (from its autograd/graph.py): only the forward's is compared
    rt, rg = _run(torch, fn), _run(glasstorch, fn)
    assert rg[1] == rt[1][:1]
    assert_same_array(rt[0], rg[0])


UNARY = ["neg", "negative", "abs", "absolute", "floor", "ceil", "round", "trunc", "fix", "frac", "sign", "sgn",
         "bitwise_not", "exp", "sin", "sqrt", "sigmoid", "log1p", "square", "signbit", "isposinf", "isneginf",
         "nan_to_num", "all", "any", "logical_not", "reciprocal", "tanh"]
PAIRS = [("float32", "float64"), ("float64", "float32"), ("float32", "int64"), ("int64", "float32"),
         ("int64", "int32"), ("bool", "float32"), ("float32", "bool"), ("int32", "int64"), ("float32", "float32"),
         ("float32", "uint8")]
# (same-dtype bool / integer pairs meet the ops' own dtype errors, which are not what this checks)


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("src,dst", PAIRS)
def test_unary_out_dtype(name, src, dst):
    def fn(t):
        out = t.empty(4, dtype=getattr(t, dst))
        getattr(t, name)(t.tensor([1.5, 0.0, 2.0, 3.25]).to(getattr(t, src)), out=out)
        return out if dst != "float32" or src == dst else out.dtype.itemsize   # empty()'s junk is not compared
    rt, wt = _run(torch, fn)
    rg, wg = _run(glasstorch, fn)
    if isinstance(rt, tuple) or isinstance(rg, tuple):
        assert rg == rt
    elif np.ndim(rt):
        assert_same_array(rt, rg)


OUT_FNS = [lambda t, o: t.add(t.ones(3), t.ones(3), out=o), lambda t, o: t.sub(t.ones(3), 2, out=o),
           lambda t, o: t.mul(t.ones(3), t.ones(3), out=o), lambda t, o: t.div(t.ones(3), t.ones(3), out=o),
           lambda t, o: t.div(t.ones(3), t.ones(3), rounding_mode="floor", out=o),
           lambda t, o: t.div(t.ones(3), 2, rounding_mode="trunc", out=o), lambda t, o: t.neg(t.ones(3), out=o),
           lambda t, o: t.pow(t.ones(3), 2, out=o), lambda t, o: t.pow(t.ones(3), t.ones(3), out=o),
           lambda t, o: t.pow(2, t.ones(3), out=o), lambda t, o: t.exp(t.ones(3), out=o),
           lambda t, o: t.floor_divide(t.ones(3), t.ones(3), out=o), lambda t, o: t.abs(t.ones(3), out=o)]


@pytest.mark.parametrize("fn", OUT_FNS)
def test_out_resize_warning_points_at_the_caller(fn):
    def run(t):
        o = t.zeros(2)
        fn(t, o)
        return o
    rt, wt = _run(torch, run)
    rg, wg = _run(glasstorch, run)
    assert wg == wt and wt and wt[0][2] == os.path.basename(__file__)
    assert_same_array(rt, rg)


@pytest.mark.parametrize("p", [0.0, 0.5, 1.0, 2.0, 3.0, float("inf")])
@pytest.mark.parametrize("shapes", [((3, 4), (5, 4)), ((2, 3, 4), (5, 4)), ((1, 3, 2), (2, 4, 2))])
def test_cdist_node_and_gradients(p, shapes):
    """CdistBackward0 (torch's _cdist_forward path: any p off the p=2 matmul path, small inputs)."""
    _compare_cdist(shapes, 0, p=p, compute_mode="donot_use_mm_for_euclid_dist")


def _node_chain(fn):
    """The names of the nodes along each node's first input edge."""
    names = []
    while fn is not None:
        names.append(fn.name())
        fn = fn.next_functions[0][0] if fn.next_functions else None
    return names


def _compare_cdist(shapes, seed, **kwargs):
    """cdist on both libraries: the node chain, values and both gradients (a weighted sum's)."""
    rng = np.random.default_rng(seed)
    a, b = (rng.standard_normal(s).astype(np.float32) for s in shapes)
    res = {}
    for m in (torch, glasstorch):
        x1, x2 = m.tensor(a, requires_grad=True), m.tensor(b, requires_grad=True)
        y = m.cdist(x1, x2, **kwargs)
        (y * m.arange(float(y.numel())).reshape(y.shape)).sum().backward()
        res[m] = (_node_chain(y.grad_fn), y.detach().numpy(), x1.grad.numpy(), x2.grad.numpy())
    assert res[glasstorch][0] == res[torch][0]
    for t, g in zip(res[torch][1:], res[glasstorch][1:]):
        assert_same_array(t, g, rtol=1e-5, atol=1e-5)


def test_cdist_compute_mode_error():
    for m in (torch, glasstorch):
        with pytest.raises(ValueError, match="foo is not a valid value for compute_mode"):
            m.cdist(m.ones(2, 2), m.ones(2, 2), compute_mode="foo")


@pytest.mark.parametrize("mode", ["use_mm_for_euclid_dist", "use_mm_for_euclid_dist_if_necessary"])
@pytest.mark.parametrize("shapes", [((3, 4), (5, 4)), ((2, 3, 4), (2, 5, 4)), ((2, 3, 4), (5, 4)), ((30, 3), (4, 3)),
                                    ((1, 3, 2), (26, 2)), ((0, 4), (5, 4))])
def test_cdist_matmul_path(mode, shapes):
    """p = 2 by matmul (ViewBackward0 over EuclideanDistBackward0) when asked or past 25 rows."""
    _compare_cdist(shapes, 1, compute_mode=mode)


# ---- a list holding a tensor, a slice, ... is read as a tuple of indices (with torch's warning) ------
SEQ_CASES = [
    lambda t: _x(t)[[_m(t)[:, 0]]], lambda t: _x(t)[[_m(t, "bool")[:, 0]]], lambda t: _x(t)[[t.tensor([1, 0])]],
    lambda t: _x(t)[[t.tensor([1, 0]), t.tensor([2, 2])]], lambda t: _x(t)[[t.tensor(1)]],
    lambda t: _x(t)[[t.tensor([1, 0]), 1]], lambda t: _x(t)[[0, t.tensor([2, 0])]],
    lambda t: _x(t)[[slice(None), t.tensor([2, 0])]], lambda t: _x(t)[[None, 1]], lambda t: _x(t)[[[1, 0]]],
    lambda t: _x(t)[[1, 0]], _set(lambda t: [t.tensor([1, 0]), 2], lambda t: 9.0),
    _set(lambda t: [_m(t, "bool")[:, 0]], lambda t: 9.0),
]


@pytest.mark.parametrize("fn", SEQ_CASES)
def test_list_with_tensor_is_a_tuple_index(fn):
    _same(fn)


# ---- unary ops torch refuses for bool / integer inputs: NotImplementedError with its kernel's name ---
@pytest.mark.parametrize("dtype", ["bool", "uint8", "int8", "int32", "int64"])
@pytest.mark.parametrize("op", [lambda t, x: t.floor(x), lambda t, x: t.ceil(x), lambda t, x: t.trunc(x),
                                lambda t, x: t.fix(x), lambda t, x: t.round(x), lambda t, x: x.round(decimals=1),
                                lambda t, x: t.abs(x), lambda t, x: t.absolute(x), lambda t, x: t.sgn(x),
                                lambda t, x: t.sign(x), lambda t, x: t.frac(x), lambda t, x: x.floor_(),
                                lambda t, x: x.round_(), lambda t, x: x.frac_(), lambda t, x: x.abs_(),
                                lambda t, x: x.sgn_(), lambda t, x: t.relu(x), lambda t, x: t.rad2deg(x),
                                lambda t, x: t.deg2rad(x), lambda t, x: t.sgn(x, out=t.empty(3, dtype=x.dtype)),
                                lambda t, x: t.floor(x, out=t.empty(3, dtype=x.dtype))])
def test_unary_integer_and_bool_inputs(op, dtype):
    _same(lambda t: op(t, t.tensor([1, 0, 3]).to(getattr(t, dtype))))


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int64"])
def test_nanmean_integer(dtype):
    _same(lambda t: t.nanmean(t.tensor([1, 0, 3]).to(getattr(t, dtype))))
    _same(lambda t: t.nanmean(t.tensor([1.0, float("nan")]), dtype=getattr(t, dtype)))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("op", [lambda t, x: t.sqrt(x), lambda t, x: t.log(x), lambda t, x: t.log2(x),
                                lambda t, x: t.log10(x), lambda t, x: t.asin(x), lambda t, x: t.acos(x),
                                lambda t, x: t.rsqrt(x), lambda t, x: x ** 0.5, lambda t, x: t.acosh(x)])
def test_nan_sign_bits(op, dtype):
    """torch's kernels give the NaN made from a non-NaN input a definite sign bit."""
    a = [-1.0, -3.5, -0.0, float("nan"), -float("nan"), -float("inf"), 2.0, 0.25]
    ints = {"float32": np.int32, "float64": np.int64}[dtype]
    _same(lambda t: op(t, t.tensor(a, dtype=getattr(t, dtype))).detach().numpy().view(ints))

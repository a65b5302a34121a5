"""Parity of autograd's edges: ``torch.autograd.functional`` (every option, torch's errors, a seeded fuzz),
``autograd.graph.GradientEdge`` in ``grad``/``backward``, and what nll_loss and the matrix products save for
backward (pack-hook order, ``grad_fn._saved_*``).  Expectations come from torch at test time."""
import random
import warnings

import numpy as np
import pytest
import torch

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck

from ._helpers import MODS, same_error, same_on_both, to_np


# ---- outcomes: torch's exception, or the same tensors (values within 1e-6, requires_grad, nesting) ---------
def _outcome(m, fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ("value", _shape_of(fn(m)))
        except Exception as e:      # noqa: BLE001 - torch's exception is the expectation
            return ("error", type(e).__name__, str(e).split("\nException raised from")[0])


def _shape_of(r):
    if isinstance(r, (tuple, list)):
        return (type(r).__name__, [_shape_of(x) for x in r])
    if isinstance(r, (torch.Tensor, glasstorch.Tensor)):
        return ("tensor", tuple(r.shape), str(r.dtype).split(".")[-1], r.requires_grad, to_np(r).copy())
    return ("other", repr(r))


def _assert_same(a, b, where="result"):
    if a[0] == "tensor":
        assert b[0] == "tensor", f"{where}: torch gives a tensor, glasstorch {b}"
        assert a[1:4] == b[1:4], f"{where}: (shape, dtype, requires_grad) torch {a[1:4]} vs glasstorch {b[1:4]}"
        np.testing.assert_allclose(b[4], a[4], rtol=1e-6, atol=1e-6, err_msg=where)
    elif a[0] in ("tuple", "list"):
        assert b[0] == a[0] and len(b[1]) == len(a[1]), f"{where}: torch {a[0]} of {len(a[1])}, glasstorch {b[:1]}"
        for i, (x, y) in enumerate(zip(a[1], b[1])):
            _assert_same(x, y, f"{where}[{i}]")
    else:
        assert a == b, f"{where}: torch {a} vs glasstorch {b}"


def same_result(fn):
    """``fn(module)``: torch's exception (type and message) or the same nested tensors."""
    a, b = _outcome(torch, fn), _outcome(glasstorch, fn)
    assert a[0] == b[0], f"torch {a}\nglasstorch {b}"
    if a[0] == "error":
        assert a == b, f"torch {a}\nglasstorch {b}"
    else:
        _assert_same(a[1], b[1])


def af(m):
    return m.autograd.functional


def t(m, shape, seed=0, rg=False):
    x = m.from_numpy(np.random.default_rng(seed).standard_normal(shape))
    return x.requires_grad_(True) if rg else x


# ---- torch.autograd.functional: named cases --------------------------------------------------------------
CASES = {
    "jacobian_int_output": lambda m: af(m).jacobian(lambda x: 3, t(m, 3)),
    "jacobian_list_output": lambda m: af(m).jacobian(lambda x: [x], t(m, 3)),
    "jacobian_tuple_bad_entry": lambda m: af(m).jacobian(lambda x: (x, 2.0), t(m, 3)),
    "jacobian_bad_input": lambda m: af(m).jacobian(lambda x: x, [t(m, 3)]),
    "jacobian_strict_const": lambda m: af(m).jacobian(lambda x: m.ones(2, dtype=x.dtype), t(m, 3), strict=True),
    "jacobian_strict_indep": lambda m: af(m).jacobian(lambda x, y: x * 2, (t(m, 2), t(m, 2, 1)), strict=True),
    "jacobian_strict_linear_graph": lambda m: af(m).jacobian(lambda x: x * 2, t(m, 2), strict=True,
                                                             create_graph=True),
    "jacobian_vectorize_strict": lambda m: af(m).jacobian(lambda x: x * x, t(m, 2), strict=True, vectorize=True),
    "jacobian_vectorize": lambda m: af(m).jacobian(lambda x, y: (x * y.sum(), y.exp()), (t(m, 2), t(m, (2, 2), 1)),
                                                   vectorize=True),
    "jacobian_forward": lambda m: af(m).jacobian(lambda x, y: (x.sin() * y, y), (t(m, 3), t(m, 3, 1)),
                                                 vectorize=True, strategy="forward-mode"),
    "jacobian_forward_single": lambda m: af(m).jacobian(lambda x: x.exp(), t(m, 3), vectorize=True,
                                                        strategy="forward-mode"),
    "jacobian_forward_not_vectorized": lambda m: af(m).jacobian(lambda x: x, t(m, 3), strategy="forward-mode"),
    "jacobian_forward_graph": lambda m: af(m).jacobian(lambda x: x, t(m, 3), strategy="forward-mode",
                                                       create_graph=True, vectorize=True),
    "jacobian_forward_strict": lambda m: af(m).jacobian(lambda x: x, t(m, 3), strategy="forward-mode", strict=True,
                                                        vectorize=True),
    "jacobian_forward_bad_output": lambda m: af(m).jacobian(lambda x: 1, t(m, 3), strategy="forward-mode",
                                                            vectorize=True),
    "jacobian_bad_strategy": lambda m: af(m).jacobian(lambda x: x, t(m, 3), strategy="sideways"),
    "jacobian_create_graph": lambda m: af(m).jacobian(lambda x: x ** 3, t(m, 3, rg=True), create_graph=True),
    "hessian_two_inputs": lambda m: af(m).hessian(lambda x, y: (x * y * y).sum(), (t(m, 2), t(m, 2, 1))),
    "hessian_vectorized": lambda m: af(m).hessian(lambda x: (x ** 3).sum(), t(m, (2, 2)), vectorize=True),
    "hessian_forward_over_reverse": lambda m: af(m).hessian(lambda x, y: (x * x * y).sum(), (t(m, 2), t(m, 2, 1)),
                                                            vectorize=True, outer_jacobian_strategy="forward-mode"),
    "hessian_forward_linear": lambda m: af(m).hessian(lambda x: (x * 3).sum(), t(m, 3), vectorize=True,
                                                      outer_jacobian_strategy="forward-mode"),
    "hessian_bad_strategy": lambda m: af(m).hessian(lambda x: x.sum(), t(m, 3), outer_jacobian_strategy="x"),
    "hessian_not_scalar": lambda m: af(m).hessian(lambda x: x * 2, t(m, 3)),
    "hessian_tuple_output": lambda m: af(m).hessian(lambda x: (x.sum(),), t(m, 3)),
    "hessian_strict_linear": lambda m: af(m).hessian(lambda x: (x * 3).sum(), t(m, 3), strict=True),
    "hessian_strict_quadratic": lambda m: af(m).hessian(lambda x: (x * x).sum(), t(m, 3), strict=True),
    "vjp_wrong_v": lambda m: af(m).vjp(lambda x: x * 2, t(m, 3), t(m, 4)),
    "vjp_v_tuple_length": lambda m: af(m).vjp(lambda x: (x, x * 2), t(m, 3), (t(m, 3),)),
    "vjp_v_for_single": lambda m: af(m).vjp(lambda x: x * 2, t(m, 3), (t(m, 3), t(m, 3))),
    "vjp_v_none": lambda m: af(m).vjp(lambda x: x * 2, t(m, 3)),
    "vjp_v_not_tensor": lambda m: af(m).vjp(lambda x: x * 2, t(m, 3), 1.0),
    "vjp_strict_indep": lambda m: af(m).vjp(lambda x, y: x * 2, (t(m, 2), t(m, 2, 1)), t(m, 2, 2), strict=True),
    "vjp_create_graph": lambda m: af(m).vjp(lambda x: x.exp(), t(m, 3, rg=True), t(m, 3, 1), create_graph=True),
    "jvp_wrong_v": lambda m: af(m).jvp(lambda x, y: x * y, (t(m, 3), t(m, 3, 1)), (t(m, 3), t(m, 2))),
    "jvp_strict_grad_inputs": lambda m: af(m).jvp(lambda x: x.detach() * 2, t(m, 3), t(m, 3, 1), strict=True),
    "jvp_two_outputs": lambda m: af(m).jvp(lambda x: (x.sin(), x * 2), t(m, 3), t(m, 3, 1)),
    "vhp_strict_linear": lambda m: af(m).vhp(lambda x: (x * 3).sum(), t(m, 3), t(m, 3, 1), strict=True),
    "vhp_not_scalar": lambda m: af(m).vhp(lambda x: x * 3, t(m, 3), t(m, 3, 1)),
    "hvp_v_none": lambda m: af(m).hvp(lambda x: (x * x).sum(), t(m, 3)),
    "hvp_strict_graph": lambda m: af(m).hvp(lambda x: (x * x).sum(), t(m, 3), t(m, 3, 1), strict=True,
                                            create_graph=True),
    "hvp_two_inputs": lambda m: af(m).hvp(lambda x, y: (x.exp() * y).sum(), (t(m, 2), t(m, 2, 1)),
                                          (t(m, 2, 2), t(m, 2, 3))),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_functional_case(name):
    same_result(CASES[name])


# ---- torch.autograd.functional: a seeded fuzz over functions, options and v -------------------------------
FUNCS = {
    "sq": lambda m: (lambda x: x * x), "sum_sq": lambda m: (lambda x: (x * x).sum()),
    "exp_sum": lambda m: (lambda x: x.exp().sum()), "two_in": lambda m: (lambda x, y: x * y.sum()),
    "two_out": lambda m: (lambda x: (x.sin(), x.cos() * 2)), "const": lambda m: (lambda x: m.ones(2, dtype=x.dtype)),
    "indep2": lambda m: (lambda x, y: x.sin()), "int": lambda m: (lambda x: 3),
    "list_out": lambda m: (lambda x: [x * 2]), "detached": lambda m: (lambda x: x.detach() * 2),
    "scalar_two_in": lambda m: (lambda x, y: (x * y).sum()), "linear_sum": lambda m: (lambda x: (x * 3).sum()),
}


def _fuzz_case(seed):
    r = random.Random(seed)
    api = r.choice(["jacobian", "hessian", "vjp", "jvp", "hvp", "vhp"])
    fname = r.choice(sorted(FUNCS))
    nin = 2 if fname in ("two_in", "indep2", "scalar_two_in") else 1
    shape = r.choice([(), (1,), (3,), (2, 2)])
    tup = nin == 2 or r.random() < 0.3
    kw = {k: True for k in ("create_graph", "strict") if r.random() < 0.4}
    if api in ("jacobian", "hessian"):
        if r.random() < 0.5:
            kw["vectorize"] = True
        if r.random() < 0.5:
            key = "strategy" if api == "jacobian" else "outer_jacobian_strategy"
            kw[key] = r.choice(["forward-mode", "reverse-mode", "bogus"])
    vmode = None if api in ("jacobian", "hessian") else r.choice(["none", "right", "wrong", "tuple"])
    in_rg = r.random() < 0.3

    def case(m):
        rng = np.random.default_rng(seed)
        ins = [m.from_numpy(rng.standard_normal(shape)) for _ in range(nin)]
        ins = [x.requires_grad_(in_rg) for x in ins]
        f = FUNCS[fname](m)
        args = [f, tuple(ins) if tup else ins[0]]
        if vmode not in (None, "none"):
            if api == "vjp":
                try:
                    o = f(*[x.detach() for x in ins])
                except Exception:      # noqa: BLE001 - the call below raises torch's error then
                    o = ins[0]
                refs = o if isinstance(o, (tuple, list)) else (o,)
            else:
                refs = ins
            vs = [m.from_numpy(rng.standard_normal((5,) if vmode == "wrong" else tuple(getattr(x, "shape", ()))))
                  for x in refs]
            args.append(tuple(vs) if vmode == "tuple" or len(vs) > 1 else vs[0])
        return getattr(m.autograd.functional, api)(*args, **kw)
    return case


@pytest.mark.parametrize("chunk", range(10))
def test_functional_fuzz(chunk):
    for seed in range(chunk * 40, chunk * 40 + 40):
        try:
            same_result(_fuzz_case(seed))
        except AssertionError as e:
            raise AssertionError(f"seed {seed}: {e}") from None


def test_functional_create_graph_gradcheck():
    """The Jacobian and Hessian-vector product built with create_graph=True differentiate numerically right."""
    F = glasstorch.autograd.functional
    x = glasstorch.from_numpy(np.random.default_rng(0).uniform(-1, 1, 3)).requires_grad_(True)
    v = glasstorch.from_numpy(np.random.default_rng(1).uniform(-1, 1, 3))
    assert gradcheck(lambda x: F.jacobian(lambda y: y.sin() * y.sum(), x, create_graph=True), (x,))
    assert gradcheck(lambda x: F.hvp(lambda y: (y.exp() * y).sum(), x, v, create_graph=True)[1], (x,))
    assert gradcheck(lambda x: F.jvp(lambda y: y ** 3, x, v, create_graph=True)[1], (x,))


# ---- GradientEdge ----------------------------------------------------------------------------------------
def _edge_world(m):
    x = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    return x, y, (y ** 2).sum(), m.tensor([1.0, 2.0], requires_grad=True), m.autograd.graph.get_gradient_edge


EDGE_CASES = {
    "no_grad": lambda m, x, y, z, w, ge: ge(m.zeros(2)),
    "input_edge": lambda m, x, y, z, w, ge: m.autograd.grad(z, ge(y)),
    "leaf_edge": lambda m, x, y, z, w, ge: m.autograd.grad(z, ge(x)),
    "output_edge": lambda m, x, y, z, w, ge: m.autograd.grad(ge(y), x, m.ones(3)),
    "both_edges": lambda m, x, y, z, w, ge: m.autograd.grad(ge(z), ge(x)),
    "edge_and_tensor": lambda m, x, y, z, w, ge: m.autograd.grad(z, [ge(x), x]),
    "dict_of_edges": lambda m, x, y, z, w, ge: m.autograd.grad(z, {"a": ge(x)}),
    "unused": lambda m, x, y, z, w, ge: m.autograd.grad(z, (x, ge(w))),
    "unused_allowed": lambda m, x, y, z, w, ge: m.autograd.grad(z, ge(w), allow_unused=True),
    "materialize": lambda m, x, y, z, w, ge: m.autograd.grad(z, ge(w), materialize_grads=True),
    "implicit_not_scalar": lambda m, x, y, z, w, ge: m.autograd.grad(ge(y), x),
    "wrong_shape": lambda m, x, y, z, w, ge: m.autograd.grad(ge(y), x, m.ones(2)),
    "batched": lambda m, x, y, z, w, ge: m.autograd.grad(ge(y), x, m.ones(2, 3), is_grads_batched=True),
    "create_graph": lambda m, x, y, z, w, ge: m.autograd.grad(ge(z), x, create_graph=True),
    "backward": lambda m, x, y, z, w, ge: (m.autograd.backward(ge(z)), x.grad)[1],
    "backward_leaf_input": lambda m, x, y, z, w, ge: (m.autograd.backward(z, inputs=[ge(x)]), x.grad)[1],
    "backward_inner_input": lambda m, x, y, z, w, ge: (m.autograd.backward(z, inputs=[ge(y), w]), x.grad, w.grad),
    "output_nr": lambda m, x, y, z, w, ge: m.tensor(float(ge(m.stack([x, x]).unbind(0)[1]).output_nr)),
}


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_gradient_edge(name):
    same_result(lambda m: EDGE_CASES[name](m, *_edge_world(m)))


def test_gradient_edge_type():
    for m in MODS:
        x = m.tensor([1.0], requires_grad=True)
        e = m.autograd.graph.get_gradient_edge(x)
        y = x * 3
        assert type(e).__name__ == "GradientEdge" and type(e).__module__.endswith("autograd.graph")
        assert e.node is x.view_as(x).grad_fn.next_functions[0][0] and e.output_nr == 0 and e.ownership_token is None
        assert m.autograd.graph.get_gradient_edge(y).node is y.grad_fn
        assert repr(e).split(" object")[0] == "GradientEdge(node=<AccumulateGrad"


# ---- what nll_loss and the matrix products save ----------------------------------------------------------
def _saved_record(m, fn, arrays, rgs):
    """(grad_fn name, what the pack hook saw (input index or shape, in order), each _saved_* as an input
    index / shape+values / plain value, dir's saved names less torch's *_sym_* ones)."""
    ins = [m.from_numpy(a.copy()) for a in arrays]
    for x, rg in zip(ins, rgs):
        if rg:
            x.requires_grad_(True)
    seen = []

    def pack(v):
        seen.append((tuple(v.shape), str(v.dtype).split(".")[-1]))
        return v
    with m.autograd.graph.saved_tensors_hooks(pack, lambda v: v):
        out = fn(m, *ins)
    fn_ = out.grad_fn
    names = sorted(n for n in dir(fn_) if "saved" in n and "_sym_" not in n)
    vals = {}
    for n in names:
        if n.startswith("_saved_"):
            v = getattr(fn_, n)
            vals[n] = (tuple(v.shape), to_np(v).tolist()) if hasattr(v, "shape") else v
    return type(fn_).__name__, seen, names, vals


def same_saved(fn, arrays, rgs):
    a, b = (_saved_record(m, fn, arrays, rgs) for m in MODS)
    assert a == b, f"\ntorch      {a}\nglasstorch {b}"


def r(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


TARGETS = {(4, 3): np.array([1, 0, 2, 1]), (3,): np.array(2), (2, 3, 2, 2): np.array([[[0, 1], [2, 1]], [[1, 1], [0, 2]]]),
           (2, 3, 4): np.array([[0, 1, 2, 1], [2, 2, 0, 1]])}


@pytest.mark.parametrize("shape", sorted(TARGETS, key=len))
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ignore_index", [-100, 1])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_nll_loss_saved(shape, reduction, weighted, ignore_index, dtype):
    target = TARGETS[shape]
    w = np.array([0.5, 1.0, 2.0], dtype)

    def fn(m, x):
        tt = m.from_numpy(target.copy())
        return m.nn.functional.nll_loss(x, tt, weight=m.from_numpy(w.copy()) if weighted else None,
                                        reduction=reduction, ignore_index=ignore_index)
    same_saved(fn, [r(*shape).astype(dtype)], [True])
    # nll_loss2d (inputs of 3+ dims) adds its terms in an order of torch's kernel not reproduced here: within
    # rounding of the sum (a few ulp); the 1-d and 2-d kernels' order is torch's (exact)
    tol = 0 if len(shape) <= 2 else (1e-6 if dtype == np.float32 else 1e-14)
    same_on_both(lambda m, x: fn(m, x), [r(*shape).astype(dtype)], rtol=tol)
    same_saved(lambda m, x: m.nn.functional.cross_entropy(x, m.from_numpy(target.copy()), reduction=reduction,
                                                          ignore_index=ignore_index), [r(*shape).astype(dtype)], [True])


def test_nll_loss_saved_freed_and_gradcheck():
    same_error(lambda m: (lambda y: (y.backward(), y.grad_fn._saved_total_weight))(
        m.nn.functional.nll_loss(m.from_numpy(r(4, 3)).requires_grad_(True), m.tensor([1, 0, 2, 1]))))
    F = glasstorch.nn.functional
    tgt = glasstorch.tensor([1, 0, 2, 1])
    wt = glasstorch.tensor([0.5, 1.0, 2.0], dtype=glasstorch.float64)
    x = glasstorch.from_numpy(r(4, 3)).requires_grad_(True)
    assert gradcheck(lambda x: F.nll_loss(x, tgt), (x,))
    assert gradcheck(lambda x: F.nll_loss(x, tgt, weight=wt, ignore_index=2, reduction="sum"), (x,))


PRODUCTS = {
    "mm": (lambda m, a, b: m.mm(a, b), [(2, 3), (3, 4)]),
    "matmul": (lambda m, a, b: m.matmul(a, b), [(2, 3), (3, 4)]),
    "bmm": (lambda m, a, b: m.bmm(a, b), [(2, 2, 3), (2, 3, 4)]),
    "mv": (lambda m, a, b: m.mv(a, b), [(2, 3), (3,)]),
    "dot": (lambda m, a, b: m.dot(a, b), [(3,), (3,)]),
    "addmm": (lambda m, c, a, b: m.addmm(c, a, b), [(2, 4), (2, 3), (3, 4)]),
    "addmm_scaled": (lambda m, c, a, b: m.addmm(c, a, b, alpha=2.0, beta=3), [(2, 4), (2, 3), (3, 4)]),
    "baddbmm": (lambda m, c, a, b: m.baddbmm(c, a, b, alpha=0.5), [(2, 2, 4), (2, 2, 3), (2, 3, 4)]),
}


def _grad_patterns(n):
    return [tuple(bool(i >> k & 1) for k in range(n)) for i in range(1, 2 ** n)]


@pytest.mark.parametrize("name", sorted(PRODUCTS))
def test_product_saved(name):
    fn, shapes = PRODUCTS[name]
    arrays = [r(*s, seed=i) for i, s in enumerate(shapes)]
    for rgs in _grad_patterns(len(shapes)):
        same_saved(fn, arrays, rgs)
    # forward values: BLAS adds the products in its own order (mv's gemv especially): within 1e-14
    same_on_both(fn, arrays, rtol=1e-14, atol=1e-15)


def test_mm_gradcheck():
    a = glasstorch.from_numpy(r(2, 3)).requires_grad_(True)
    b = glasstorch.from_numpy(r(3, 4, seed=1)).requires_grad_(True)
    assert gradcheck(glasstorch.mm, (a, b))
    assert gradcheck(lambda a, b: glasstorch.bmm(a.unsqueeze(0), b.unsqueeze(0)), (a, b))
    assert gradcheck(lambda b: glasstorch.mm(a.detach(), b), (b,))


def test_addmv_addr_addbmm_saved_names():
    """grad_fn._saved_* of addmv, addr and addbmm: torch's names, values and shapes (alpha, beta, operands)."""
    def info(m):
        m.manual_seed(0)
        v = m.randn(4, requires_grad=True)
        nodes = (m.addmv(m.randn(3, requires_grad=True), m.randn(3, 4, requires_grad=True), v, alpha=2).grad_fn,
                 m.addr(m.randn(3, 4), m.randn(3, requires_grad=True), v, beta=0.5).grad_fn,
                 m.addbmm(m.randn(3, 5), m.randn(2, 3, 4, requires_grad=True), m.randn(2, 4, 5, requires_grad=True)).grad_fn)
        out = []
        for f in nodes:
            names = sorted(n for n in dir(f) if n.startswith("_saved") and "sym_" not in n)
            out.append([(n, tuple(getattr(f, n).shape) if hasattr(getattr(f, n), "shape") else getattr(f, n))
                        for n in names])
        return out
    assert info(torch) == info(glasstorch)

"""Parity tests for the differences found by sweep 14b's programs (tests/programs/sweep14b_*.py)."""
import numpy as np
import pytest

from ._helpers import same_error, same_on_both

IDX = np.array([[0, 1, 1, 0], [2, 0, 2, 2]], np.int64)      # uncoalesced: (0, 2) twice
VALS = np.array([3.0, 4.0, 5.0, 1.0], np.float32)
IDX3 = np.array([[0, 1, 1], [1, 0, 1], [2, 2, 0]], np.int64)
VALS3 = np.arange(6, dtype=np.float64).reshape(3, 2)


def _parts(mod, s):
    """What a sparse result shows: indices, values, size and the coalesced flag."""
    return (s._indices(), s._values(), mod.tensor(list(s.shape)), mod.tensor(s.is_coalesced()),
            mod.tensor(s.is_sparse))


def _sp(mod, i, v, size, coalesce=False):
    s = mod.sparse_coo_tensor(i, v, size)
    return s.coalesce() if coalesce else s


@pytest.mark.parametrize("coalesce", [False, True])
@pytest.mark.parametrize("how", ["t", "torch.t", "T", "mT", "transpose", "transpose_neg", "torch.transpose",
                                 "swapaxes", "t_", "transpose_", "same_dim", "add_own_t"])
def test_sparse_2d_transposes(how, coalesce):
    ops = {
        "t": lambda m, s: s.t(), "torch.t": lambda m, s: m.t(s), "T": lambda m, s: s.T,
        "mT": lambda m, s: s.mT, "transpose": lambda m, s: s.transpose(0, 1),
        "transpose_neg": lambda m, s: s.transpose(-1, -2), "torch.transpose": lambda m, s: m.transpose(s, 1, 0),
        "swapaxes": lambda m, s: s.swapaxes(0, 1), "t_": lambda m, s: s.t_(),
        "transpose_": lambda m, s: s.transpose_(1, 0), "same_dim": lambda m, s: s.transpose(1, 1),
        "add_own_t": lambda m, s: s + s.t().t(),
    }
    same_on_both(lambda m, i, v: _parts(m, ops[how](m, _sp(m, i, v, (2, 3), coalesce))), [IDX, VALS], grad=False)


def test_sparse_symmetrise_adjacency_to_dense():
    # the GAT / GCN idiom: adj = adj + adj.t(); adj.to_dense()
    same_on_both(lambda m, i, v: (lambda a: (a + a.t()).to_dense())(_sp(m, i, v, (3, 3))),
                 [np.array([[0, 1, 2], [1, 2, 0]], np.int64), np.array([1.0, 2.0, 3.0], np.float32)], grad=False)


def test_sparse_transpose_is_a_copy():
    def fn(m, i, v):
        s = _sp(m, i, v, (2, 3), True)
        r = s.t()
        r._values().mul_(10)
        return s._values(), r._values()
    same_on_both(fn, [IDX, VALS], grad=False)


@pytest.mark.parametrize("dims", [(1, 0, 2), (0, 2, 1), (2, 1, 0), (-3, -1, -2), (0, 1, 2)])
def test_sparse_permute_3_sparse_dims(dims):
    same_on_both(lambda m, i, v: _parts(m, _sp(m, i, v[:, 0], (2, 2, 3), True).permute(*dims)),
                 [IDX3, VALS3], grad=False)
    same_on_both(lambda m, i, v: _parts(m, m.permute(_sp(m, i, v[:, 0], (2, 2, 3)), dims)), [IDX3, VALS3], grad=False)


def test_sparse_hybrid_transposes():
    i2 = IDX3[:2]
    same_on_both(lambda m, i, v: _parts(m, _sp(m, i, v, (2, 2, 2), True).transpose(0, 1)), [i2, VALS3], grad=False)
    same_on_both(lambda m, i, v: _parts(m, _sp(m, i, v, (2, 2, 2), True).permute(1, 0, 2)), [i2, VALS3], grad=False)


@pytest.mark.parametrize("how", ["t_3d", "t__3d", "t_hybrid", "transpose_dense_dim", "transpose_out_of_range",
                                 "permute_len", "permute_dup", "permute_mix", "mT_1d"])
def test_sparse_transpose_errors(how):
    ops = {
        "t_3d": lambda m: _sp(m, m.tensor(IDX3), m.tensor(VALS3[:, 0]), (2, 2, 3)).t(),
        "t__3d": lambda m: _sp(m, m.tensor(IDX3), m.tensor(VALS3[:, 0]), (2, 2, 3)).t_(),
        "t_hybrid": lambda m: _sp(m, m.tensor(IDX3[:2]), m.tensor(VALS3), (2, 2, 2)).t(),
        "transpose_dense_dim": lambda m: _sp(m, m.tensor(IDX3[:2]), m.tensor(VALS3), (2, 2, 2)).transpose(0, 2),
        "transpose_out_of_range": lambda m: _sp(m, m.tensor(IDX), m.tensor(VALS), (2, 3)).transpose(0, 5),
        "permute_len": lambda m: _sp(m, m.tensor(IDX3[:2]), m.tensor(VALS3), (2, 2, 2)).permute(1, 0),
        "permute_dup": lambda m: _sp(m, m.tensor(IDX3[:2]), m.tensor(VALS3), (2, 2, 2)).permute(0, 0, 2),
        "permute_mix": lambda m: _sp(m, m.tensor(IDX3[:2]), m.tensor(VALS3), (2, 2, 2)).permute(2, 1, 0),
        "mT_1d": lambda m: _sp(m, m.tensor(IDX[:1]), m.tensor(VALS), (3,)).mT,
    }
    same_error(ops[how])


def _custom_fn_node_repr(mod, via_checkpoint):
    """repr of a custom Function's node, with the address and the library's own name taken out."""
    import re

    class Twice(mod.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    x = mod.ones(2, requires_grad=True)
    if via_checkpoint:
        from importlib import import_module
        ck = import_module(mod.__name__ + ".utils.checkpoint")
        y = ck.checkpoint(lambda a: a.sin(), x, use_reentrant=True)
    else:
        y = Twice.apply(x)
    text = re.sub(r"0x[0-9a-f]+", "ADDR", repr(y.grad_fn))
    return text.replace("glasstorch.", "torch."), type(y.grad_fn).__qualname__, y.grad_fn.name()


@pytest.mark.parametrize("via_checkpoint", [False, True])
def test_custom_function_node_repr_names_its_module(via_checkpoint):
    import glasstorch
    import torch
    assert _custom_fn_node_repr(torch, via_checkpoint) == _custom_fn_node_repr(glasstorch, via_checkpoint)


def test_builtin_node_repr_has_no_module():
    import re
    import glasstorch
    import torch
    reprs = [re.sub(r"0x[0-9a-f]+", "ADDR", repr((m.ones(2, requires_grad=True) * 2).grad_fn))
             for m in (torch, glasstorch)]
    assert reprs[0] == reprs[1]


# ---- torch.sparse.mm records SparseAddmmBackward0; torch.spmm ----------------------------------------------
DENSE = np.arange(6, dtype=np.float32).reshape(3, 2) / 4 - 0.5
UP = np.array([[1.0, 2.0], [-0.5, 3.0]], np.float32)


@pytest.mark.parametrize("op", ["sparse.mm", "mm"])
@pytest.mark.parametrize("coalesce", [False, True])
@pytest.mark.parametrize("sparse_grad", [False, True])
def test_sparse_mm_forward_and_gradients(coalesce, sparse_grad, op):
    def fn(m, i, v, d, up):
        s = m.sparse_coo_tensor(i, v, (2, 3))
        s = (s.coalesce() if coalesce else s).requires_grad_(sparse_grad)
        d = d.detach().requires_grad_()
        y = (m.sparse.mm if op == "sparse.mm" else m.mm)(s, d)
        names = [None if f is None else type(f).__name__ for f, _ in y.grad_fn.next_functions]
        y.backward(up)
        out = [y.detach(), d.grad, m.tensor(len(names)), m.tensor(names.count(None))]
        if sparse_grad and s.grad.is_sparse:       # torch.sparse.mm: sparse, at mat1's indices
            out += [s.grad._indices(), s.grad._values(), m.tensor(s.grad.is_coalesced())]
        elif sparse_grad:                           # torch.mm: dense
            out += [s.grad]
        return out
    same_on_both(fn, [IDX, VALS, DENSE, UP], grad=False)


def test_sparse_mm_grad_fn_and_no_grad():
    # (values that require grad are detached: glasstorch's sparse_coo_tensor records no graph)
    same_on_both(lambda m, i, v, d: m.sparse.mm(m.sparse_coo_tensor(i, v.detach(), (2, 3)), d), [IDX, VALS, DENSE])
    same_on_both(lambda m, i, v, d: m.sparse.mm(m.sparse_coo_tensor(i, v, (2, 3)), d), [IDX, VALS, DENSE], grad=False)


def test_sparse_mm_in_a_gcn_layer():
    # out = A_hat @ (X @ W), the GCN idiom; the weight's gradient must flow through the sparse product
    def fn(m, i, v, x, w):
        adj = m.sparse_coo_tensor(i, v.detach(), (2, 3))
        return m.sparse.mm(adj, x @ w).relu()
    w = np.linspace(-1, 1, 8, dtype=np.float32).reshape(4, 2)
    same_on_both(fn, [IDX, VALS, np.ones((3, 4), np.float32) / 3, w],
                 rtol=1e-6, atol=1e-6)


def test_sparse_mm_two_dense_matrices():
    # dense products' gradients add in BLAS order (docs/differences.md): within rounding
    same_on_both(lambda m, a, b: m.sparse.mm(a, b), [UP, DENSE.T.copy()], grad_rtol=1e-6)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("op", ["sparse.mm", "mm", "matmul", "spmm"])
def test_sparse_dense_products_bit_exact(op, seed):
    # torch adds each stored entry's row with an axpy (fused multiply-adds), entries sorted by row;
    # the dense operand's gradient likewise, sorted by column: reproduced exactly, duplicates included
    rng = np.random.default_rng(seed)
    idx = np.stack([rng.integers(0, 7, 40), rng.integers(0, 9, 40)])
    vals = rng.standard_normal(40).astype(np.float32)
    f = {"sparse.mm": lambda m: m.sparse.mm, "mm": lambda m: m.mm, "matmul": lambda m: m.matmul,
         "spmm": lambda m: m.spmm}[op]
    same_on_both(lambda m, i, v, d: f(m)(m.sparse_coo_tensor(i, v.detach(), (7, 9)), d),
                 [idx, vals, rng.standard_normal((9, 5)).astype(np.float32)], seed=seed)
    same_on_both(lambda m, i, v, d: f(m)(m.sparse_coo_tensor(i, v.detach(), (7, 9)).coalesce(), d),
                 [idx, vals.astype(np.float64), rng.standard_normal((9, 5))], seed=seed)


def test_spmm_is_mm():
    same_on_both(lambda m, i, v, d: m.spmm(m.sparse_coo_tensor(i, v.detach(), (2, 3)), d), [IDX, VALS, DENSE])
    same_on_both(lambda m, a, b: m.spmm(a, b), [UP, DENSE.T.copy()], grad_rtol=1e-6)


@pytest.mark.parametrize("fn_name, how", [("sparse.mm", "rows"), ("sparse.mm", "dtype"), ("sparse.mm", "3d"),
                                         ("sparse.mm", "1d"), ("mm", "rows"), ("mm", "dtype")])
def test_sparse_mm_errors(fn_name, how):
    dense = {"rows": lambda m: m.ones(2, 2), "dtype": lambda m: m.ones(3, 2, dtype=m.float64),
             "3d": lambda m: m.ones(3, 2, 1), "1d": lambda m: m.ones(3)}[how]

    def fn(m):
        f = m.sparse.mm if fn_name == "sparse.mm" else m.mm
        return f(m.sparse_coo_tensor(m.tensor(IDX), m.tensor(VALS), (2, 3)), dense(m))
    same_error(fn)


# ---- custom autograd.Function: set_materialize_grads(False), gradient shape checks, instances -------------
def _two_outputs(mod, materialize):
    class Split(mod.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(materialize)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            seen.append((g1 is None, g2 is None))
            return g1 * 2 if g2 is None else g1 * 2 + g2 * 3
    seen = []
    return Split, seen


@pytest.mark.parametrize("materialize", [True, False])
def test_custom_function_set_materialize_grads(materialize):
    def fn(m, x):
        Split, seen = _two_outputs(m, materialize)
        x = x.detach().requires_grad_()
        a, _ = Split.apply(x)
        (g,) = m.autograd.grad(a.sum(), x)
        return g, m.tensor(seen)
    same_on_both(fn, [np.arange(3, dtype=np.float32)], grad=False)


@pytest.mark.parametrize("in_shape, grad_shape", [((3,), (2, 3)), ((), (2, 3)), ((3, 1), (2, 3)), ((3, 2), (2, 3)),
                                                  ((2,), (4,)), ((1, 3), (3,))])
def test_custom_function_gradient_shape_is_checked(in_shape, grad_shape):
    def fn(m, x):
        class Sum(m.autograd.Function):
            @staticmethod
            def forward(ctx, k, a):
                return a.sum() * k

            @staticmethod
            def backward(ctx, g):
                return None, m.ones(grad_shape) * g
        x = x.detach().requires_grad_()
        Sum.apply(2.0, x).backward()
        return x.grad
    arr = np.arange(int(np.prod(in_shape)), dtype=np.float32).reshape(in_shape)
    from ._helpers import same_result_or_error
    same_result_or_error(fn, [arr], grad=False)


def test_custom_function_gradient_shape_error_counts_tensor_inputs():
    def fn(m):
        class W(m.autograd.Function):
            @staticmethod
            def forward(ctx, k, x, y):
                return (x * y).sum()

            @staticmethod
            def backward(ctx, g):
                return None, g.expand(2, 2), g.expand(4)
        W.apply(3, m.ones(2, 2, requires_grad=True), m.ones(2, requires_grad=True)).backward()
    same_error(fn)


def test_custom_function_instance_is_refused():
    import warnings

    def fn(m):
        class Twice(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            f = Twice()
        assert [type(x.message).__name__ for x in w] == ["DeprecationWarning"]
        assert "should not be instantiated" in str(w[0].message)
        f(m.ones(1))
    same_error(fn)


# ---- sparse dtype conversions and zero-preserving functions stay sparse --------------------------------------
SIDX = np.array([[0, 1, 0], [2, 0, 2]], np.int64)          # (0, 2) twice: uncoalesced
SVALS = np.array([0.3, -4.0, 5.25], np.float32)


@pytest.mark.parametrize("how", ["double", "float", "half", "long", "int", "bool", "to_f64", "to_f64_kw", "to_cpu",
                                 "to_cpu_f64", "to_copy", "to_sparse_other", "type_f64", "type_str",
                                 "type_sparse_str", "type_legacy_cls", "to_c64", "to_c128", "byte"])
@pytest.mark.parametrize("coalesce", [False, True])
def test_sparse_conversions(how, coalesce):
    ops = {"double": lambda m, s: s.double(), "float": lambda m, s: s.float(), "half": lambda m, s: s.half(),
           "long": lambda m, s: s.long(), "int": lambda m, s: s.int(), "bool": lambda m, s: s.bool(),
           "byte": lambda m, s: s.byte(),
           "to_f64": lambda m, s: s.to(m.float64), "to_f64_kw": lambda m, s: s.to(dtype=m.float64),
           "to_cpu": lambda m, s: s.to("cpu"), "to_cpu_f64": lambda m, s: s.to("cpu", m.float64),
           "to_copy": lambda m, s: s.to(m.float32, copy=True),
           "to_sparse_other": lambda m, s: s.to(s.double()),
           "type_f64": lambda m, s: s.type(m.float64), "type_str": lambda m, s: s.type("torch.DoubleTensor"),
           "type_sparse_str": lambda m, s: s.type("torch.sparse.LongTensor"),
           "type_legacy_cls": lambda m, s: s.type(m.DoubleTensor),
           "to_c64": lambda m, s: s.to(m.complex64), "to_c128": lambda m, s: s.to(m.complex128)}

    def fn(m, i, v):
        s = _sp(m, i, v, (2, 3), coalesce)
        r = ops[how](m, s)
        return _parts(m, r) + (m.tensor(r is s), m.tensor([ord(c) for c in repr(r)]))
    same_on_both(fn, [SIDX, SVALS], grad=False)


def test_sparse_legacy_type_names():
    import glasstorch
    import torch
    names = [[s.type() for s in (m.sparse_coo_tensor(m.tensor(SIDX), m.tensor(SVALS), (2, 3)),) for s in
              (s, s.double(), s.long(), s.bool())] for m in (torch, glasstorch)]
    assert names[0] == names[1]


def test_sparse_to_dense_tensor_takes_its_dtype():
    same_on_both(lambda m, i, v: _parts(m, m.sparse_coo_tensor(i, v, (2, 3)).to(m.ones(1, dtype=m.float64))),
                 [SIDX, SVALS], grad=False)


@pytest.mark.parametrize("dense", [False, True])
def test_sparse_type_as(dense):
    def fn(m, i, v):
        s = m.sparse_coo_tensor(i, v, (2, 3))
        return _parts(m, s.type_as(s.double()))
    if dense:
        same_error(lambda m: m.sparse_coo_tensor(m.tensor(SIDX), m.tensor(SVALS), (2, 3)).type_as(m.ones(1)))
    else:
        same_on_both(fn, [SIDX, SVALS], grad=False)


@pytest.mark.parametrize("name", ["abs", "sqrt", "sin", "tan", "tanh", "asin", "atan", "sinh", "asinh", "atanh",
                                  "ceil", "floor", "round", "trunc", "sign", "sgn", "expm1", "log1p", "relu",
                                  "deg2rad", "rad2deg", "erf", "erfinv", "isnan", "isinf", "isposinf", "isneginf",
                                  "nan_to_num", "signbit", "frac", "square", "pow2", "pow_half", "pow_neg"])
@pytest.mark.parametrize("coalesce", [False, True])
def test_sparse_zero_preserving_methods(name, coalesce):
    def fn(m, i, v):
        s = _sp(m, i, v / 6, (2, 3), coalesce)
        r = {"pow2": lambda: s.pow(2), "pow_half": lambda: s.pow(0.5), "pow_neg": lambda: s.pow(-1.0)}.get(
            name, lambda: getattr(s, name)())()
        return _parts(m, r)
    # tan goes through NumPy's, within an ulp of torch's SLEEF kernel (docs/differences.md)
    same_on_both(fn, [SIDX, SVALS], grad=False, rtol=1e-6 if name == "tan" else 0.0)


def test_sparse_pow_zero_refused():
    same_error(lambda m: m.sparse_coo_tensor(m.tensor(SIDX), m.tensor(SVALS), (2, 3)).pow(0))


# ---- autograd through sparse_coo_tensor(values), coalesce() and to_dense() ----------------------------------
W23 = np.arange(6, dtype=np.float32).reshape(2, 3) - 2


@pytest.mark.parametrize("path", ["to_dense", "coalesce_to_dense", "sparse.mm", "coalesce_sparse.mm", "mm",
                                  "matmul_sq"])
def test_sparse_values_get_gradients(path):
    def fn(m, i, v, w, d):
        a = m.sparse_coo_tensor(i, v, (2, 3))
        return {"to_dense": lambda: a.to_dense() * w, "coalesce_to_dense": lambda: a.coalesce().to_dense() * w,
                "sparse.mm": lambda: m.sparse.mm(a, d), "coalesce_sparse.mm": lambda: m.sparse.mm(a.coalesce(), d),
                "mm": lambda: m.mm(a, d), "matmul_sq": lambda: (a @ d) ** 2}[path]()
    # (the values' gradient through a product is read off g @ mat2.t(), which adds in BLAS order: within
    # rounding, docs/differences.md)
    same_on_both(fn, [IDX, VALS, W23, DENSE], grad_rtol=0.0 if "to_dense" in path else 1e-6)


def test_sparse_node_names_and_flags():
    def fn(m, i, v):
        v = v.detach().requires_grad_()
        a = m.sparse_coo_tensor(i, v, (2, 3))
        c = a.coalesce()
        dn = a.to_dense()
        names = [x.grad_fn.name() for x in (a, c, dn)] + [str(x.is_leaf) for x in (a, c, dn)]
        with m.no_grad():
            names += [str(m.sparse_coo_tensor(i, v, (2, 3)).requires_grad), str(a.coalesce().requires_grad)]
        return m.tensor([ord(ch) for ch in "|".join(names)]), m.tensor([ord(ch) for ch in repr(a)])
    same_on_both(fn, [IDX, VALS], grad=False)


@pytest.mark.parametrize("coalesce_first", [False, True])
def test_sparse_leaf_gradient_through_to_dense(coalesce_first):
    def fn(m, i, v, w):
        s = m.sparse_coo_tensor(i, v.detach(), (2, 3), requires_grad=True)
        x = s.coalesce() if coalesce_first else s
        (x.to_dense() * w).sum().backward()
        return _parts(m, s.grad)
    same_on_both(fn, [IDX, VALS, W23], grad=False)


def test_sparse_values_graph_is_freed():
    def fn(m):
        a = m.sparse_coo_tensor(m.tensor(IDX), m.tensor(VALS, requires_grad=True), (2, 3))
        y = a.to_dense().sum()
        y.backward()
        y.backward()
    same_error(fn)


@pytest.mark.parametrize("op", ["sparse.mm", "mm"])
def test_sparse_product_graph_is_freed(op):
    def fn(m):
        s = m.sparse_coo_tensor(m.tensor(IDX), m.tensor(VALS), (2, 3)).requires_grad_()
        y = (m.sparse.mm if op == "sparse.mm" else m.mm)(s, m.ones(3, 2)).sum()
        y.backward()
        y.backward()
    same_error(fn)


def test_sparse_product_sees_in_place_change():
    def fn(m):
        s = m.sparse_coo_tensor(m.tensor(IDX), m.tensor(VALS), (2, 3)).requires_grad_()
        d = m.ones(3, 2, requires_grad=True).clone()
        y = m.sparse.mm(s, d).sum()
        d.mul_(2)
        y.backward()
    same_error(fn)

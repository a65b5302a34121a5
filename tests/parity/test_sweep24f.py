"""Program sweep 24f (einsum, einops-style rearrangement, patches, attention heads).  Fixed:

* ``einsum`` with one operand and nothing summed ('ii->i', 'ij->ji', 'iij->ji') is a view of its operand
  (``_base`` set, memory shared, DiagonalBackward0 under PermuteBackward0), as torch's diagonal + permute.
* ``einsum`` follows torch's contraction step for step (glasstorch/ops/einsum_kernel.py): a subscript only
  one side has is summed with ``sum`` (int and bool widen to int64), a contraction is a ``bmm`` (one
  dtype: "expected scalar type Float but found Double"; bool: '"bmm" not implemented for 'Bool''), a pair
  with nothing summed is a promoting ``mul``, a size-1 dim broadcasts, an empty bmm gives zeros of the
  right operand's dtype; and the result's strides are torch's (einsum_layout.py).
* ``einsum(equation)`` with no operand: torch's ValueError.
* ``torch.backends.opt_einsum``: is_available, get_opt_einsum, enabled, strategy, set_flags, flags.
* ``F.scaled_dot_product_attention`` on the CPU flash path writes into ``empty_like(query)``: a query made
  by view + transpose gives an output laid out the same way; a q, k or v whose last dim is not unit
  strided takes the math path (contiguous output, the math kernel's graph); the mask's layout does not.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from ._helpers import MODS, same_error, same_on_both, make


def _both(fn):
    return fn(torch), fn(glasstorch)


# ---- one operand, nothing summed: a view ---------------------------------------------------------------
@pytest.mark.parametrize("eq,shape", [("ii->i", (3, 3)), ("ij->ji", (2, 3)), ("ij", (2, 3)), ("ij->ij", (2, 3)),
                                      ("iij->ji", (2, 2, 3)), ("iii->i", (2, 2, 2)), ("bii->bi", (2, 3, 3)),
                                      ("...ii->...i", (2, 3, 3)), ("ba", (2, 3))])
def test_einsum_single_operand_is_a_view(eq, shape):
    x = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    same_on_both(lambda m, a: m.einsum(eq, a), [x])
    for m in MODS:
        base = m.from_numpy(x.copy())
        r = m.einsum(eq, base)
        assert r._base is not None
    t, g = _both(lambda m: m.einsum(eq, m.from_numpy(x.copy())))
    assert t.stride() == g.stride() and t.is_contiguous() == g.is_contiguous()
    # writes go through to the operand
    for m in MODS:
        base = m.from_numpy(x.copy())
        m.einsum(eq, base).mul_(0)
        assert float(base.abs().sum()) < float(np.abs(x).sum()) or float(np.abs(x).sum()) == 0


def test_einsum_diagonal_view_graph():
    def chain(f):
        out = []
        while f is not None:
            out.append(type(f).__name__)
            f = f.next_functions[0][0] if f.next_functions else None
        return out
    t, g = _both(lambda m: m.einsum("ii->i", m.arange(9.).view(3, 3).requires_grad_()))
    # torch has one more PermuteBackward0 (its operand permute); the view and its backward are the same
    assert chain(g.grad_fn) == ["PermuteBackward0", "DiagonalBackward0", "AccumulateGrad"]
    assert chain(t.grad_fn)[0] == "PermuteBackward0" and chain(t.grad_fn)[-2:] == chain(g.grad_fn)[-2:]


# ---- dtypes: sum widens, bmm wants one dtype, mul promotes ---------------------------------------------
DTYPES = [np.int32, np.uint8, np.bool_, np.float16, np.float32, np.float64, np.complex64]


@pytest.mark.parametrize("eq", ["ij->", "ij->i", "ij,ij->", "ij,ij->i", "ij,kj->ik", "ij,ij->ij", "ij,k->ijk",
                                "ij,ik->", "ij,ij,ij->i", "i,j->ij", "ij,jk,kl->il"])
@pytest.mark.parametrize("da", DTYPES)
@pytest.mark.parametrize("db", [np.int32, np.float32])
def test_einsum_dtype_rules(eq, da, db):
    n = eq.count(",") + 1
    shapes = {"ij": (2, 3), "kj": (4, 3), "k": (4,), "ik": (2, 4), "i": (2,), "j": (3,), "jk": (3, 3), "kl": (3, 2)}
    subs = eq.split("->")[0].split(",")
    arrs = [(np.arange(np.prod(shapes[s])).reshape(shapes[s]) % 3).astype(da if i % 2 == 0 else db)
            for i, s in enumerate(subs)]
    assert len(arrs) == n

    def fn(m):
        return m.einsum(eq, *[m.from_numpy(a.copy()) for a in arrs])
    try:
        fn(torch)
    except Exception:       # noqa: BLE001 - torch's error is the expectation
        same_error(fn)
        return
    same_on_both(lambda m: fn(m), [], grad=False)


@pytest.mark.parametrize("eq,sa,sb", [("ij,ij->i", (2, 1), (2, 3)), ("ij,ij->", (1, 3), (2, 3)),
                                      ("ij,jk->ik", (2, 1), (1, 3)), ("bij,bjk->bik", (1, 2, 3), (4, 3, 2))])
@pytest.mark.parametrize("dt", [np.int32, np.bool_, np.float32])
def test_einsum_size_one_dims_broadcast(eq, sa, sb, dt):
    a = (np.arange(np.prod(sa)).reshape(sa) % 3).astype(dt)
    b = (np.arange(np.prod(sb)).reshape(sb) % 2).astype(dt)
    fn = lambda m: m.einsum(eq, m.from_numpy(a.copy()), m.from_numpy(b.copy()))  # noqa: E731
    try:
        fn(torch)
    except Exception:       # noqa: BLE001
        same_error(fn)
        return
    same_on_both(lambda m: fn(m), [], grad=False)


@pytest.mark.parametrize("eq,sa,sb", [("ij,jk->ik", (0, 2), (2, 3)), ("ij,jk->ki", (0, 2), (2, 3)),
                                      ("ij,jk->ik", (2, 0), (0, 3)), ("i,i->", (0,), (0,))])
@pytest.mark.parametrize("da,db", [(np.int32, np.float32), (np.float32, np.float64), (np.bool_, np.bool_)])
def test_einsum_empty_bmm_gives_zeros_of_right_dtype(eq, sa, sb, da, db):
    a, b = np.zeros(sa, da), np.zeros(sb, db)
    same_on_both(lambda m: m.einsum(eq, m.from_numpy(a.copy()), m.from_numpy(b.copy())), [], grad=False)


def test_einsum_no_operand_error():
    same_error(lambda m: m.einsum("i->"))
    same_error(lambda m: m.einsum("ij", []))
    same_error(lambda m: m.einsum(m.ones(2)))


# ---- strides of the result --------------------------------------------------------------------------------
@pytest.mark.parametrize("eq,shapes", [
    ("ij,jk->ki", [(2, 3), (3, 4)]), ("bij,bjk->kib", [(2, 2, 3), (2, 3, 4)]), ("ij,jk->kji", [(2, 3), (3, 2)]),
    ("...ij,jk->...ik", [(2, 1, 2, 3), (3, 2)]), ("bhid,bhjd->bhij", [(2, 3, 4, 5), (2, 3, 6, 5)]),
    ("bhij,bhjd->bihd", [(2, 3, 4, 4), (2, 3, 4, 5)]), ("bi,oij,bj->ob", [(2, 3), (4, 3, 5), (2, 5)]),
    ("i,j->ji", [(3,), (4,)]), ("ij,ij->ji", [(2, 3), (2, 3)]), ("ijk->ki", [(2, 3, 4)])])
@pytest.mark.parametrize("transposed", [False, True])
def test_einsum_result_strides(eq, shapes, transposed):
    rng = np.random.default_rng(0)
    arrs = [rng.integers(-3, 4, s).astype(np.float32) for s in shapes]

    def fn(m):
        ops = [m.from_numpy(a.copy()) for a in arrs]
        if transposed:
            ops = [o.mT.contiguous().mT if o.dim() >= 2 else o for o in ops]
        return m.einsum(eq, *ops)
    t, g = _both(fn)
    assert t.stride() == g.stride()
    same_on_both(lambda m: fn(m), [], grad=False)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_einsum_random_equations(data):
    """random equations over 'abcd' (size 1 dims, repeats, permuted operands, int and float): values, dtype,
    strides and errors as torch's"""
    sizes = {c: data.draw(st.sampled_from([1, 2, 3])) for c in "abcd"}
    nops = data.draw(st.integers(1, 3))
    subs = [data.draw(st.text("abcd", min_size=0, max_size=3)) for _ in range(nops)]
    letters = sorted(set("".join(subs)))
    out = data.draw(st.permutations(letters)) if letters else []
    out = out[:data.draw(st.integers(0, len(out)))]
    eq = ",".join(subs) + "->" + "".join(out)
    dts = [data.draw(st.sampled_from([np.float32, np.int32, np.int64, np.float64])) for _ in subs]
    flips = [data.draw(st.booleans()) for _ in subs]
    arrs = [np.arange(int(np.prod([sizes[c] for c in s])), dtype=np.int64).reshape([sizes[c] for c in s]).astype(d) % 4
            for s, d in zip(subs, dts)]

    def fn(m):
        ops = []
        for a, f in zip(arrs, flips):
            t = m.from_numpy(a.copy())
            ops.append(t.mT.contiguous().mT if f and t.dim() >= 2 else t)
        return m.einsum(eq, *ops)
    try:
        fn(torch)
    except Exception:       # noqa: BLE001
        same_error(fn)
        return
    t, g = _both(fn)
    assert t.stride() == g.stride(), (eq, t.stride(), g.stride())
    same_on_both(lambda m: fn(m), [], grad=False)


# ---- gradients through the new kernel paths -------------------------------------------------------------
@pytest.mark.parametrize("eq,shapes", [("bi,oij,bj->bo", [(2, 3), (4, 3, 2), (2, 2)]), ("ij,ij->i", [(2, 1), (2, 3)]),
                                       ("ii->i", [(3, 3)]), ("iij->ji", [(2, 2, 3)]), ("ij,k->k", [(2, 3), (4,)]),
                                       ("bhid,bhjd->bhij", [(1, 2, 3, 4), (1, 2, 5, 4)])])
def test_einsum_grads(eq, shapes):
    rng = np.random.default_rng(1)
    arrs = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    same_on_both(lambda m, *ops: m.einsum(eq, *ops), arrs, rtol=1e-6, atol=1e-6, grad_rtol=1e-5, grad_atol=1e-6)


@pytest.mark.parametrize("eq,shapes", [("bi,oij,bj->bo", [(2, 3), (4, 3, 2), (2, 2)]), ("ii->i", [(3, 3)]),
                                       ("iij->ji", [(2, 2, 3)]), ("ij,ij->i", [(2, 1), (2, 3)]),
                                       ("ij,k->k", [(2, 3), (4,)])])
def test_gradcheck_einsum(eq, shapes):
    from glasstorch.autograd.gradcheck import gradcheck
    rng = np.random.default_rng(2)
    ops = [glasstorch.tensor(rng.standard_normal(s), dtype=glasstorch.float64, requires_grad=True) for s in shapes]
    assert gradcheck(lambda *t: glasstorch.einsum(eq, *t), ops)


# ---- torch.backends.opt_einsum -------------------------------------------------------------------------
def test_backends_opt_einsum():
    for m in MODS:
        import importlib
        mod = importlib.import_module(m.__name__ + ".backends.opt_einsum") if m is torch else m.backends.opt_einsum
        assert mod is m.backends.opt_einsum
    vals = _both(lambda m: (m.backends.opt_einsum.is_available(), m.backends.opt_einsum.enabled,
                            m.backends.opt_einsum.strategy, m.backends.opt_einsum.get_opt_einsum() is None))
    assert vals[0] == vals[1]
    for m in MODS:
        oe = m.backends.opt_einsum
        old = (oe.enabled, oe.strategy)
        try:
            oe.strategy = "greedy"
            oe.enabled = False
            assert (oe.enabled, oe.strategy) == (False, "greedy")
            assert m.einsum("ij,jk,kl->il", m.ones(2, 2), m.ones(2, 2), m.ones(2, 2)).sum().item() == 16
        finally:
            oe.enabled, oe.strategy = old


def test_backends_opt_einsum_flags():
    outs = []
    for m in MODS:
        oe = m.backends.opt_einsum
        res = []
        try:
            with oe.flags(enabled=False):
                res.append(oe.enabled)
        except Exception as e:      # noqa: BLE001
            res.append(f"{type(e).__name__}: {e}")
        try:
            res.append(oe.set_flags(None, None))
        except Exception as e:      # noqa: BLE001
            res.append(f"{type(e).__name__}: {e}")
        try:
            oe.set_flags(True)
        except Exception as e:      # noqa: BLE001
            res.append(f"{type(e).__name__}: {e}")
        res.append(oe.enabled)
        outs.append(res)
    assert outs[0] == outs[1]


# ---- scaled_dot_product_attention's output layout --------------------------------------------------------
def _qkv(kind):
    rng = np.random.default_rng(3)
    if kind == "split_heads":       # (b, n, h, d) buffer seen as (b, h, n, d)
        return [rng.standard_normal((2, 5, 3, 4)).astype(np.float32) for _ in range(3)], lambda t: t.transpose(1, 2)
    if kind == "last_dim_strided":
        return [rng.standard_normal((2, 3, 4, 5)).astype(np.float32) for _ in range(3)], lambda t: t.transpose(-1, -2)
    if kind == "b1h1":
        return [rng.standard_normal((1, 5, 1, 4)).astype(np.float32) for _ in range(3)], lambda t: t.transpose(1, 2)
    return [rng.standard_normal((2, 3, 5, 4)).astype(np.float32) for _ in range(3)], lambda t: t


@pytest.mark.parametrize("kind", ["split_heads", "last_dim_strided", "b1h1", "plain"])
@pytest.mark.parametrize("kw", [{}, {"is_causal": True}, {"dropout_p": 0.0, "scale": 0.3}])
@pytest.mark.parametrize("grad", [False, True])
def test_sdpa_output_layout(kind, kw, grad):
    arrs, view = _qkv(kind)

    def fn(m, q, k, v):
        return m.nn.functional.scaled_dot_product_attention(view(q), view(k), view(v), **kw)
    outs = same_on_both(fn, arrs, grad=grad, rtol=1e-6, atol=1e-6, grad_rtol=1e-5, grad_atol=1e-6)
    assert outs[torch][0].stride() == outs[glasstorch][0].stride()


def test_sdpa_strided_mask_keeps_flash():
    arrs, view = _qkv("plain")
    mask = np.tril(np.ones((5, 5), bool))

    def fn(m, q, k, v):
        mk = m.from_numpy(mask.copy()).t().contiguous().t()       # last dim stride 5: still the flash kernel
        return m.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mk)
    same_on_both(fn, arrs, rtol=1e-6, atol=1e-6, grad_rtol=1e-5, grad_atol=1e-6)

"""Complex dtypes against torch: dtypes and promotion, printing, complex ops, and gradients in
torch's convention (a real loss's gradient w.r.t. z = a + ib is dL/da + i dL/db)."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import MODS, same_error

from tests.parity._cx_helpers import cx, real, cx_same


# ---- dtypes and promotion ---------------------------------------------------------------------
def test_dtype_objects():
    for name in ("complex64", "complex128", "cfloat", "cdouble"):
        t, g = getattr(torch, name), getattr(glasstorch, name)
        assert repr(t) == repr(g)
        assert (t.is_complex, t.is_floating_point, t.itemsize) == (g.is_complex, g.is_floating_point, g.itemsize)
        assert repr(t.to_real()) == repr(g.to_real()) and repr(t.to_complex()) == repr(g.to_complex())
    for name in ("float32", "float64"):
        assert repr(getattr(torch, name).to_complex()) == repr(getattr(glasstorch, name).to_complex())
    same_error(lambda t: t.int64.to_complex())
    assert repr(torch.finfo(torch.complex64)) == repr(glasstorch.finfo(glasstorch.complex64))


PAIRS = ["complex64", "complex128", "float64", "float32", "float16", "int64", "int32", "uint8", "bool"]


@pytest.mark.parametrize("a", PAIRS[:2])
@pytest.mark.parametrize("b", PAIRS)
def test_promote_types(a, b):
    assert str(torch.promote_types(getattr(torch, a), getattr(torch, b))) == \
        str(glasstorch.promote_types(getattr(glasstorch, a), getattr(glasstorch, b)))


@pytest.mark.parametrize("dim_dt", ["float32", "float64", "int32", "bool", "complex64", "complex128"])
@pytest.mark.parametrize("other", ["c64_0d", "c128_0d", "pyc", "f64_0d", "pyf", "c64", "c128"])
def test_result_type(dim_dt, other):
    def mk(t):
        x = t.ones(2, dtype=getattr(t, dim_dt))
        o = {"c64_0d": lambda: t.tensor(1j, dtype=t.complex64), "c128_0d": lambda: t.tensor(1j, dtype=t.complex128),
             "pyc": lambda: 2 - 1j, "f64_0d": lambda: t.tensor(1.5, dtype=t.float64), "pyf": lambda: 2.5,
             "c64": lambda: t.ones(2, dtype=t.complex64), "c128": lambda: t.ones(2, dtype=t.complex128)}[other]()
        return x, o
    x, o = mk(torch)
    gx, go = mk(glasstorch)
    assert str(torch.result_type(x, o)) == str(glasstorch.result_type(gx, go))
    assert str((x + o).dtype) == str((gx + go).dtype)
    np.testing.assert_allclose((gx * go).numpy(), (x * o).numpy())


def test_creation_and_conversion():
    cases = [lambda t: t.tensor([1 + 2j, 3]), lambda t: t.tensor(1j), lambda t: t.tensor([[1, 2.5], [1j, 0]]),
             lambda t: t.zeros(2, 3, dtype=t.cfloat), lambda t: t.ones(2, dtype=t.cdouble),
             lambda t: t.arange(3.).to(t.complex64), lambda t: t.tensor([1 + 1j], dtype=t.complex128),
             lambda t: t.from_numpy(np.array([1 + 2j, 3j])), lambda t: t.tensor(np.array([1j], np.complex64)),
             lambda t: t.full((2,), 1 + 1j), lambda t: t.randn(2, 2).to(t.cfloat).is_complex()]
    for f in cases:
        a, b = f(torch), f(glasstorch)
        if isinstance(a, bool):
            assert a == b
            continue
        assert str(a.dtype) == str(b.dtype) and repr(a) == repr(b)
        np.testing.assert_array_equal(b.numpy(), a.numpy())
    assert torch.is_complex(torch.ones(1, dtype=torch.cfloat)) == glasstorch.is_complex(glasstorch.ones(1, dtype=glasstorch.cfloat))
    assert glasstorch.tensor([1 + 2j]).tolist() == torch.tensor([1 + 2j]).tolist()
    assert glasstorch.tensor(1 + 2j).item() == torch.tensor(1 + 2j).item()
    glasstorch.set_default_dtype(glasstorch.float64)
    torch.set_default_dtype(torch.float64)
    try:
        assert str(glasstorch.tensor([1j]).dtype) == str(torch.tensor([1j]).dtype) == "torch.complex128"
        assert repr(glasstorch.tensor([1j])) == repr(torch.tensor([1j]))
    finally:
        glasstorch.set_default_dtype(glasstorch.float32)
        torch.set_default_dtype(torch.float32)


def test_requires_grad_on_complex():
    for t in MODS:
        z = t.zeros(2, dtype=t.cfloat, requires_grad=True)
        assert z.requires_grad
    assert repr(torch.tensor([1 + 2j], requires_grad=True)) == repr(glasstorch.tensor([1 + 2j], requires_grad=True))


# ---- printing -------------------------------------------------------------------------------
PRINT_CASES = [
    [1 + 2j, -3.5 - 0j, 0.25j], [1 + 2j], 1 + 2j, -0.0 - 0.0j, [1e-6 + 2j, 1e5j], [1 + 1j, 2 - 2j, -3 + 3j],
    [float("nan") + 1j, float("inf") - 1j, 1 - float("inf") * 1j], [0j, 0j], [[1.5 + 2j, -1e3 + 4j], [3.25 - 1j, 7 + 0.001j]],
    [1e10 + 1j, 1 + 1e-10j], [-1 - 1j], 123456.789 + 0.5j, [0.1 + 0.2j] * 30, [[[1j, 2], [3, -4j]]], [],
]


@pytest.mark.parametrize("case", range(len(PRINT_CASES)))
@pytest.mark.parametrize("dt", ["complex64", "complex128"])
def test_print(case, dt):
    a = torch.tensor(PRINT_CASES[case], dtype=getattr(torch, dt))
    b = glasstorch.tensor(PRINT_CASES[case], dtype=getattr(glasstorch, dt))
    assert repr(b) == repr(a)
    assert str(b) == str(a)


@given(st.lists(st.complex_numbers(max_magnitude=1e6, allow_nan=False, allow_infinity=False), min_size=1, max_size=12))
@settings(max_examples=60, deadline=None)
def test_print_random(values):
    assert repr(glasstorch.tensor(values)) == repr(torch.tensor(values))


def test_print_options_and_suffixes():
    z = np.arange(2000) * (1 + 0.5j)
    outs = []
    for t in MODS:
        s = [repr(t.tensor(z.astype(np.complex64))), repr(t.tensor([1 + 2j, 3 - 1j], requires_grad=True) * 2),
             repr(t.tensor([3 + 4j], requires_grad=True).abs()), repr(t.tensor([[1 + 2j]] * 3, dtype=t.complex128)),
             repr(t.zeros(0, 2, dtype=t.cfloat)), format(t.tensor(1 + 2j), ".2f")]
        t.set_printoptions(sci_mode=True)
        s.append(repr(t.tensor([1 + 2j, 0.5j])))
        t.set_printoptions(precision=2, sci_mode=None)
        s.append(repr(t.tensor([1.2345 + 2.3456j, -0.5j])))
        t.set_printoptions(profile="default")
        outs.append(s)
    assert outs[0] == outs[1]


# ---- ops -----------------------------------------------------------------------------------
def test_complex_and_polar():
    cx_same(lambda t, a, b: t.complex(a, b), [real(3, 4), real(4)])
    cx_same(lambda t, a, b: t.polar(a, b), [np.abs(real(3, 4)) + 0.1, real(3, 4)])
    cx_same(lambda t, a, b: t.polar(a, b), [np.abs(real(5, dtype=np.float32)), real(5, dtype=np.float32)])
    for f in (lambda t: t.complex(t.ones(3), t.ones(3, dtype=t.float64)),
              lambda t: t.complex(t.ones(3).long(), t.ones(3).long()),
              lambda t: t.polar(t.ones(3), t.ones(3, dtype=t.float64)),
              lambda t: t.polar(t.ones(3).long(), t.ones(3).long())):
        same_error(f)


def test_view_as_complex_and_real():
    cx_same(lambda t, x: t.view_as_complex(x), [real(3, 4, 2)])
    cx_same(lambda t, x: t.view_as_complex(x[:, ::2]), [real(3, 4, 2)])
    cx_same(lambda t, x: t.view_as_complex(x.transpose(0, 1)[:, 1:]), [real(3, 4, 2)])
    cx_same(lambda t, z: t.view_as_real(z), [cx(3, 4)])
    cx_same(lambda t, z: t.view_as_real(z[::2, 1]), [cx(4, 3)])
    cx_same(lambda t, z: t.view_as_real(z.sum()), [cx(4)])
    for t in MODS:
        x = t.zeros(3, 2)
        z = t.view_as_complex(x)
        z[1] = 5 - 2j                     # writes through: a view sharing memory
        assert x.tolist() == [[0, 0], [5, -2], [0, 0]]
        r = t.view_as_real(z)
        r[0, 1] = 7
        assert z[0].item() == 7j and x[0, 1].item() == 7
        assert z._version == x._version
    for f in (lambda t: t.view_as_complex(t.randn(3, 3)), lambda t: t.view_as_complex(t.randn(4, 2).t()),
              lambda t: t.view_as_complex(t.randn(2, 4)[:, ::2]), lambda t: t.view_as_complex(t.randn(8)[1:7].view(3, 2)),
              lambda t: t.view_as_complex(t.ones(3, 2).long()), lambda t: t.view_as_complex(t.tensor(1.)),
              lambda t: t.view_as_real(t.randn(3)), lambda t: t.view_as_real(t.randn(3, dtype=t.cfloat).conj())):
        same_error(f)


def test_real_imag():
    cx_same(lambda t, z: z.real * 2, [cx(3, 2)])
    cx_same(lambda t, z: z.imag * 3, [cx(3, 2)])
    cx_same(lambda t, z: t.real(z) + t.imag(z), [cx(4)])
    cx_same(lambda t, z: z.real, [cx(4)])
    for t in MODS:
        x = t.ones(3)
        assert x.real is x and t.real(x) is x and x.conj() is x and x.resolve_conj() is x
        z = t.zeros(2, dtype=t.cfloat)
        z.real[0] = 3
        z.imag[1] = -1
        assert z.tolist() == [3 + 0j, -1j]
    same_error(lambda t: t.ones(2).imag)


def test_abs_angle():
    cx_same(lambda t, z: z.abs(), [cx(3, 4)])
    cx_same(lambda t, z: t.abs(z), [cx(5, dtype=np.complex64)])
    cx_same(lambda t, z: z.angle(), [cx(3, 4)])
    cx_same(lambda t, x: t.angle(x), [np.array([-1.5, 2, 0, -0.0, np.nan])])
    cx_same(lambda t, x: t.angle(x), [np.array([-1, 2, 0])])
    cx_same(lambda t, z: z.abs(), [np.array([0j, 1 + 1j])])


def test_conj_family():
    cx_same(lambda t, z: z.conj(), [cx(3)])
    cx_same(lambda t, z: t.conj(z) * 2, [cx(3)])
    cx_same(lambda t, z: z.conj_physical(), [cx(3)])
    cx_same(lambda t, z: z.conj().resolve_conj(), [cx(3)])
    cx_same(lambda t, z: z.conj().conj(), [cx(3)])
    cx_same(lambda t, z: z.resolve_neg(), [cx(3)])
    for t in MODS:
        z = t.tensor([1 + 2j])
        assert (z.is_conj(), z.conj().is_conj(), z.conj().resolve_conj().is_conj(), z.is_neg(), t.is_conj(z.conj())) == \
            (False, True, False, False, True)
    assert repr(torch.tensor([1 + 2j]).conj()) == repr(glasstorch.tensor([1 + 2j]).conj())


BINARY = {
    "add": lambda t, a, b: a + b, "sub": lambda t, a, b: a - b, "mul": lambda t, a, b: a * b,
    "div": lambda t, a, b: a / b, "matmul": lambda t, a, b: a @ b.transpose(0, 1),
}


@pytest.mark.parametrize("op", sorted(BINARY))
@pytest.mark.parametrize("kinds", ["cc", "cr", "rc"])
def test_binary_grads(op, kinds):
    mk = {"c": lambda: cx(3, 4), "r": lambda: real(3, 4)}
    if op == "matmul" and kinds != "cc":
        same_error(lambda t: BINARY[op](t, t.from_numpy(mk[kinds[0]]()), t.from_numpy(mk[kinds[1]]())))
        return
    cx_same(BINARY[op], [mk[kinds[0]](), mk[kinds[1]]()])


UNARY = {
    "neg": lambda t, z: -z, "exp": lambda t, z: z.exp(), "log": lambda t, z: t.log(z), "sqrt": lambda t, z: z.sqrt(),
    "pow2": lambda t, z: z ** 2, "pow_half": lambda t, z: z.pow(0.5), "sum": lambda t, z: z.sum(),
    "mean": lambda t, z: z.mean(0), "scalar": lambda t, z: (z * (2 - 1j) + 1j) / 3,
    "reshape": lambda t, z: z.reshape(2, 6).transpose(0, 1).flatten(), "cat": lambda t, z: t.cat([z, z * 2], 1),
    "stack": lambda t, z: t.stack([z, z.conj()]), "index": lambda t, z: z[1:, [0, 2]] * z[0, 0],
    "view": lambda t, z: z.view(12)[::3], "abs_sq": lambda t, z: (z * z.conj()).real,
    "sin": lambda t, z: z.sin(), "tanh": lambda t, z: z.tanh(), "reciprocal": lambda t, z: 1 / z,
}


@pytest.mark.parametrize("op", sorted(UNARY))
def test_unary_grads(op):
    cx_same(UNARY[op], [cx(3, 4)])


def test_complex64_arithmetic():
    cx_same(lambda t, a, b: (a * b + a / b).exp(), [cx(4, dtype=np.complex64), cx(4, dtype=np.complex64)],
            rtol=1e-5, atol=1e-5)
    cx_same(lambda t, a, b: a * b, [cx(4, dtype=np.complex64), real(4, dtype=np.float32)])


def test_real_loss_chain():
    """A real loss through complex intermediates reaches real leaves."""
    def f(t, x, w):
        z = t.view_as_complex(x)
        y = (z * t.polar(t.ones_like(w), w)).abs() ** 2
        return y.sum()
    cx_same(f, [real(5, 2), real(5)])


def test_rope_llama():
    def rope(t, xq):
        dim, end = 8, 6
        freqs = 1.0 / (10000.0 ** (t.arange(0, dim, 2)[: dim // 2].float() / dim))
        freqs = t.outer(t.arange(end), freqs)
        freqs_cis = t.polar(t.ones_like(freqs), freqs)
        assert str(freqs_cis.dtype) == "torch.complex64"
        xq_ = t.view_as_complex(xq.float().reshape(*xq.shape[:-1], -1, 2))
        return t.view_as_real(xq_ * freqs_cis.view(1, end, 1, dim // 2)).flatten(3)
    cx_same(rope, [real(2, 6, 3, 8, dtype=np.float32)], rtol=1e-5, atol=1e-5)


def test_save_load_both_ways():
    import io
    for save_mod, load_mod in [(torch, glasstorch), (glasstorch, torch), (glasstorch, glasstorch)]:
        buf = io.BytesIO()
        save_mod.save({"z": save_mod.tensor([1 + 2j, -3j]), "w": save_mod.ones(2, dtype=save_mod.cdouble)}, buf)
        buf.seek(0)
        got = load_mod.load(buf)
        assert repr(got["z"]) == "tensor([1.+2.j, -0.-3.j])"
        assert str(got["w"].dtype) == "torch.complex128"


def test_misc_methods():
    for f in (lambda t: t.tensor([1j]).type(), lambda t: t.isreal(t.tensor([1 + 0j, 1j])),
              lambda t: t.vdot(t.tensor([1 + 2j, 3j]), t.tensor([1 + 2j, 3j])),
              lambda t: t.linalg.norm(t.tensor([1 + 2j, 3j])), lambda t: t.tensor([3 + 4j]).norm(),
              lambda t: t.tensor([1j]).to(t.complex128) + 1, lambda t: t.ones(2).to(t.cfloat).requires_grad):
        assert repr(f(torch)) == repr(f(glasstorch))
    cx_same(lambda t, z: z.norm(), [cx(3, 2)])
    cx_same(lambda t, x: x.to(t.complex128) * (1 + 1j), [real(3)])


def test_random_complex():
    outs = []
    for t in MODS:
        t.manual_seed(0)
        outs.append([repr(t.randn(3, dtype=t.cfloat)), repr(t.rand(2, dtype=t.cdouble)),
                     repr(t.empty(2, 2, dtype=t.complex64).t().normal_(1.0, 2.0))])
    assert outs[0] == outs[1]


def test_not_implemented_message():
    with pytest.raises(TypeError, match="complex32"):
        glasstorch.zeros(2, dtype="complex32")


def test_in_place_view_nodes_on_complex_keep_torch_names_and_gradients():
    """transpose_ / t_ / unsqueeze_ of a complex tensor: torch's in-place node names
    (TransposeBackward1, ...) and the complex gradient through them."""
    import torch
    import glasstorch
    out = {}
    for m in (torch, glasstorch):
        m.manual_seed(3)
        w = m.randn(2, 3, dtype=m.cfloat, requires_grad=True)
        q = w * (1 - 2j)
        q.transpose_(0, 1)
        names = [type(q.grad_fn).__name__]
        q.t_()
        names.append(type(q.grad_fn).__name__)
        q.unsqueeze_(0)
        names.append(type(q.grad_fn).__name__)
        (q * q.conj().sin()).abs().sum().backward()
        out[m] = names, w.grad.detach().numpy()
    assert out[torch][0] == out[glasstorch][0] == ["TransposeBackward1", "TBackward1", "UnsqueezeBackward1"]
    import numpy as np
    np.testing.assert_allclose(out[glasstorch][1], out[torch][1], rtol=1e-5, atol=1e-6)


# found by fuzzing: a complex zero base (torch's std::pow, cexp(e * clog(0)): inf+nanj for a negative real
# part, 0-0j for a positive one), and pow(z, -1) as torch's reciprocal kernel (1+0j, not NumPy's 1-0j)
ZERO_BASE = ["z.pow(-2)", "z.pow(2.5)", "z.pow(-300)", "z.pow(-1)", "z.pow(0)", "z ** -1.5", "z.pow(3)",
             "m.tensor([0j, 0j, 0j, 1j], dtype=m.complex128) ** m.tensor([-1+1j, -1-1j, 1j, -1j], dtype=m.complex128)",
             "m.tensor([0j, 2j]) ** m.tensor([-2., 0.])", "m.div(-300, m.tensor([3, 0, 200], dtype=m.complex64))"]


@pytest.mark.parametrize("expr", ZERO_BASE)
def test_complex_zero_base_powers(expr):
    def run(m):
        z = m.tensor([0j, 1 + 0j, 1e-30 + 0j, 2j, -0. + 0j, 3 - 1j, -0. - 0j], dtype=m.complex64)
        return repr(eval(expr)).replace("glasstorch", "torch")
    assert run(glasstorch) == run(torch)

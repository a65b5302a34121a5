"""Differences found by the sweep19b programs (Fourier Neural Operator with complex weights, GPT-2
reference script, NYU spiral notebooks, detection losses, batched Kalman filter, Raschka book).

* torch's optimizers update a complex parameter as two independent reals (``view_as_real``): Adam,
  AdamW, Adamax, NAdam, RAdam, RMSprop, Adagrad, Adadelta, ASGD, Rprop and LBFGS computed ``g * g``,
  ``sqrt`` and ``sign`` in complex arithmetic on glasstorch (Rprop's imaginary step size also starts
  at lr); Adafactor refuses complex parameters as torch does.
* ``add``/``sub``/``add_`` of complex tensors with a float ``alpha`` (SGD with nesterov momentum on a
  complex parameter) raised the integer-alpha error.
* ``abs`` of a complex tensor is torch's correctly rounded hypot (NumPy's ``np.abs`` is one ulp off
  for about a third of inputs), its gradient ``g * sgn(z)`` with torch's sgn (each part divided by
  |z|); ``sgn`` of a complex tensor had a zero gradient instead of ``(g - s^2 conj(g)) / (2|z|)``.
  torch's kernels process complex arrays in vector steps (8 complex64 / 4 complex128 on its AVX2 build)
  and the leftover elements with scalar code that rounds differently (sgn multiplies by 1/|z| there,
  which glasstorch follows); the scalar |z| of a leftover complex128 still differs by an ulp now and
  then, so the exact comparisons use sizes that fill whole steps and other sizes allow 1 ulp.
* complex ``a * b``: torch rounds (ac - bd) + (ad + bc)i product by product in its vector lanes and
  fuses the leftover elements (as NumPy's multiply does everywhere, which differed from torch in the
  last bit for about half of the elements): same-shape and one-element operands follow torch's lanes
  and leftovers, forward and backward (``grad * conj(other)``).
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import glasstorch
import torch
from glasstorch.autograd.gradcheck import gradcheck

from ._helpers import assert_same_array, same_error, same_on_both, same_outcome

OPTIMS = {
    "Adam": ("Adam", {}), "Adam_amsgrad_wd": ("Adam", dict(amsgrad=True, weight_decay=0.1)),
    "AdamW": ("AdamW", dict(weight_decay=0.1)), "AdamW_maximize": ("AdamW", dict(maximize=True)),
    "Adamax": ("Adamax", {}), "NAdam": ("NAdam", {}),
    "NAdam_decoupled": ("NAdam", dict(decoupled_weight_decay=True, weight_decay=0.1)),
    "RAdam": ("RAdam", {}), "RAdam_wd": ("RAdam", dict(weight_decay=0.1)),
    "RMSprop_centered_momentum": ("RMSprop", dict(momentum=0.9, centered=True)), "RMSprop": ("RMSprop", {}),
    "Adagrad": ("Adagrad", dict(lr_decay=0.01)), "Adadelta": ("Adadelta", dict(weight_decay=0.01)),
    "ASGD": ("ASGD", dict(t0=2)), "Rprop": ("Rprop", {}), "SGD_nesterov": ("SGD", dict(momentum=0.9, nesterov=True)),
    "SGD_dampening": ("SGD", dict(momentum=0.5, dampening=0.3, weight_decay=0.1)),
}


def _complex(rng, shape, dtype=np.complex64):
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)


def _run_optim(m, cls, kw, dtype, steps=6, seed=0):
    rng = np.random.default_rng(seed)
    w = m.nn.Parameter(m.from_numpy(_complex(rng, (3, 4), dtype)))
    opt = getattr(m.optim, cls)([w], lr=0.05, **kw)
    for _ in range(steps):
        w.grad = m.from_numpy(_complex(rng, (3, 4), dtype))
        opt.step()
    state = opt.state[w]
    return [w.detach()] + [v for k, v in sorted(state.items()) if isinstance(v, m.Tensor) and k != "step"]


@pytest.mark.parametrize("name", sorted(OPTIMS))
@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_optimizer_complex_param_as_two_reals(name, dtype):
    cls, kw = OPTIMS[name]
    # float64: torch fuses the update's multiply-adds, glasstorch rounds them apart (optim/_functional.py)
    tol = dict(rtol=1e-14, atol=1e-15) if dtype == np.complex128 else {}
    same_outcome(lambda m: _run_optim(m, cls, kw, dtype), **tol)


def test_rprop_complex_step_size_starts_at_lr_for_both_parts():
    same_outcome(lambda m: _run_optim(m, "Rprop", {}, np.complex64, steps=1)[2])


def test_lbfgs_complex_param():
    def run(m):
        rng = np.random.default_rng(3)
        w = m.nn.Parameter(m.from_numpy(_complex(rng, (3, 4))))
        gs = [m.from_numpy(_complex(rng, (3, 4))) for _ in range(8)]
        opt = m.optim.LBFGS([w], lr=0.5, max_iter=4, history_size=3)
        it = iter(gs * 10)

        def closure():
            opt.zero_grad()
            w.grad = next(it) * 0.1 + w.detach()
            return m.tensor(1.0)
        for _ in range(2):
            opt.step(closure)
        return w.detach(), opt.state[opt._params[0]]["d"], opt.state[opt._params[0]]["prev_flat_grad"]
    same_outcome(run)


def test_adafactor_refuses_complex():
    def run(m):
        w = m.nn.Parameter(m.tensor([1 + 2j, 3 - 1j]))
        w.grad = m.ones_like(w)
        m.optim.Adafactor([w]).step()
    same_error(run)


@settings(max_examples=30, deadline=None)
@given(alpha=st.one_of(st.floats(-4, 4, allow_nan=False, width=32), st.integers(-3, 3)),
       op=st.sampled_from(["add", "sub", "add_", "sub_", "method_add", "real_plus_complex"]),
       dtype=st.sampled_from([np.complex64, np.complex128]), seed=st.integers(0, 100))
def test_complex_add_with_alpha(alpha, op, dtype, seed):
    rng = np.random.default_rng(seed)
    a, b = _complex(rng, (5,), dtype), _complex(rng, (5,), dtype)
    fns = {"add": lambda m, x, y: m.add(x, y, alpha=alpha), "sub": lambda m, x, y: m.sub(x, y, alpha=alpha),
           "add_": lambda m, x, y: x.detach().clone().add_(y.detach(), alpha=alpha),
           "sub_": lambda m, x, y: x.detach().clone().sub_(y.detach(), alpha=alpha),
           "method_add": lambda m, x, y: x.add(y, alpha=alpha),
           "real_plus_complex": lambda m, x, y: m.add(x.real, y, alpha=alpha)}
    same_on_both(fns[op], [a, b])


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
@pytest.mark.parametrize("scale", [1.0, 1e-30, 1e30, 1e-300, 1e300])
def test_complex_abs_correctly_rounded(dtype, scale):
    rng = np.random.default_rng(0)
    z = (_complex(rng, (4096,), np.complex128) * scale).astype(dtype)
    z[:8] = [0, 3 + 4j, complex(np.inf, np.nan), complex(np.nan, 1), complex(-0.0, 0.0), -5j, 1e-3, complex(-2, -1e-9)]
    same_on_both(lambda m, t: t.abs(), [z], grad=False)
    same_on_both(lambda m, t: m.abs(t), [z[8:]])          # the gradient: g * sgn(z)


@settings(max_examples=40, deadline=None)
@given(re=st.lists(st.floats(-1e6, 1e6, allow_subnormal=False), min_size=16, max_size=16),
       im=st.lists(st.floats(-1e6, 1e6, allow_subnormal=False), min_size=16, max_size=16),
       dtype=st.sampled_from([np.complex64, np.complex128]))
def test_complex_abs_and_sgn_drawn(re, im, dtype):
    z = (np.array(re) + 1j * np.array(im)).astype(dtype)
    same_on_both(lambda m, t: (t.abs(), t.sgn()), [z], grad=False)
    same_on_both(lambda m, t: t.sgn(), [z])
    same_on_both(lambda m, t: t.abs(), [z])


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_complex_sgn_gradient(dtype):
    rng = np.random.default_rng(1)
    z = _complex(rng, (64,), dtype)
    z[:2] = [0, 1e-3]
    same_on_both(lambda m, t: m.sgn(t), [z])
    same_on_both(lambda m, t: (t.sgn() * (1 + 2j)).real, [z])


def test_complex_sgn_and_abs_other_sizes_within_an_ulp():
    """leftover elements (torch's scalar tail) may round differently: one ulp at most"""
    rng = np.random.default_rng(2)
    for n in (1, 3, 7, 13, 1003):
        z = _complex(rng, (n,))
        same_on_both(lambda m, t: (t.sgn(), t.abs()), [z], rtol=2e-7, atol=0)


def test_complex_sgn_abs_double_backward():
    def run(m):
        z = m.tensor([3 + 4j, 1 - 2j, 0.5 + 0.1j, 2j], requires_grad=True)
        w = m.tensor([1 + 1j, 2 - 1j, 1, -1j])
        g, = m.autograd.grad(z.sgn().abs().sum() + (z.sgn() * w).real.sum() + (z.abs() ** 3).sum(), z,
                             create_graph=True)
        h, = m.autograd.grad((g * w).real.sum(), z)
        return g.detach(), h
    same_outcome(run, rtol=1e-6, atol=1e-7)


def test_gradcheck_complex_sgn_and_abs():
    rng = np.random.default_rng(4)
    x = glasstorch.tensor(rng.standard_normal((6, 2)), requires_grad=True)
    assert gradcheck(lambda t: glasstorch.view_as_real(glasstorch.view_as_complex(t).sgn()), (x,))
    assert gradcheck(lambda t: glasstorch.view_as_complex(t).abs(), (x,))
    assert gradcheck(lambda t: glasstorch.view_as_complex(t).abs() ** 2 + glasstorch.view_as_complex(t).sgn().imag,
                     (x,))


def test_fno_spectral_weight_adam_step():
    """the FNO program's pattern: rfft, complex einsum with a complex Parameter, irfft(n=), Adam"""
    def run(m):
        m.manual_seed(0)
        w = m.nn.Parameter(0.1 * m.rand(3, 4, 5, dtype=m.cfloat))
        x = m.randn(2, 3, 16)
        opt = m.optim.Adam([w], lr=1e-2, weight_decay=1e-4)
        for _ in range(3):
            opt.zero_grad()
            out_ft = m.zeros(2, 4, 9, dtype=m.cfloat)
            out_ft[:, :, :5] = m.einsum("bix,iox->box", m.fft.rfft(x)[:, :, :5], w)
            (m.fft.irfft(out_ft, n=16) ** 2).mean().backward()
            opt.step()
        return w.detach(), opt.state[w]["exp_avg_sq"]
    # einsum's complex contraction sums in another order than torch's kernel: a few ulps
    same_outcome(run, rtol=1e-5, atol=1e-7)


def test_as_real_view_writes_through():
    from glasstorch.optim._functional import as_real
    z = np.array([[1 + 2j, 3 - 4j]], dtype=np.complex64)
    v = as_real(z)
    v *= 2
    assert_same_array(torch.view_as_real(torch.from_numpy(z)), glasstorch.view_as_real(glasstorch.from_numpy(z)))
    assert v.shape == (1, 2, 2) and z[0, 1] == 6 - 8j
    s = np.array(1 + 1j, dtype=np.complex128)
    assert as_real(s).shape == (2,)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 40), rows=st.integers(1, 3), dtype=st.sampled_from([np.complex64, np.complex128]),
       other=st.sampled_from(["same", "one", "python_float", "python_complex"]), seed=st.integers(0, 1000))
def test_complex_mul_rounding(n, rows, dtype, other, seed):
    rng = np.random.default_rng(seed)
    a = _complex(rng, (rows, n), dtype)
    if other in ("same", "one"):
        b = _complex(rng, (rows, n) if other == "same" else (1,), dtype)
        same_on_both(lambda m, x, y: x * y, [a, b], grad=other == "same")
        same_on_both(lambda m, x, y: m.mul(y, x), [a, b], grad=False)
    else:
        c = 0.37 if other == "python_float" else complex(0.37, -1.25)
        same_on_both(lambda m, x: (x * c, c * x, x.mul(c)), [a])


def test_complex_mul_program_pattern():
    """FNO-style: a spectrum times a complex transfer function, and its gradient"""
    def run(m):
        m.manual_seed(0)
        x = m.randn(4, 32)
        h = m.nn.Parameter(m.rand(17, dtype=m.cfloat))
        spec = m.fft.rfft(x)
        y = m.fft.irfft(spec * h, n=32)
        (y ** 2).sum().backward()
        return spec * h, h.grad
    same_outcome(run, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_polar_uses_torchs_sin_cos(dtype):
    """LLaMA's precompute_freqs_cis: polar(ones, angles).  NumPy's float32 sin/cos are not correctly
    rounded (sin(1) came out one ulp off); float32 angles past a few radians still differ from torch's
    vectorised kernel by an ulp now and then, hence the float32 tolerance on the drawn angles"""
    freqs = np.outer(np.arange(8), 1.0 / (10000 ** (np.arange(0, 8, 2) / 8))).astype(dtype)
    same_on_both(lambda m, t: m.polar(m.ones_like(t), t), [freqs], grad=False)
    rng = np.random.default_rng(0)
    a, t = rng.uniform(0.1, 3, 2000).astype(dtype), rng.uniform(-20, 20, 2000).astype(dtype)
    tol = dict(rtol=2.5e-7, atol=2.5e-7) if dtype == np.float32 else {}
    same_on_both(lambda m, x, y: m.polar(x, y), [a, t], grad=False, **tol)

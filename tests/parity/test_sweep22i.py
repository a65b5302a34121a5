"""Differences found by the sweep22i generative-model programs (denoising score matching with annealed
Langevin dynamics, DDPM / DDIM with a cosine schedule, classifier-free guidance, rectified flow, consistency
training with EMA target networks; tests/programs/sweep22i_*.py).

* ``torch.Generator.clone_state()`` was missing: it returns a new generator at the same point of the
  stream (seed, MT19937 position and the cached normal samples of both widths), advancing independently
  of the original.  The CUDA-only ``get_offset`` / ``set_offset`` / ``graphsafe_get_state`` /
  ``graphsafe_set_state`` were missing too; on a CPU generator they now raise torch's errors (argument
  type and count checked first, with torch's messages).
* ``F.gelu`` / ``nn.GELU`` (exact erf form) on a contiguous float32 tensor of more than one element is now
  torch's value bit for bit: torch hands it to oneDNN, whose kernel approximates erf by Abramowitz &
  Stegun 7.1.26 with oneDNN's own float32 exp (nn/_ops/_gelu_dnnl.py); glasstorch used a correctly
  rounded erf, which differed from torch in the last bit for about 60% of elements (and, through
  ``math.erf`` element by element, was about 5x slower).  Not matched exactly, compared here at the
  tightest tolerance that holds: the backward (torch's float32 gelu_backward agrees with neither oneDNN's
  published backward formula nor ATen's vectorised one in every bit; glasstorch's is correctly rounded
  from float64: |diff| <= 1e-6), and the forward of non-contiguous float32 tensors (ATen's own vectorised
  kernel: Abramowitz & Stegun with SLEEF's exp, scalar std::erf for loop tails).
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

import glasstorch
import torch

from ._helpers import same_error, same_on_both, same_outcome

DRAWS = {
    "randn": lambda m, g, n: m.randn(n, generator=g),
    "rand": lambda m, g, n: m.rand(n, generator=g),
    "randn64": lambda m, g, n: m.randn(n, generator=g, dtype=m.float64),
    "normal_": lambda m, g, n: m.empty(n, dtype=m.float64).normal_(generator=g),
    "randint": lambda m, g, n: m.randint(0, 100, (n,), generator=g),
    "multinomial": lambda m, g, n: m.multinomial(m.tensor([0.2, 0.3, 0.5]), n, replacement=True, generator=g),
    "normal_scalar": lambda m, g, n: m.normal(0.0, 1.0, (n,), generator=g),
}


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2 ** 32 - 1),
       before=st.lists(st.tuples(st.sampled_from(sorted(DRAWS)), st.integers(1, 20)), max_size=3),
       after=st.lists(st.tuples(st.sampled_from(sorted(DRAWS)), st.integers(1, 20)), min_size=1, max_size=3))
def test_clone_state_continues_the_stream(seed, before, after):
    def fn(m):
        g = m.Generator().manual_seed(seed)
        for name, n in before:
            DRAWS[name](m, g, n)
        c = g.clone_state()
        from_clone = [DRAWS[name](m, c, n) for name, n in after]
        from_orig = [DRAWS[name](m, g, n) for name, n in after]
        return (*from_clone, *from_orig, m.tensor(c.initial_seed() == g.initial_seed()),
                m.tensor(c is g))
    same_outcome(fn)


def test_clone_state_is_independent_and_a_generator():
    def fn(m):
        g = m.Generator().manual_seed(5)
        c = g.clone_state()
        c.manual_seed(7)
        d = m.default_generator.clone_state()
        return (m.tensor([g.initial_seed(), c.initial_seed()]), m.tensor(isinstance(c, m.Generator)),
                m.tensor(str(d.device) == "cpu"), m.rand(3, generator=c), m.rand(3, generator=g))
    same_outcome(fn)
    assert type(glasstorch.Generator().clone_state()).__name__ == type(torch.Generator().clone_state()).__name__


@pytest.mark.parametrize("call", [
    lambda m, g: g.clone_state(1),
    lambda m, g: g.clone_state(x=1),
    lambda m, g: g.get_offset(),
    lambda m, g: g.get_offset(1),
    lambda m, g: g.set_offset(3),
    lambda m, g: g.set_offset(-1),
    lambda m, g: g.set_offset(),
    lambda m, g: g.set_offset(1, 2),
    lambda m, g: g.set_offset(offset=1),
    lambda m, g: g.set_offset(1.5),
    lambda m, g: g.set_offset("a"),
    lambda m, g: g.set_offset(None),
    lambda m, g: g.set_offset(2 ** 70),
    lambda m, g: g.graphsafe_get_state(),
    lambda m, g: g.graphsafe_get_state(1),
    lambda m, g: g.graphsafe_set_state(g),
    lambda m, g: g.graphsafe_set_state(),
    lambda m, g: g.graphsafe_set_state(g, 1),
    lambda m, g: g.graphsafe_set_state(3),
    lambda m, g: g.graphsafe_set_state(None),
    lambda m, g: g.graphsafe_set_state(m.tensor(1)),
])
def test_generator_cuda_only_calls_refused_as_torch(call):
    same_error(lambda m: call(m, m.Generator().manual_seed(1)))


_F32_VALUES = st.floats(width=32, allow_nan=True, allow_infinity=True) | st.floats(-12, 12, width=32)


@settings(max_examples=60, deadline=None)
@given(x=arrays(np.float32, st.integers(2, 300), elements=_F32_VALUES))
def test_gelu_float32_contiguous_is_bit_exact(x):
    same_on_both(lambda m, a: m.nn.functional.gelu(a), [x], grad=False)


def test_gelu_float32_bit_exact_over_a_wide_range_and_through_the_module():
    rng = np.random.default_rng(0)
    x = np.concatenate([(rng.standard_normal(20000) * 3).astype(np.float32),
                        np.array([0.0, -0.0, 1e-30, -1e-30, 5.5, -5.5, 9.0, -9.0, 40.0, -40.0, 90.0, -90.0,
                                  np.inf, -np.inf, np.nan, 3e38, -3e38], np.float32)])
    same_on_both(lambda m, a: m.nn.functional.gelu(a), [x], grad=False)
    same_on_both(lambda m, a: m.nn.GELU()(a.view(-1, 7)), [x[:7 * 2000]], grad=False)


def test_gelu_float32_backward_and_non_contiguous_close():
    # torch's float32 backward and its ATen kernel for non-contiguous inputs use float32 arithmetic that
    # glasstorch does not reproduce bit for bit (see the module docstring); 1e-6 holds for both
    rng = np.random.default_rng(1)
    x = (rng.standard_normal((64, 48)) * 3).astype(np.float32)
    same_on_both(lambda m, a: m.nn.functional.gelu(a), [x], grad_rtol=1e-6, grad_atol=1e-6)
    same_on_both(lambda m, a: m.nn.functional.gelu(a.t()), [x], grad=False, rtol=1e-6, atol=1e-6)
    same_on_both(lambda m, a: m.nn.functional.gelu(a[:, ::2]), [x], grad=False, rtol=1e-6, atol=1e-6)


def test_gelu_float64_and_tanh_forms_unchanged():
    rng = np.random.default_rng(2)
    x = rng.standard_normal(500) * 3
    # the tanh form (oneDNN's gelu_tanh for float32) is not reproduced bit for bit (a few ulp; 2e-7 absolute
    # far out in the negative tail, where torch returns -0.0)
    same_on_both(lambda m, a: m.nn.functional.gelu(a, approximate="tanh"), [x.astype(np.float32)],
                 grad=False, rtol=2e-7, atol=2e-7)
    same_on_both(lambda m, a: m.nn.functional.gelu(a), [x], grad=False, rtol=1e-15, atol=1e-15)

"""Left over by the fuzzing of stop 21: shifts of bool tensors (torch has no bool lshift/rshift
kernel), clamp's complex-number bounds (a float tensor keeps its dtype and converts a number bound to
double; an integer tensor promotes to complex and is refused), and the Hurwitz zeta's edges (Cephes's
order of checks, early exits; an infinite q crashed)."""
import itertools
import math

import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import same_outcome


@pytest.mark.parametrize("fn", [
    lambda m: m.bitwise_left_shift(m.tensor([True, False]), m.tensor([True, True])),
    lambda m: m.tensor([True, False]) << m.tensor([True, False]),
    lambda m: m.bitwise_right_shift(m.tensor([True, False]), m.tensor([True, False])),
    lambda m: m.bitwise_left_shift(m.tensor([True, False]), True),
    lambda m: m.tensor([True, False]).__ilshift__(m.tensor([True, False])),
    lambda m: m.tensor([True, False]) >> 1,                     # promoted to int64 by the number: shifts
    lambda m: m.tensor([True, False]) << m.tensor([1, 0]),
    lambda m: m.bitwise_and(m.tensor([True, False]), m.tensor([True, True])),
])
def test_bool_shifts(fn):
    same_outcome(fn)


@pytest.mark.parametrize("fn", [
    lambda m: m.clamp(m.ones(2), min=1j),
    lambda m: m.clamp(m.ones(2), max=1 + 0j),
    lambda m: m.clamp(m.ones(2), min=0, max=2j),
    lambda m: m.ones(2).clamp_(min=1j),
    lambda m: m.clip(m.ones(2), 1j),
    lambda m: m.ones(2).clamp(-1 - 0j, 0.5 + 0j),
    lambda m: m.clamp(m.ones(2, dtype=m.float16), max=0.5 + 0j),
    lambda m: m.clamp(m.ones(2, dtype=m.int64), min=1j),
    lambda m: m.clamp(m.ones(2, dtype=m.complex64), min=1),
    lambda m: m.clamp_min(m.ones(2), 1j),
])
def test_clamp_complex_bounds(fn):
    same_outcome(fn)


_Z = [math.nan, math.inf, -math.inf, -3.0, -2.5, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 10.0, 1e9, -7.3, 4.25, 1.0001, 60.0]


def test_zeta_edges_bit_for_bit():
    x, q = (np.array(v) for v in zip(*itertools.product(_Z, _Z)))
    out = [m.special.zeta(m.from_numpy(x), m.from_numpy(q)).numpy() for m in (torch, glasstorch)]
    bad = [i for i in range(len(x)) if out[0][i].tobytes() != out[1][i].tobytes() and
           not (np.isnan(out[0][i]) and np.isnan(out[1][i]))]
    assert not bad, [(x[i], q[i], out[0][i], out[1][i]) for i in bad]


def test_zeta_edges_float32():
    """float32: the same cases; torch's float kernel rounds otherwise than float64 then a cast, so
    values within 2 ulp (6 of 289 differ in the last bit), infinities and nans in the same places."""
    x, q = (np.array(v, np.float32) for v in zip(*itertools.product(_Z, _Z)))
    a, b = (m.special.zeta(m.from_numpy(x), m.from_numpy(q)).numpy() for m in (torch, glasstorch))
    np.testing.assert_allclose(b, a, rtol=2.5e-7, atol=0)

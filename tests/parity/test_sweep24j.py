"""Parity tests for sweep24j (distribution constraints and transforms).  Fixed:

- ``constraints.independent(...).check`` (and so ``constraints.real_vector.check``) raised nothing for
  a value with fewer dims than ``reinterpreted_batch_ndims``; torch raises ``ValueError: Expected
  value.dim() >= N but got M``.  It also reduces the reinterpreted dims by one reshape + ``all(-1)``.
- ``Independent.enumerate_support`` was missing: with ``reinterpreted_batch_ndims == 0`` it is the base
  distribution's support; otherwise torch's ``NotImplementedError("Enumeration over cartesian
  product is not implemented")``.
- ``glasstorch.distributions.__all__`` listed ``constraints``, ``transforms``, ``LogitRelaxedBernoulli``
  and ``ExpRelaxedCategorical``, which torch's does not: ``from torch.distributions import *`` then
  overwrote a program's own ``transforms`` (torchvision's) with the distributions submodule.
- ``constraints.independent(c, n).is_discrete`` was always False; torch forwards the base constraint's
  (``independent(integer_interval(0, 2), 1).is_discrete`` is True).  ``event_dim`` is now a property too.
- ``constraints.dependent`` (and ``dependent_property`` without arguments) answered ``is_discrete`` False
  and ``event_dim`` 0; torch raises ``NotImplementedError(".is_discrete cannot be determined
  statically")`` / ``(".event_dim ...")``, and ``dependent(event_dim=1)`` keeps the other unknown.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from ._helpers import same_error, same_outcome


def _c(m):
    return m.distributions.constraints


@pytest.mark.parametrize("shape,dims", [((), 1), ((), 2), ((3,), 2)])
def test_independent_check_rejects_too_few_dims(shape, dims):
    same_error(lambda m: _c(m).independent(_c(m).positive, dims).check(m.ones(shape)))


def test_real_vector_check_of_scalar_raises():
    same_error(lambda m: _c(m).real_vector.check(m.tensor(1.0)))


def test_independent_of_simplex_counts_base_event_dim_in_message():
    same_error(lambda m: _c(m).independent(_c(m).simplex, 1).check(m.ones(3)))


@settings(max_examples=25, deadline=None)
@given(hnp.arrays(np.float32, hnp.array_shapes(min_dims=1, max_dims=4, max_side=3),
                  elements=st.floats(-2, 2, width=32)),
       st.integers(1, 4))
def test_independent_check_values(arr, dims):
    dims = min(dims, arr.ndim)
    same_outcome(lambda m: _c(m).independent(_c(m).positive, dims).check(m.from_numpy(arr.copy())))


def test_nested_independent_check():
    arr = np.array([[[1.0, 2.0], [3.0, -1.0]], [[1.0, 1.0], [1.0, 1.0]]], np.float32)
    same_outcome(lambda m: _c(m).independent(_c(m).independent(_c(m).positive, 1), 1)
                 .check(m.from_numpy(arr.copy())))


def test_independent_enumerate_support_zero_ndims():
    probs = np.full((2, 3), 0.25, np.float32)
    for expand in (True, False):
        same_outcome(lambda m: m.distributions.Independent(
            m.distributions.Bernoulli(m.from_numpy(probs.copy())), 0).enumerate_support(expand=expand))


def test_independent_enumerate_support_cartesian_product_raises():
    probs = np.full((2, 3), 0.25, np.float32)
    same_error(lambda m: m.distributions.Independent(
        m.distributions.Bernoulli(m.from_numpy(probs.copy())), 1).enumerate_support())


def test_distributions_star_import_names():
    import torch
    import glasstorch
    for sub in ("", ".transforms", ".constraints"):
        t_all = __import__("torch.distributions" + sub, fromlist=["x"]).__all__
        g_all = __import__("glasstorch.distributions" + sub, fromlist=["x"]).__all__
        assert sorted(t_all) == sorted(g_all), sub


def test_star_import_keeps_a_programs_transforms():
    for name in ("torch", "glasstorch"):
        ns = {"transforms": "torchvision.transforms stand-in"}
        exec(f"from {name}.distributions import *", ns)
        assert ns["transforms"] == "torchvision.transforms stand-in", name


@pytest.mark.parametrize("base", ["integer_interval(0, 2)", "boolean", "positive", "simplex", "one_hot"])
@pytest.mark.parametrize("n", [0, 1, 2])
def test_independent_is_discrete_and_event_dim(base, n):
    def fn(m):
        c = _c(m).independent(eval("C." + base, {"C": _c(m)}), n)
        return m.tensor([float(c.is_discrete), float(c.event_dim)])
    same_outcome(fn)


@pytest.mark.parametrize("attr", ["is_discrete", "event_dim"])
def test_dependent_attributes_raise(attr):
    same_error(lambda m: getattr(_c(m).dependent, attr))
    same_error(lambda m: getattr(_c(m).dependent_property(lambda self: None), attr))


def test_dependent_call_keeps_unset_unknown():
    same_error(lambda m: _c(m).dependent(event_dim=1).is_discrete)
    same_error(lambda m: _c(m).dependent(is_discrete=True).event_dim)
    same_outcome(lambda m: m.tensor([float(_c(m).dependent(is_discrete=True)(event_dim=2).is_discrete),
                                     float(_c(m).dependent(is_discrete=True)(event_dim=2).event_dim)]))


def test_dependent_property_with_arguments():
    def fn(m):
        prop = _c(m).dependent_property(is_discrete=True, event_dim=1)(lambda self: None)
        return m.tensor([float(prop.is_discrete), float(prop.event_dim), float(_c(m).is_dependent(prop))])
    same_outcome(fn)

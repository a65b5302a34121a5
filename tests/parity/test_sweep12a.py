"""Parity tests for the gaps the sweep12a programs (tests/programs/sweep12a_*.py) found."""
import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import same_error, same_on_both

R = np.random.default_rng(12)


# ---- F.embedding_bag promotes indices and offsets to one type before asking for an integral one ----

@pytest.mark.parametrize("idt,odt", [("float32", "int64"), ("int64", "float32"), ("int64", "float64"),
                                     ("float64", "int32")])
def test_embedding_bag_non_integral_indices_or_offsets(idt, odt):
    same_error(lambda t: t.nn.functional.embedding_bag(t.tensor([1, 2], dtype=getattr(t, idt)), t.ones(6, 2),
                                                       t.tensor([0], dtype=getattr(t, odt))))


def test_embedding_bag_2d_float_input():
    same_error(lambda t: t.nn.functional.embedding_bag(t.tensor([[1.0, 2.0]]), t.ones(6, 2)))


@pytest.mark.parametrize("odt", ["int32", "int16"])
def test_embedding_bag_mixed_integer_offsets(odt):
    w = R.standard_normal((6, 3)).astype(np.float32)
    same_on_both(lambda t, w: t.nn.functional.embedding_bag(t.tensor([1, 2, 5, 0]), w,
                                                            t.tensor([0, 1], dtype=getattr(t, odt))), [w])


@pytest.mark.parametrize("last,ilo", [(5, False), (4, True), (3, False)])
def test_embedding_bag_last_offset_past_the_input(last, ilo):
    same_error(lambda t: t.nn.functional.embedding_bag(t.tensor([1, 2, 3]), t.ones(6, 2), t.tensor([0, 1, last]),
                                                       include_last_offset=ilo) if last > 3 else
               t.nn.functional.embedding_bag(t.tensor([1, 2, 3]), t.ones(6, 2), t.tensor([0, 4])))


# ---- bmm (and batched matmul, baddbmm) report mixed dtypes as torch's bmm kernel does ----

@pytest.mark.parametrize("a,b", [("float32", "float64"), ("float64", "float32"), ("float32", "int64"),
                                 ("int64", "float32"), ("bool", "float32"), ("float32", "bool")])
def test_bmm_mixed_dtypes(a, b):
    same_error(lambda t: t.bmm(t.ones(2, 3, 4, dtype=getattr(t, a)), t.ones(2, 4, 5, dtype=getattr(t, b))))


@pytest.mark.parametrize("a,b", [("float32", "float64"), ("float16", "float32")])
def test_batched_matmul_mixed_dtypes(a, b):
    same_error(lambda t: t.ones(2, 3, 4, dtype=getattr(t, a)) @ t.ones(2, 4, 5, dtype=getattr(t, b)))


def test_matmul_folding_into_mm_keeps_the_mm_message():
    same_error(lambda t: t.ones(2, 3, 4) @ t.ones(4, 5, dtype=t.float64))


@pytest.mark.parametrize("c,a,b", [("float64", "float32", "float32"), ("float32", "bool", "float32"),
                                   ("float32", "float32", "float64")])
def test_baddbmm_mixed_dtypes(c, a, b):
    same_error(lambda t: t.baddbmm(t.ones(2, 3, 5, dtype=getattr(t, c)), t.ones(2, 3, 4, dtype=getattr(t, a)),
                                   t.ones(2, 4, 5, dtype=getattr(t, b))))


def test_bmm_same_dtypes_still_work():
    x = R.standard_normal((2, 3, 4)).astype(np.float32)
    y = R.standard_normal((2, 4, 5)).astype(np.float32)
    c = R.standard_normal((2, 3, 5)).astype(np.float32)
    same_on_both(lambda t, x, y, c: t.baddbmm(c, x, y, beta=0.5) + t.bmm(x, y), [x, y, c], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("mode", ["sum", "mean"])
@pytest.mark.parametrize("offs", [[0, 2, 1], [0, 3, 1], [0, 0, 2]])
def test_embedding_bag_decreasing_offsets(mode, offs):
    """Decreasing offsets (a bag of negative size) stop torch's sum/mean kernel; equal ones are empty bags."""
    if offs == [0, 0, 2]:
        same_on_both(lambda m, w: m.nn.functional.embedding_bag(m.tensor([1, 2, 0, 1]), w, m.tensor(offs), mode=mode),
                     [np.arange(6, dtype=np.float32).reshape(3, 2)])
    else:
        # torch reads past its bag bounds here, and which of its checks fires first varies between runs
        # ("Expected i < index_size ..." or "Your input appears to be incorrect ..."): both refuse
        for m in (torch, glasstorch):
            with pytest.raises(RuntimeError):
                m.nn.functional.embedding_bag(m.tensor([1, 2, 0, 1]), m.ones(3, 2), m.tensor(offs), mode=mode)

"""Indexing expressions drawn at random (ints, slices with negative / past-the-end bounds and steps,
None, Ellipsis, int lists, index tensors, bool masks) read and written on torch and glasstorch: the
result's shape, values, gradient and grad_fn name, or the exception type and message.
(Two Ellipses in one index are left out: torch reads them in a way of its own.)"""
import numpy as np
from hypothesis import given, settings, strategies as st
import torch

import glasstorch


@st.composite
def index_case(draw):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    parts, ellipsis = [], False
    for i in range(draw(st.integers(1, len(shape) + 1))):
        d = shape[i] if i < len(shape) else 3
        kind = draw(st.sampled_from(["int", "slice", "slice", "none", "ellipsis", "list", "tensor", "mask"]))
        if kind == "ellipsis" and ellipsis:
            kind = "none"
        if kind == "int":
            parts.append(draw(st.integers(-d - 1, d)))
        elif kind == "slice":
            bound = st.one_of(st.none(), st.integers(-d - 2, d + 2))
            parts.append(slice(draw(bound), draw(bound), draw(st.sampled_from([None, 1, 2, 3]))))
        elif kind == "none":
            parts.append(None)
        elif kind == "ellipsis":
            ellipsis = True
            parts.append(Ellipsis)
        elif kind == "list":
            parts.append(("list", draw(st.lists(st.integers(-d, max(d - 1, 0)), max_size=3))))
        elif kind == "tensor":
            ishape = tuple(draw(st.lists(st.integers(1, 2), min_size=1, max_size=2)))
            parts.append(("tensor", np.array(draw(st.lists(st.integers(-d - 1, d), min_size=int(np.prod(ishape)),
                                                            max_size=int(np.prod(ishape))))).reshape(ishape)))
        else:
            parts.append(("mask", np.array(draw(st.lists(st.booleans(), min_size=d, max_size=d)))))
    return shape, parts, draw(st.booleans()), draw(st.integers(0, 2 ** 16))


def _index(m, parts):
    out = []
    for p in parts:
        if isinstance(p, tuple):
            out.append(p[1] if p[0] == "list" else m.tensor(p[1]))
        else:
            out.append(p)
    return out[0] if len(out) == 1 else tuple(out)


def _run(m, case):
    shape, parts, write, seed = case
    x = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    t = m.from_numpy(x.copy())
    try:
        if write:
            t[_index(m, parts)] = m.tensor(7.0)
            return t.numpy().tolist()
        t.requires_grad_()
        y = t[_index(m, parts)]
        y.sum().backward()
        return (tuple(y.shape), y.detach().numpy().tolist(), t.grad.numpy().tolist(),
                type(y.grad_fn).__name__ if y.grad_fn is not None else None)
    except Exception as e:            # noqa: BLE001 - torch's exception is the expectation
        return type(e).__name__, str(e)


@settings(max_examples=400, deadline=None)
@given(index_case())
def test_drawn_index_reads_and_writes_as_torch(case):
    assert _run(glasstorch, case) == _run(torch, case)

"""In-place ops whose backward reads the original ``self`` and the graph they leave, against torch.

torch saves ``original_self = self.clone()`` for such an op (clamp_min_, abs_, pow_, lerp_, ...) but
takes the node's edge from ``self`` itself: ``(x * 2).clamp_min_(0).grad_fn.next_functions`` is
MulBackward0, not a CloneBackward0.  Fixed in glasstorch: the in-place node linked to the copy.

F.cosine_embedding_loss follows Loss.cpp step by step: the order its nodes are made in is the order
torch's engine adds input1's three gradient terms (input1 * input2 first, then the squared norms),
so 31-43% of the gradient's elements differed; its nodes are AddBackward1 / SubBackward1 (the
.Scalar overloads) and SubBackward0 for C++'s ``1 - cos``.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch

MODS = (torch, glasstorch)
OPS = ["clamp_min_(0.5)", "clamp_max_(0.5)", "clamp_(0, 1)", "clamp_(min=0.2)", "clip_(0.1)", "abs_()",
       "pow_(2)", "pow_(1.5)", "floor_()", "lerp_(x, 0.5)", "addcmul_(x, x)", "addcdiv_(x, x + 2)",
       "nan_to_num_()", "clamp_min_(x)", "clamp_(x, x + 1)", "mul_(x)", "div_(x + 2)", "sigmoid_()",
       "exp_()", "tanh_()", "sqrt_()", "relu_()", "atan2_(x)", "fmod_(x + 2)", "remainder_(x + 2)"]


def _graph(y):
    """Node names breadth first from y.grad_fn, each with its edges' names."""
    out, todo, seen = [], [y.grad_fn], set()
    while todo:
        n = todo.pop(0)
        if n is None or n in seen:
            continue
        seen.add(n)
        nxt = [c for c, _ in n.next_functions]
        out.append((n.name(), [c.name() if c is not None else None for c in nxt]))
        todo += nxt
    return out


@pytest.mark.parametrize("op", OPS)
def test_inplace_node_edges_and_grads(op):
    got = {}
    for m in MODS:
        x = m.tensor([0.3, 1.2, 0.7, 2.5], dtype=m.float64, requires_grad=True)
        y = eval("(x * 2)." + op, {"x": x})
        gx, = m.autograd.grad((y * y).sum(), x, create_graph=True)
        ggx, = m.autograd.grad(gx.sum(), x, allow_unused=True) if gx.requires_grad else (None,)
        got[m] = (_graph(y), gx.requires_grad, y.detach().numpy().tolist(), gx.detach().numpy().tolist(),
                  None if ggx is None else ggx.numpy().tolist())
    assert got[torch] == got[glasstorch]


def _cel(m, a, b, y, margin, reduction):
    x1, x2 = m.tensor(a, requires_grad=True), m.tensor(b, requires_grad=True)
    loss = m.nn.functional.cosine_embedding_loss(x1, x2, m.tensor(y), margin=margin, reduction=reduction)
    (loss.sum() if reduction == "none" else loss).backward()
    return loss.detach().numpy().tobytes(), x1.grad.numpy().tobytes(), x2.grad.numpy().tobytes(), _graph(loss)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([(16, 40), (7, 3), (33,), (5, 100), (1, 1)]),
       st.sampled_from([np.float32, np.float64]), st.sampled_from(["mean", "sum", "none"]),
       st.sampled_from([0.0, 0.1, -0.2, 0.5]))
def test_cosine_embedding_loss_bits(seed, shape, dt, reduction, margin):
    rng = np.random.default_rng(seed)
    a, b = rng.standard_normal(shape).astype(dt), rng.standard_normal(shape).astype(dt)
    y = np.where(rng.random(shape[:-1]) < 0.5, 1, -1)
    assert _cel(torch, a, b, y, margin, reduction) == _cel(glasstorch, a, b, y, margin, reduction)


def test_sub_scalar_node():
    from glasstorch.ops.scalar_arith import sub_scalar
    x = glasstorch.tensor([1.0, 2.0], requires_grad=True)
    y = sub_scalar(x, 0.25)
    tx = torch.tensor([1.0, 2.0], requires_grad=True)
    ty = torch.ops.aten.sub.Scalar(tx, 0.25)
    assert y.grad_fn.name() == ty.grad_fn.name() == "SubBackward1"
    y.sum().backward()
    ty.sum().backward()
    assert y.detach().numpy().tolist() == ty.detach().numpy().tolist()
    assert x.grad.numpy().tolist() == tx.grad.numpy().tolist()

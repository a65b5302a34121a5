"""prelu's and kron's graphs node for node, and kron's view error, against torch.

torch's prelu views a weight whose dims differ from the input's as (1, C, 1, ...) before its kernel
(ViewBackward0 between the weight and PreluKernelBackward0); kron takes ``_unsafe_view`` of both
operands (UnsafeViewBackward0), and the final ``_unsafe_view`` of the product fails when mul laid the
product out after a transposed operand.  Fixed in glasstorch: the weight edge went straight to the
kernel node, kron's operand reshapes were ViewBackward0 / ReshapeAliasBackward0, and kron of a
transposed matrix returned a result where torch raises.
"""
import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import graph_names

MODS = (torch, glasstorch)

PRELU = [((2, 3, 4), (3,)), ((2, 3, 4), (1,)), ((5,), (1,)), ((), (1,)), ((2, 3), ()), ((4, 3, 2, 2), (3,))]


@pytest.mark.parametrize("xs,ws", PRELU)
@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_prelu_graph(xs, ws, dt):
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal(xs).astype(dt), rng.uniform(0.1, 0.4, ws).astype(dt)
    got = []
    for m in MODS:
        X, W = m.from_numpy(x.copy()).requires_grad_(), m.from_numpy(w.copy()).requires_grad_()
        y = m.nn.functional.prelu(X, W)
        (y * y).sum().backward()
        got.append((graph_names(y), y.detach().numpy(), X.grad.numpy(), W.grad.numpy()))
    assert got[1][0] == got[0][0]
    for a, b in zip(got[0][1:], got[1][1:]):
        np.testing.assert_array_equal(b, a)


KRON = [((), (2, 3), False), ((3,), (2, 2), False), ((2, 1, 3), (2, 2), False), ((0, 2), (3, 1), False),
        ((2, 3), (4,), True), ((2, 3), (4, 2), True), ((3, 3), (2, 2), False)]


@pytest.mark.parametrize("sa,sb,transposed", KRON)
def test_kron_graph_and_error(sa, sb, transposed):
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal(sa), rng.standard_normal(sb)
    got = []
    for m in MODS:
        A, B = m.from_numpy(a.copy()).requires_grad_(), m.from_numpy(b.copy()).requires_grad_()
        try:
            y = m.kron(A.t() if transposed else A, B)
        except RuntimeError as e:
            got.append(("error", str(e)))
            continue
        y.sum().backward()
        got.append((graph_names(y), y.detach().numpy().tolist(), A.grad.numpy().tolist()))
    assert got[1] == got[0]

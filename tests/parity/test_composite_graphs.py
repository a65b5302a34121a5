"""The graphs torch's C++ composites record, node for node, against torch (and their values).

torch's C++ builds numbers into its expressions through the .Scalar overloads (``x1 - x2 + eps``:
AddBackward1), writes ``margin - self`` as a filled tensor minus self (SubBackward0), clones and
clamps cosine_similarity's norms under no_grad, and runs sdpa's math path with k^T scaled once and
``_safe_softmax`` (SafeSoftmaxBackward0).  Fixed in glasstorch: Python's Tensor-number nodes
(AddBackward0 / RsubBackward1), an add-a-correction cosine_similarity with ExpandBackward0 nodes,
and sdpa's extra transposes and SoftmaxBackward0.
"""
import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import graph_names

MODS = (torch, glasstorch)


def _F(m):
    return m.nn.functional


CASES = {
    "hinge": lambda m, a, b: _F(m).hinge_embedding_loss(a, b.sign(), margin=0.7),
    "margin_ranking": lambda m, a, b: _F(m).margin_ranking_loss(a[:, 0], b[:, 0], b[:, 1].sign(), margin=0.2),
    "triplet": lambda m, a, b: _F(m).triplet_margin_loss(a, b, a.flip(0)),
    "triplet_swap": lambda m, a, b: _F(m).triplet_margin_loss(a, b, a.flip(0), swap=True, p=1.5),
    "pairwise": lambda m, a, b: _F(m).pairwise_distance(a, b),
    "cosine_similarity": lambda m, a, b: _F(m).cosine_similarity(a, b),
    "cosine_similarity_bcast": lambda m, a, b: _F(m).cosine_similarity(a, b[:1], dim=1),
    "sdpa": lambda m, a, b: _F(m).scaled_dot_product_attention(a[None], b[None], a[None]),
    "sdpa_masked": lambda m, a, b: _F(m).scaled_dot_product_attention(
        a[None], b[None], a[None], attn_mask=m.tensor([[True] * 6, [False] * 6] * 3)),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_composite_graph(name, dt):
    rng = np.random.default_rng(4)
    x, t = rng.standard_normal((6, 5)).astype(dt), rng.standard_normal((6, 5)).astype(dt)
    got = {}
    for m in MODS:
        a, b = m.tensor(x, requires_grad=True), m.tensor(t, requires_grad=True)
        y = CASES[name](m, a, b)
        ga, gb = m.autograd.grad(y.sum(), (a, b), allow_unused=True)
        got[m] = (graph_names(y), y.detach().numpy(), ga.numpy(), None if gb is None else gb.numpy())
    assert got[torch][0] == got[glasstorch][0]
    tol = 1e-5 if dt == np.float32 else 1e-12
    for u, v in zip(got[torch][1:], got[glasstorch][1:]):
        assert (u is None) == (v is None)
        if u is not None:
            np.testing.assert_allclose(v, u, rtol=tol, atol=tol)


def test_sdpa_dead_rows_are_zero():
    """A query row masked everywhere: _safe_softmax gives zero weights, zero output and zero gradient."""
    got = {}
    for m in MODS:
        q = m.ones(1, 2, 3, requires_grad=True)
        mask = m.tensor([[True, True], [False, False]])
        o = _F(m).scaled_dot_product_attention(q, q, q, attn_mask=mask)
        g, = m.autograd.grad(o.sum(), q)
        got[m] = (o.detach().numpy().tolist(), g.numpy().tolist())
    assert got[torch] == got[glasstorch]

"""index_add as torch computes it: the forward's rounding with alpha != 1, and the source's gradient
under create_graph.

Forward, float32 / float64 tensors of two or more dims:

torch adds each source slice into its self slice with ``self_slice.add_(source_slice, alpha)``, whose
kernel computes ``fmadd(source, alpha, self)``: ``self + alpha * source`` rounded once.  (A 1-d self
takes a plain scalar loop, ``self[i] += source[k] * alpha``, the product rounded first; that is NumPy's
own arithmetic.)  Slices add in index order, so a position indexed twice takes its two sums in turn.

Backward under create_graph, torch's formula ``maybe_multiply(g.index_select(d, i).expand_as(source), alpha)``:
an ExpandBackward0 node, then (alpha != 1) mul.Scalar, MulBackward1.
"""
import numpy as np


def fused_index_add(out, d, i, s, alpha):
    """Add ``alpha * s`` into ``out`` (in place) at positions ``i`` along dim ``d``, each add fused;
    False where this path does not apply (the caller then does the plain add)."""
    if out.ndim < 2 or out.dtype not in (np.float32, np.float64) or s.dtype != out.dtype or s.ndim != out.ndim:
        return False
    from ..optim._functional import fma
    a = out.dtype.type(alpha)
    # positions that repeat go in rounds, a round holding each position at most once
    i = np.asarray(i, np.int64).reshape(-1) % max(out.shape[d], 1)
    order = np.argsort(i, kind="stable")
    first = np.ones(len(i), bool)
    first[1:] = i[order][1:] != i[order][:-1]
    start = np.maximum.accumulate(np.where(first, np.arange(len(i)), 0))
    rank = np.empty(len(i), np.int64)
    rank[order] = np.arange(len(i)) - start
    lead = (slice(None),) * d
    for r in range(int(rank.max()) + 1 if len(i) else 0):
        ks = np.nonzero(rank == r)[0]
        dst = lead + (i[ks],)
        src = np.take(s, ks, axis=d)
        out[dst] = fma(src, a, out[dst])
    return True


def graph_source_grad(node, g):
    """dsource = alpha * g.index_select(d, i).expand_as(source), recorded (``g`` a Tensor)."""
    from .scalar_arith import mul_scalar
    gs = g.index_select(node.dim, node.m.tensor(node.index)).expand(node.src_shape)
    return gs if node.alpha == 1 else mul_scalar(gs, node.alpha)

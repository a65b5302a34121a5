"""``torch.triplet_margin_loss``, the ATen op that ``F.triplet_margin_loss`` calls after its own Python
check (margin > 0, which the op itself does not make):

    loss = max(d(a, p) - d(a, n) + margin, 0),  d = pairwise_distance(., ., p, eps),
    d(a, n) replaced by min(d(a, n), d(p, n)) with ``swap``.

Forward and backward are the graph of its parts (pairwise_distance, minimum, add.Scalar (AddBackward1),
sub, clamp_min), as torch's composite op records them.
"""
from .number_args import bool_arg, double_arg


def triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction):
    """The op with its parser's checks (each number a double, swap a bool) and its dimension check;
    ``reduction`` is 'none', 'mean' or 'sum'."""
    import glasstorch as g
    from ._util import reduce_tensor
    from .distance import pairwise_distance
    from ...ops.scalar_arith import add_scalar
    fn = "triplet_margin_loss"
    margin, p = double_arg(margin, fn, "margin", 4), double_arg(p, fn, "p", 5)
    eps, swap = double_arg(eps, fn, "eps", 6), bool_arg(swap, fn, "swap", 7)
    dims = (anchor.dim(), positive.dim(), negative.dim())
    if len(set(dims)) != 1:
        raise RuntimeError("The anchor, positive, and negative tensors are expected to have the same number of "
                           "dimensions, but got: anchor {}D, positive {}D, and negative {}D inputs".format(*dims))
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = g.minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    # C++'s margin + dist_pos: add.Scalar (AddBackward1)
    return reduce_tensor(g.clamp_min(add_scalar(d_pos, margin) - d_neg, 0), reduction)

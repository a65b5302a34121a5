"""``F.gumbel_softmax``: a differentiable sample from a categorical distribution (Jang et al., 2016).

    y = softmax((logits + g) / tau),   g = -log(E),  E ~ Exponential(1)   (g ~ Gumbel(0, 1))

With ``hard=True`` the forward value is the one-hot argmax of ``y`` and the gradient is ``y``'s
(straight-through: ``y_hard - y.detach() + y``).  Composed of public ops, drawing the noise with
``exponential_`` as torch does, so the random stream and the graph are torch's.
"""
import warnings


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    import glasstorch as g
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    gumbels = -g.empty_like(logits).exponential_().log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = g.zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft

"""``F.linear_cross_entropy``: cross entropy of ``linear(input, weight, bias)`` and ``target``.

    loss = cross_entropy(input @ W^T + b, target)    (W of shape (C, *out_features, in_features))

With ``options=None`` (torch's reference path) it is exactly that composition, so the graph ends in
cross_entropy's nodes.  With options, torch runs a chunked custom op that keeps no logits for
backward and records one node, ``GeneratedBackwardFor_torch_nn__linear_cross_entropy_batch_chunked_
defaultBackward`` (``..._no_reduction_default...`` for ``reduction='none'``); glasstorch records a node
of that name whose values come from the reference formula: equal to torch's to rounding, not bit for
bit (torch's chunked loop sums in another order; docs/differences.md)."""
import math
import warnings

from ...autograd.function import Function


def _reference(input, linear_weight, target, linear_bias, weight, reduction, ignore_index, label_smoothing):
    from .. import functional as F
    num_classes, out_features = linear_weight.shape[0], tuple(linear_weight.shape[1:-1])
    logits_shape = (*input.shape[:-1], num_classes, *out_features)
    if out_features:
        flat = math.prod(out_features, start=num_classes)
        linear_weight = linear_weight.reshape((flat, input.shape[-1]))
        if linear_bias is not None:
            linear_bias = linear_bias.reshape(flat)
    logits = F.linear(input, linear_weight, linear_bias).reshape(logits_shape)
    return F.cross_entropy(logits, target, weight=weight, reduction=reduction, ignore_index=ignore_index,
                           label_smoothing=label_smoothing)


def _chunked_backward(ctx, grad):
    if ctx.used:
        raise RuntimeError("linear_cross_entropy chunked backward called twice; retain_graph=True / double "
                           "backward are not supported.")
    ctx.used = not ctx.retain
    import glasstorch
    inputs = [t.detach().requires_grad_(need) if t is not None else None
              for t, need in zip(ctx.saved_tensors, ctx.needs_input_grad[:4])]
    with glasstorch.enable_grad():
        loss = _reference(*inputs[:4], *ctx.rest)
        wanted = [t for t in inputs if t is not None and t.requires_grad]
        grads = iter(glasstorch.autograd.grad(loss, wanted, grad.detach()) if wanted else ())
    return tuple(next(grads) if t is not None and t.requires_grad else None for t in inputs) + (None,) * 5


class GeneratedBackwardFor_torch_nn__linear_cross_entropy_batch_chunked_default(Function):
    """The chunked op of the scalar reductions ('mean', 'sum')."""

    @staticmethod
    def forward(ctx, input, linear_weight, target, linear_bias, weight, reduction, ignore_index, retain):
        ctx.save_for_backward(input, linear_weight, target, linear_bias)
        ctx.rest, ctx.retain, ctx.used = (weight, reduction, ignore_index, 0.0), retain, False
        return _reference(input, linear_weight, target, linear_bias, weight, reduction, ignore_index, 0.0)

    backward = staticmethod(_chunked_backward)


class GeneratedBackwardFor_torch_nn__linear_cross_entropy_batch_chunked_no_reduction_default(Function):
    """The chunked op of reduction='none': its backward may run again (torch recomputes there too)."""

    @staticmethod
    def forward(ctx, input, linear_weight, target, linear_bias, weight, reduction, ignore_index, retain):
        ctx.save_for_backward(input, linear_weight, target, linear_bias)
        ctx.rest, ctx.retain, ctx.used = (weight, "none", ignore_index, 0.0), True, False
        return _reference(input, linear_weight, target, linear_bias, weight, "none", ignore_index, 0.0)

    backward = staticmethod(_chunked_backward)


def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None, reduction="mean",
                         ignore_index=None, label_smoothing=0.0, options=None):
    import glasstorch
    if input.dim() < 1 or input.dim() > 2:
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {input.dim()}")
    if linear_weight.dim() < 2:
        raise RuntimeError(f"expected linear_weight with dimensionality at least 2, got {linear_weight.dim()}")
    in_features = input.shape[-1]
    if in_features != linear_weight.shape[-1]:
        raise RuntimeError("expected equal input and linear_weight last dimensions (in_features), got "
                           f"{input.shape[-1]} and {linear_weight.shape[-1]}, respectively")
    num_classes, out_features = linear_weight.shape[0], tuple(linear_weight.shape[1:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != (num_classes, *out_features):
        raise RuntimeError(f"expected linear_bias shape {(num_classes, *out_features)}, got "
                           f"{tuple(linear_bias.shape)}")
    if out_features and input.dim() == 1:
        raise RuntimeError(f"K-dimensional loss defined by linear_weight shape {tuple(linear_weight.shape)} requires"
                           f" batched input, (N, {in_features}), got unbatched input with shape {tuple(input.shape)}")
    probabilities = tuple(target.shape) == (*input.shape[:-1], num_classes, *out_features)
    if probabilities and ignore_index is not None:
        raise RuntimeError("ignore_index cannot be specified when target contains probabilities")
    ignore_index = -100 if ignore_index is None else ignore_index
    if options is None:
        return _reference(input, linear_weight, target, linear_bias, weight, reduction, ignore_index, label_smoothing)
    if (out_features or reduction not in {"mean", "sum", "none"} or label_smoothing != 0.0
            or target.dtype != glasstorch.int64):
        warnings.warn("linear_cross_entropy: ``options`` ignored; chunked path needs reduction in {'mean','sum',"
                      "'none'}, label_smoothing == 0, target.dtype == int64, out_features == (). Got "
                      f"reduction={reduction!r}, label_smoothing={label_smoothing}, target.dtype={target.dtype}, "
                      f"out_features={out_features}, tracing=False, linear_bias.shape="
                      f"{tuple(linear_bias.shape) if linear_bias is not None else None}.", stacklevel=2)
        return _reference(input, linear_weight, target, linear_bias, weight, reduction, ignore_index, label_smoothing)
    unbatched = input.dim() == 1
    if unbatched:
        input, target = input.unsqueeze(0), target.unsqueeze(0)
    op = (GeneratedBackwardFor_torch_nn__linear_cross_entropy_batch_chunked_no_reduction_default
          if reduction == "none" else GeneratedBackwardFor_torch_nn__linear_cross_entropy_batch_chunked_default)
    result = op.apply(input, linear_weight, target, linear_bias, weight, reduction, ignore_index,
                      options.allow_retain_graph)
    return result.squeeze(0) if unbatched else result

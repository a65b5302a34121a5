"""``torch.autograd.grad(..., is_grads_batched=True)``: one vector-Jacobian product per row of
every grad_output.  torch vmaps a single backward pass over that first dimension; here each row runs
its own pass (the graph kept until the last) and the rows' gradients are stacked."""


def _check(outputs, grads):
    from ._gradient_edge import GradientEdge, stand_in
    for i, (o, g) in enumerate(zip(outputs, grads)):
        o = stand_in(o) if isinstance(o, GradientEdge) else o
        if g is not None and tuple(g.shape[1:]) != tuple(o.shape):
            shown = g[0].shape[1:]       # torch names the first row's shape less its first dim
            raise RuntimeError(
                "If `is_grads_batched=True`, we interpret the first dimension of each grad_output as the batch "
                "dimension. The sizes of the remaining dimensions are expected to match the shape of corresponding "
                f"output, but a mismatch was detected: grad_output[{i}] has a shape of {shown} and output[{i}] has "
                f"a shape of {o.shape}. If you only want some tensors in `grad_output` to be considered batched, "
                "consider using vmap.")


def grad_batched(grad, outputs, inputs, grads, retain_graph, create_graph, allow_unused, materialize_grads):
    """Row b of each result is ``grad(outputs, inputs, [g[b] for g in grads])``."""
    from ..ops.join import stack
    _check(outputs, grads)
    n = next(g.shape[0] for g in grads if g is not None)
    rows = []
    for b in range(n):
        rows.append(grad(outputs, inputs, [None if g is None else g[b] for g in grads],
                         retain_graph=True if b < n - 1 else retain_graph, create_graph=create_graph,
                         allow_unused=allow_unused, materialize_grads=materialize_grads))
    return tuple(None if rows[0][i] is None else stack([r[i] for r in rows]) for i in range(len(inputs)))

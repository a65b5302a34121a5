"""``F.instance_norm`` and ``F.local_response_norm``, composed from batch norm and average pooling as
torch composes them."""


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    """F.instance_norm: refuses a single spatial element when it uses the input's statistics."""
    if use_input_stats:
        size = input.shape
        prod = 1
        for s in list(size)[2:]:
            prod *= s
        if prod == 1:
            raise ValueError(f"Expected more than 1 spatial element when training, got input size {size}")
    return _instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


def _instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                   momentum=0.1, eps=1e-5):
    """Batch norm of the (1, N*C, ...) view: every (sample, channel) pair is its own channel.  Running
    statistics are updated as the mean over the batch of the per-sample updates."""
    from .normalization import batch_norm
    if not use_input_stats and (running_mean is None or running_var is None):
        raise RuntimeError("Expected running_mean and running_var to be defined when use_input_stats is false")
    n, c = input.shape[0], input.shape[1]
    shape = (1, n * c) + tuple(input.shape[2:])
    rm = running_mean.repeat(n) if running_mean is not None else None
    rv = running_var.repeat(n) if running_var is not None else None
    w = weight.repeat(n) if weight is not None else None
    b = bias.repeat(n) if bias is not None else None
    out = batch_norm(input.contiguous().view(shape), rm, rv, w, b, use_input_stats, momentum, eps, _verify=False)
    if use_input_stats:
        import glasstorch
        with glasstorch.no_grad():
            if running_mean is not None:
                running_mean.copy_(rm.view(n, c).mean(0))
            if running_var is not None:
                running_var.copy_(rv.view(n, c).mean(0))
    return out.view(input.shape)


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """x / (k + alpha * mean of x^2 over `size` neighbouring channels)^beta."""
    from .padding import pad
    from .pooling import avg_pool2d
    dim = input.dim()
    if dim < 3:
        # (torch's message carries the indentation of its source line)
        raise ValueError(f"Expected 3D or higher dimensionality                          input (got {dim} "
                         "dimensions)")
    if input.numel() == 0:
        return input
    from ...ops._complex_refuse import refuse
    refuse("avg_pool2d" if dim == 3 else "avg_pool3d_out_frame", input._data)
    div = input.mul(input)
    sizes = input.shape
    # channels become the depth (3-d: height) of a one-channel volume; a (size, 1, 1) window averages across them
    if dim == 3:
        div = pad(div.unsqueeze(1), (0, 0, size // 2, (size - 1) // 2))
        div = avg_pool2d(div, (size, 1), stride=1).squeeze(1)
    else:
        from .pooling import avg_pool3d
        div = div.view(sizes[0], 1, sizes[1], sizes[2], -1)
        div = pad(div, (0, 0, 0, 0, size // 2, (size - 1) // 2))
        div = avg_pool3d(div, (size, 1, 1), stride=1).squeeze(1)
        div = div.view(sizes)
    div = div.mul(alpha).add(k).pow(beta)
    return input / div


__all__ = ["instance_norm", "local_response_norm"]

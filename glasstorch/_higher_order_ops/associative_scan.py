"""``torch._higher_order_ops.associative_scan`` (name only)."""


def associative_scan(combine_fn, xs, dim, reverse=False, combine_mode="pointwise"):
    raise NotImplementedError("torch._higher_order_ops.associative_scan is not implemented in glasstorch yet")

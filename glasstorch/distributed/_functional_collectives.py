"""``torch.distributed._functional_collectives``: collectives that return new tensors (torch wraps them
in AsyncCollectiveTensor, which glasstorch does not have yet)."""


def _not_yet(name):
    def fn(*args, **kwargs):
        raise NotImplementedError(f"torch.distributed._functional_collectives.{name} is not implemented in "
                                  "glasstorch yet")
    fn.__name__ = fn.__qualname__ = name
    return fn


wait_tensor, all_reduce, all_gather_tensor, reduce_scatter_tensor, all_to_all_single, all_to_all_single_autograd = (
    _not_yet(n) for n in ("wait_tensor", "all_reduce", "all_gather_tensor", "reduce_scatter_tensor",
                          "all_to_all_single", "all_to_all_single_autograd"))

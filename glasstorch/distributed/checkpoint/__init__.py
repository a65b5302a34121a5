"""``torch.distributed.checkpoint`` (DCP): the names; saving and loading sharded checkpoints is not
implemented in glasstorch yet."""


def _not_yet(name):
    def fn(*args, **kwargs):
        raise NotImplementedError(f"torch.distributed.checkpoint.{name} is not implemented in glasstorch yet")
    fn.__name__ = fn.__qualname__ = name
    return fn


save, load, async_save, save_state_dict, load_state_dict = (
    _not_yet(n) for n in ("save", "load", "async_save", "save_state_dict", "load_state_dict"))

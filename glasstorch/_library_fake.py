"""``torch.library.get_ctx()`` inside a fake implementation: the ``FakeImplCtx`` whose
``new_dynamic_size()`` stands for a data-dependent size (the number of nonzeros, say).

torch runs a fake implementation on FakeTensors and gets a symbolic size back.  glasstorch runs it
only in ``opcheck``, on real tensors: ``new_dynamic_size`` hands out its lower bound ``min`` as a
stand-in and notes that it did, so that opcheck compares only the number of dimensions and the
dtype of such a result, not its sizes.  Outside a fake implementation ``get_ctx()`` is None, as in
torch."""

_CURRENT = [None]


class FakeImplCtx:
    """What ``get_ctx()`` returns while a fake implementation runs."""

    def __init__(self, op):
        self._op = op
        self.made_dynamic_size = False

    def new_dynamic_size(self, *, min=0, max=None):
        """A size only the real kernel knows (glasstorch: ``min``, see the module docstring)."""
        if min < 0:
            raise ValueError(f"ctx.new_dynamic_size(min={min}, ...): expected min to be greater than or equal to 0: "
                             "this API can only create non-negative sizes.")
        self.made_dynamic_size = True
        return min


class running:
    """``with running(op) as ctx:`` makes ``ctx`` what ``get_ctx()`` returns."""

    def __init__(self, op):
        self.ctx = FakeImplCtx(op)

    def __enter__(self):
        self.prev, _CURRENT[0] = _CURRENT[0], self.ctx
        return self.ctx

    def __exit__(self, *exc):
        _CURRENT[0] = self.prev


FakeImplCtx.__module__ = "torch._library.fake_impl"

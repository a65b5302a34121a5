"""``torch._functorch.python_key``: ``make_fx`` traces through ``__torch_dispatch__``, which glasstorch
does not have; the name exists so that ``import functorch`` succeeds, and a call says what is missing."""

__all__ = ["make_fx"]


def make_fx(f, decomposition_table=None, tracing_mode="real", _allow_non_fake_inputs=False, **kwargs):
    raise NotImplementedError("make_fx (torch.fx.experimental.proxy_tensor) is not implemented in glasstorch yet")

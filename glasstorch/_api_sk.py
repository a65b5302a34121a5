"""Top-level helpers scientific libraries (e3nn, torchsde) call that no op family owns: ``torch._assert``,
the assert torch.fx can trace (``torch._assert(cond, msg)`` raises ``AssertionError(msg)`` when ``cond`` is
false)."""

__all__ = ["_assert"]


def _assert(condition, message):
    """``torch._assert``: a wrapper around Python's ``assert`` that is symbolically traceable; a
    ``__torch_function__`` subclass (an fx Proxy) gets to handle it first, as torch dispatches it."""
    from ._tensor import Tensor
    from .overrides import has_torch_function, handle_torch_function
    if type(condition) is not Tensor and has_torch_function((condition,)):
        return handle_torch_function(_assert, (condition,), condition, message)
    assert condition, message


_assert.__module__ = "glasstorch"     # torch.fx prints it as torch._assert, pickle finds it at the top

"""Where ``autograd.grad`` (and ``backward(inputs=...)``) takes a captured gradient relative to the tensor
hooks of the node it is captured at, as torch's Engine::evaluate_function does it.

A node holding a capture that the walk goes on to run (another target lies beyond it) is captured with the
gradient as it arrived; its tensor hooks run afterwards, as part of running it, and so change only what
flows on.  A node that is only captured is not run: its tensor hooks run first (each once) and the capture
takes what they return."""


def capture_around_hooks(node, g, create, capture, captured, need):
    """The gradient that flows on from ``node`` after capturing (None: the walk stops there)."""
    from .engine import _capture, _tensor_hooks
    if node._tensor_hooks is None and node._retained is None:
        return _capture(node, g, create, capture, captured, need)
    if need is not None and need.get(node, False) and any((node, nr) in capture for nr in range(node._nout)) \
            and any(nx is not None and need.get(nx, False) for nx, _ in node.next_functions):
        _capture(node, g, create, capture, captured, need)
        return _tensor_hooks(node, g)
    return _capture(node, _tensor_hooks(node, g), create, capture, captured, need)

"""``torch.distributed.rpc`` as torch has it in a build without RPC support (``USE_RPC=OFF``): the
module imports and ``is_available()`` answers False, nothing else is defined.

glasstorch's ``torch.distributed`` is a pure-Python gloo stand-in (collectives over a store); remote
calls, RRefs and distributed autograd are not emulated.  Libraries import the module unconditionally
and check ``is_available()`` or ``hasattr(rpc, "api")`` before using it (PyTorch Geometric does).
"""
__all__ = ["is_available"]


def is_available():
    return False

"""Late-bound access to the op modules for ``TensorSurface`` (the ops import ``Tensor``, so the
methods look them up on first call instead of at class creation)."""
import importlib

_MODULES = ("shape", "views", "join", "index", "gather", "select", "matmul", "reduce_more", "sorting",
            "pointwise", "binary_more", "logical", "softmax", "inplace_more", "creation_more")


def __getattr__(name):
    if name in _MODULES:
        mod = importlib.import_module("glasstorch.ops." + name)
        globals()[name] = mod          # later lookups are a plain module attribute
        return mod
    raise AttributeError(name)

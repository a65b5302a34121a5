"""Public functions pickle by reference, as torch's do: ``pickle.dumps(torch.cat)``, a model holding
``F.gelu`` as its activation saved whole with ``torch.save``, a ``functools.partial(torch.stack)``
handed to DataLoader workers.

pickle writes a function as its ``__module__`` and ``__qualname__`` and refuses one that this path
does not lead back to.  glasstorch's public functions are often wrappers (argument checks, ``out=``,
sparse and meta dispatch) made with ``functools.wraps``, so they carry the path of the function they
wrap, which leads to the inner function instead; some carry torch's ``__name__`` for an alias.  Such a
function gets the public path it is reachable at, its namespace and its name there.  A function whose
own path already leads back to it keeps it (viz finds an op's forward by its module).
"""
import sys
import types


def _reachable(fn):
    obj = sys.modules.get(fn.__module__)
    for part in fn.__qualname__.split("."):
        obj = getattr(obj, part, None)
    return obj is fn


def settle(namespace, names=None):
    """Give each public function of ``namespace`` (a module's globals) that pickle could not find a
    path that leads back to it."""
    home = namespace["__name__"]
    for name in list(namespace) if names is None else names:
        fn = namespace.get(name)
        if name.startswith("_") or fn.__class__ is not types.FunctionType or _reachable(fn):
            continue
        fn.__module__, fn.__qualname__ = home, name

"""torch's message for a missing attribute of one of its submodules.

Python words ``AttributeError`` after the module's ``__name__``: ``torch.linalg.sqrtm`` would read
"module 'glasstorch.linalg' has no attribute 'sqrtm'", where torch says "module 'torch.linalg' has no
attribute 'sqrtm'".  Each public submodule without a ``__getattr__`` of its own gets one that raises
torch's wording (a module's ``__getattr__`` runs only after normal lookup failed, so nothing that
exists changes, and ``hasattr`` stays False).  Modules that define their own ``__getattr__`` (the
top level, autograd, ...) keep it.

_class_paths's post-import hook calls ``give_torch_message`` for every ``glasstorch.*`` module once it
has run (glasstorch imports many submodules lazily: ``torch.distributions`` on first use,
``distributions.kl`` inside a function), and for those loaded before the hook.
"""
_PREFIX = "glasstorch."


def _missing(torch_name):
    def __getattr__(name):
        raise AttributeError(f"module '{torch_name}' has no attribute '{name}'")
    return __getattr__


def give_torch_message(module):
    name = module.__name__
    if not name.startswith(_PREFIX) or any(part.startswith("_") for part in name.split(".")):
        return          # private modules are no torch API: Python's own wording is fine
    if "__getattr__" not in module.__dict__:
        module.__dict__["__getattr__"] = _missing("torch" + name[len("glasstorch"):])
        if "__dir__" not in module.__dict__:
            # the hook is glasstorch's: ``dir(torch.optim)`` lists what torch's does, without it
            module.__dict__["__dir__"] = _listing(module.__dict__)


def _listing(namespace):
    def __dir__():
        return sorted(k for k in namespace if k not in ("__getattr__", "__dir__"))
    return __dir__

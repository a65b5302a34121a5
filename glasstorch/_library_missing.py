"""``torch.library`` registrations naming an operator that does not exist.

torch parses the name (``ValueError`` unless it is "namespace::name"), then:

* ``register_fake`` registers a Meta kernel, and the dispatcher refuses an unknown operator:
  ``RuntimeError: operator ns::name does not exist``;
* ``register_autograd`` looks the operator up in ``torch.ops``: ``AttributeError``.

One departure: a C++ extension built for torch never opens under glasstorch (``torch.ops.load_library``
raises torch's OSError), and a package whose extension failed so may still register fake kernels for
the operators the extension would have defined (torchvision does at import).  ``register_fake`` called
from code in the folder of a library that failed to load (or below it) keeps the function for an
operator nobody defined instead of refusing it; on torch the extension would have defined the operator.
The package's compiled ops stay unavailable, and it says so itself when one is called.  Anywhere else
the missing operator is torch's RuntimeError.
"""
import os
import sys

from . import _ops_load_library
from ._op_namespaces import REGISTRY

kept_fakes = {}          # qualname -> the fake kernel kept for an operator no library defined


def parse_namespace(qualname):
    """torch._library.utils.parse_namespace."""
    splits = qualname.split("::")
    if len(splits) != 2:
        raise ValueError(f'Expected `qualname` to be of the form "namespace::name", but got {qualname}. '
                         "The qualname passed to the torch.library APIs must consist of a namespace and a name, "
                         "e.g. aten::sin")
    return splits[0], splits[1]


def _exists(qualname):
    ns, name = parse_namespace(qualname)
    name, _, overload = name.partition(".")
    if ns == "aten":
        from ._op_namespaces import _aten_function
        return _aten_function(name) is not None
    packet = REGISTRY.get(ns, {}).get(name)
    return packet is not None and (not overload or overload in packet._overloads)


def fake_for_missing(qualname, fn):
    """True when ``qualname`` names no operator and ``fn`` was kept (see the module docstring);
    False when the operator exists; torch's error otherwise."""
    if _exists(qualname):
        return False
    if not _caller_beside_failed_library():
        raise RuntimeError(f"operator {qualname} does not exist")
    kept_fakes[qualname] = fn
    return True


def _caller_beside_failed_library():
    """Whether the code calling into torch.library lies in (or below) the folder of a library that
    ``load_library`` could not open."""
    if not _ops_load_library.failed:
        return False
    f = sys._getframe(1)
    while f is not None and f.f_globals.get("__name__", "").startswith("glasstorch"):
        f = f.f_back
    if f is None:
        return False
    here = os.path.realpath(f.f_code.co_filename)
    return any(here.startswith(os.path.dirname(lib) + os.sep) for lib in _ops_load_library.failed)


def check_for_lookup(qualname):
    """register_autograd's lookup: torch's AttributeError from ``torch.ops.<ns>.<name>``."""
    if not _exists(qualname):
        from ._op_namespaces import namespace
        ns, name = parse_namespace(qualname)
        getattr(namespace(ns), name.partition(".")[0])


def kernel_for_missing(qualname):
    """register_kernel: torch's dispatcher takes a kernel before the operator's definition, so an
    unknown operator is no error (True: nothing to register here)."""
    return not _exists(qualname)

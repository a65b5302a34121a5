"""Public functions carry torch's ``__name__``.

torch's functions are builtins named after themselves, and an alias is a builtin of its own:
``torch.acos.__name__ == 'acos'``, ``torch.arccos.__name__ == 'arccos'``, ``torch.Tensor.clip.__name__
== 'clip'``.  Code that lists functions by name (``for f in (torch.sin, torch.tanh): print(f.__name__)``)
prints those.  Here many forwards come from factories (named ``forward``), and an alias is the same
object as its op.  ``install`` renames a factory-made function in place, and binds each alias to a
copy of its op's function under the alias's name (the same code, defaults and closure: only the name
differs, so calls cost nothing more).
"""
import types

_GENERIC = frozenset(("forward", "forward_", "method", "call", "fn", "op", "wrapper"))
# where torch's own name is not the attribute's
F_NAMES = {"logsigmoid": "log_sigmoid", "threshold": "_threshold"}
TORCH_NAMES = {"sym_sqrt": "_sym_sqrt", "symeig": "_symeig", "to_dlpack": "_to_dlpack"}


def _renamed(fn, name):
    new = types.FunctionType(fn.__code__, fn.__globals__, name, fn.__defaults__, fn.__closure__)
    new.__kwdefaults__ = fn.__kwdefaults__
    new.__dict__.update(fn.__dict__)
    new.__doc__, new.__module__, new.__qualname__ = fn.__doc__, fn.__module__, name
    return new


def install(owner, overrides=None):
    """Fix the names of the public functions of ``owner`` (a module's globals dict, or a class)."""
    overrides = overrides or {}
    is_ns = isinstance(owner, dict)
    # a class: its methods come from mixins too, and are only ever copied (never renamed in place)
    items = owner if is_ns else {n: getattr(owner, n) for n in dir(owner) if not n.startswith("_")}
    groups = {}
    for name, fn in list(items.items()):
        if not name.startswith("_") and isinstance(fn, types.FunctionType):
            groups.setdefault(id(fn), []).append(name)
    for names in groups.values():
        fn = items[names[0]]
        wrong = [n for n in names if fn.__name__ != overrides.get(n, n)]
        if not wrong:
            continue
        if is_ns and len(wrong) == len(names) and fn.__name__ in _GENERIC:
            first = min(names, key=len)           # a factory-made op: the op's own (shortest) name
            fn.__name__ = fn.__qualname__ = overrides.get(first, first)
            wrong.remove(first)
        for n in wrong:
            new = _renamed(fn, overrides.get(n, n))
            if is_ns:
                owner[n] = new
            else:
                setattr(owner, n, new)


def prefixed(ns, prefix, names):
    """A submodule's functions are builtins named prefix + name in torch (``torch.special.erf.__name__ ==
    'special_erf'``, psi and expit included): bind each to a renamed copy, leaving torch.erf etc. as they are."""
    for n in names:
        fn = ns.get(n)
        if isinstance(fn, types.FunctionType):
            ns[n] = _renamed(fn, prefix + n)

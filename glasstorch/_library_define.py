"""``torch.library.Library`` / ``define`` / ``impl``: operators declared by a schema string, with
kernels given separately (the API before ``custom_op``).  The kernel runs as an ordinary function,
so autograd records the ops inside it, as torch does for a kernel registered without an autograd
formula."""
from ._library_schema import FunctionSchema as Schema
from ._op_namespaces import REGISTRY, OpOverloadPacket

_DEF_NAMESPACES = set()          # namespaces a Library(kind="DEF") owns


class _DefinedOp:
    """One overload declared by ``define``; its kernel is set by ``impl``."""

    def __init__(self, qualname, schema_text):
        self._qualname = qualname
        self._schema = self._parsed = Schema(qualname, schema_text)
        self._kernel = None
        self._abstract_fn = None
        self._backward_fn = self._setup_context_fn = self._autograd_cls = None
        self._namespace, _, self._name = qualname.partition("::")

    def _call(self, *args, **kwargs):
        values = self._schema.bind(args, kwargs)
        if self._kernel is None:
            raise NotImplementedError(
                f"Could not run '{self._qualname}' with arguments from the 'CPU' backend. This could be because the "
                "operator doesn't exist for this backend, or was omitted during the selective/custom build process "
                "(if using custom build).")
        positional, keyword = self._schema.split(values)
        if self._backward_fn is not None and GRAD.enabled and any(t.requires_grad for t in _tensors(values)):
            return self._apply_autograd(positional, keyword)       # register_autograd's formula, as custom_op's
        return self._kernel(*positional, **keyword)

    def register_fake(self, fn):
        self._abstract_fn = fn
        return fn

    def register_autograd(self, backward, setup_context=None):
        if not callable(backward):
            raise TypeError(f"Expected backward to be a function but got {type(backward)}")
        self._backward_fn, self._setup_context_fn = backward, setup_context

    def register_kernel(self, device_types, fn=None):
        def register(f):
            self._kernel = f
            return f
        return register if fn is None else register(fn)


from .library import CustomOpDef, _tensors  # noqa: E402  (library imports this module at its end)
from .ops._common import GRAD  # noqa: E402

_DefinedOp._apply_autograd = CustomOpDef._apply_autograd
_DefinedOp._autograd = CustomOpDef._autograd


class Library:
    """``Library(ns, kind)``: kind "DEF" (owns the namespace), "FRAGMENT" (adds to it) or "IMPL"."""

    def __init__(self, ns, kind, dispatch_key=""):
        if kind not in ("IMPL", "DEF", "FRAGMENT"):
            raise ValueError("Unsupported kind: ", kind)
        if kind == "DEF":
            if ns in _DEF_NAMESPACES:
                raise RuntimeError(
                    f"Only a single TORCH_LIBRARY can be used to register the namespace {ns}; please put all of "
                    "your definitions in a single TORCH_LIBRARY block.  If you were trying to specify "
                    "implementations, consider using TORCH_LIBRARY_IMPL (which can be duplicated).  If you really "
                    "intended to define operators for a single namespace in a distributed way, you can use "
                    "TORCH_LIBRARY_FRAGMENT to explicitly indicate this.")
            _DEF_NAMESPACES.add(ns)
        self.ns, self.kind, self.dispatch_key = ns, kind, dispatch_key

    def __repr__(self):
        return f"Library(kind={self.kind}, ns={self.ns}, dispatch_key={self.dispatch_key})>"

    def define(self, schema, alias_analysis="", *, tags=()):
        name_part, _, rest = schema.partition("(")
        name, _, overload = name_part.strip().partition(".")
        text = "(" + rest
        packet = REGISTRY.setdefault(self.ns, {}).get(name)
        if packet is None:
            packet = REGISTRY[self.ns][name] = OpOverloadPacket(self.ns, name, {})
        key = overload or "default"
        if key in packet._overloads:
            raise RuntimeError(f"Tried to register an operator ({self.ns}::{schema.strip()}) with the same name and "
                               "overload name multiple times. Each overload's schema should only be registered "
                               "with a single call to def().")
        op = _DefinedOp(f"{self.ns}::{name}", text)
        op._schema.name = f"{self.ns}::{name}" + (f".{overload}" if overload else "")
        op._opoverload = packet.add_overload(key, op._call, op._schema)
        return name

    def impl(self, op_name, fn, dispatch_key="", *, with_keyset=False, allow_override=False):
        if not callable(fn):
            raise TypeError(f"Input function is required to be a callable but found type {type(fn)}")
        name = op_name if isinstance(op_name, str) else op_name._opname
        name, _, overload = name.partition(".")
        _defined(self.ns, name, overload)._kernel = fn

    def _destroy(self):
        _DEF_NAMESPACES.discard(self.ns)


def _defined(ns, name, overload=""):
    packet = REGISTRY.get(ns, {}).get(name)
    op = packet._overloads.get(overload or "default") if packet is not None else None
    owner = getattr(getattr(op, "_fn", None), "__self__", None)
    if not isinstance(owner, _DefinedOp):
        raise RuntimeError(f"operator {ns}::{name} is not defined (define it with torch.library.define first)")
    return owner


_LIBS = {}


def define(qualname, schema, *, lib=None, tags=()):
    """``define("ns::name", "(Tensor x) -> Tensor")``."""
    ns, _, name = qualname.partition("::")
    if lib is None:
        lib = _LIBS.setdefault(ns, Library(ns, "FRAGMENT"))
    lib.define(name + schema, tags=tags)


def impl(qualname, types, func=None, *, lib=None):
    """``impl("ns::name", "cpu")`` as a decorator, or ``impl(lib, "name", "CPU")`` (the Library form)."""
    if isinstance(qualname, Library):          # the legacy form impl(lib, name, dispatch_key): a decorator
        def wrap(f):
            qualname.impl(types, f, func or "")
            return f
        return wrap

    def register(f):
        ns, _, name = qualname.partition("::")
        name, _, overload = name.partition(".")
        _defined(ns, name, overload)._kernel = f
    return register if func is None else register(func)

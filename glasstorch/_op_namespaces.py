"""``torch.ops``: operators by namespace, ``torch.ops.<ns>.<name>.<overload>``.

Two kinds of namespace live here:

* ``torch.ops.aten.<name>``: torch's built-in operators.  glasstorch has no dispatcher, so each is
  the public function of that name (``torch.<name>``, else ``torch.nn.functional.<name>``, else the
  Tensor method); every overload (``.default``, ``.Tensor``, ``.Scalar`` ...) calls that function,
  which sorts the overloads out itself.  torch's overload names are not listed here, so any name is
  accepted as one (torch refuses names its schema registry lacks).
* namespaces made by ``torch.library`` (``custom_op``, ``Library.define``): each operator has the
  overloads its definitions gave it, and calls go through ``glasstorch.library``.

In glasstorch the ``torch.ops`` module is the ops package (``glasstorch/ops``); its ``__getattr__``
hands unknown names to ``namespace`` below.
"""
import functools
import types

from . import _torch_function as _tf

# {namespace: {op name: OpOverloadPacket}} for the namespaces torch.library has defined
REGISTRY = {}
_NAMESPACES = {}


def namespace(name):
    ns = _NAMESPACES.get(name)
    if ns is None:
        ns = _NAMESPACES[name] = OpNamespace(name)
    return ns


class OpNamespace(types.ModuleType):
    """``torch.ops.<name>``: its operators are attributes."""

    def __init__(self, name):
        super().__init__("torch.ops." + name)
        self.name = name
        self.__file__ = "torch.ops"

    def __getattr__(self, op_name):
        if op_name.startswith("__"):
            raise AttributeError(op_name)
        packet = REGISTRY.get(self.name, {}).get(op_name)
        if packet is None and self.name == "aten":
            fn = _aten_function(op_name)
            if fn is not None:
                packet = OpOverloadPacket("aten", op_name, {"default": fn}, any_overload=True)
        if packet is None and self.name == "profiler":
            from ._ops_profiler import packet as profiler_op
            packet = profiler_op(op_name)
        if packet is None:
            raise AttributeError(f"'_OpNamespace' '{self.name}' object has no attribute '{op_name}'")
        return packet


class OpOverloadPacket:
    """``torch.ops.ns.name``: callable (its default overload), overloads as attributes."""

    def __init__(self, ns, name, overloads, any_overload=False):
        self._ns, self._name, self._any = ns, name, any_overload
        # what torch.fx names a node calling it by, and prints as its target (torch.ops.ns.name)
        self.__name__, self.__module__ = name, "torch._ops." + ns
        self._overloads = {k: OpOverload(self, k, fn) for k, fn in overloads.items()}

    def add_overload(self, overload_name, fn, schema=None):
        self._overloads[overload_name] = OpOverload(self, overload_name, fn, schema)
        return self._overloads[overload_name]

    def __getattr__(self, overload_name):
        if overload_name.startswith("__"):
            raise AttributeError(overload_name)
        op = self._overloads.get(overload_name)
        if op is None and self._any and not overload_name.startswith("_"):
            op = OpOverload(self, overload_name, self._overloads["default"]._fn)
        if op is None:
            raise AttributeError(f"The underlying op of '{self}' has no overload name '{overload_name}'")
        return op

    def __call__(self, *args, **kwargs):
        first = self._overloads.get("default") or next(iter(self._overloads.values()))
        return _call(self, first._fn, args, kwargs)

    def overloads(self):
        return list(self._overloads)

    def __str__(self):
        return f"{self._ns}.{self._name}"

    def __repr__(self):
        return f"<OpOverloadPacket(op='{self}')>"


class OpOverload:
    """``torch.ops.ns.name.overload``: one operator, callable."""

    def __init__(self, packet, overload_name, fn, schema=None):
        self.overloadpacket, self._overloadname, self._fn, self._schema = packet, overload_name, fn, schema
        self._namespace, self._opname = packet._ns, packet._name
        self.__name__, self.__module__ = f"{packet._name}.{overload_name}", "torch._ops." + packet._ns

    def __call__(self, *args, **kwargs):
        return _call(self, self._fn, args, kwargs)

    def name(self):
        return f"{self._namespace}::{self._opname}" + ("" if self._overloadname == "default"
                                                        else "." + self._overloadname)

    def __str__(self):
        return f"{self.overloadpacket}.{self._overloadname}"

    def __repr__(self):
        return f"<OpOverload(op='{self.overloadpacket}', overload='{self._overloadname}')>"


# the ops whose schema returns ``Tensor[]`` (a list through torch.ops; torch.split & co give tuples)
_LIST_RESULTS = frozenset(
    "atleast_1d atleast_2d atleast_3d broadcast_tensors chunk dequantize dsplit gradient hsplit meshgrid "
    "nonzero_numpy quantize_per_tensor split split_copy split_with_sizes split_with_sizes_copy tensor_split "
    "unbind unbind_copy unsafe_chunk unsafe_split unsafe_split_with_sizes vsplit where".split())


def _aten_results(name, fn):
    """``fn`` returning what the operator returns: several results as a plain tuple (torch.ops has no
    torch.return_types), a ``Tensor[]`` as a list."""
    if fn is None:
        return None

    @functools.wraps(fn)
    def op(*args, **kwargs):
        out = fn(*args, **kwargs)
        if isinstance(out, tuple):
            return list(out) if name in _LIST_RESULTS else tuple(out)
        return out
    return op


def _call(op, fn, args, kwargs):
    """``fn(*args, **kwargs)`` for the operator ``op`` (a packet or one overload); an argument taking
    over torch functions (an fx Proxy) gets ``op`` itself, which tracing records as the node's target."""
    if _tf.STATE.active and _tf.overloaded_args(args + tuple(kwargs.values())):
        from .overrides import handle_torch_function
        return handle_torch_function(op, args + tuple(kwargs.values()), *args, **kwargs)
    return fn(*args, **kwargs)


def _aten_function(name):
    """The glasstorch function behind ``aten::<name>``, or None."""
    return _aten_results(name, _public_function(name))


def _public_function(name):
    import glasstorch
    from glasstorch import Tensor
    from glasstorch.nn import functional
    from glasstorch._aten_losses import SCHEMAS       # (their reduction defaults to mean, as an int)
    if name in SCHEMAS:
        return SCHEMAS[name]
    from glasstorch._aten_private import ATEN          # (the operators without a torch.<name>)
    if name in ATEN:
        return ATEN[name]
    for owner in (glasstorch, functional):
        fn = getattr(owner, name, None) if not name.startswith("_") else None
        if callable(fn) and not isinstance(fn, type):
            return fn
    method = getattr(Tensor, name, None)
    if callable(method):
        return lambda self, *args, **kwargs: getattr(self, name)(*args, **kwargs)
    return None


for _cls in (OpOverloadPacket, OpOverload):
    _cls.__module__ = "torch._ops"
OpNamespace.__name__ = OpNamespace.__qualname__ = "_OpNamespace"
OpNamespace.__module__ = "torch._ops"

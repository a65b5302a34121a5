"""``torch.library``: user-defined operators (``custom_op``) and their registrations, eagerly.

torch routes a custom operator through its dispatcher: autograd first, then the kernel for the
device, with "fake" (shape-only) kernels for tracing compilers.  glasstorch has no dispatcher and
no tracing, so a call is the same steps written out (``CustomOpDef._call``):

1. bind the arguments to the schema (torch's argument errors);
2. if a gradient is wanted, run through a generated ``autograd.Function`` named as torch names it
   (``GeneratedBackwardFor_<ns>_<name>_default``), whose backward is the one ``register_autograd``
   gave (or torch's error when there is none); else call the kernel directly;
3. refuse outputs that alias an input; bump the version of every argument in ``mutates_args``.

A Tensor-list argument reaches the generated Function as its tensors (so that each gets a gradient)
and a ``Tensor[]`` result leaves it as its tensors, as torch's ``supports_tensorlist`` arranges.

``register_fake`` functions are kept and used by ``opcheck`` to compare shapes and dtypes with the
real kernel's result (torch runs them on FakeTensors; glasstorch on copies of the inputs).
"""
from ._library_schema import FunctionSchema as Schema, infer_schema
from ._op_namespaces import REGISTRY, OpOverloadPacket, namespace

__all__ = ["custom_op", "CustomOpDef", "register_fake", "register_autograd", "register_kernel", "infer_schema",
           "opcheck", "impl_abstract", "get_ctx", "Library", "define", "impl"]


class _KeywordOnly:
    """The keyword-only arguments, passed to the generated Function as one trailing argument (as torch
    does: a backward must hence return one more None than the op has inputs)."""
    __slots__ = ("kwargs", "sizes", "result", "out_is_list")

    def __init__(self, kwargs, sizes):
        self.kwargs, self.sizes = kwargs, sizes
        self.result, self.out_is_list = None, False


class CustomOpDef:
    """An operator made by ``custom_op``: call it like the function it wraps."""

    def __init__(self, namespace_, name, schema_text, fn):
        self._namespace, self._name = namespace_, name
        self._qualname = f"{namespace_}::{name}"
        self._schema = schema_text            # torch keeps the text, e.g. "(Tensor x) -> Tensor"
        self._parsed = Schema(self._qualname, schema_text)
        self._init_fn = fn
        self._kernels = {}                 # device type -> kernel (register_kernel)
        self._abstract_fn = None
        self._backward_fn = self._setup_context_fn = None
        self._autograd_cls = None
        packet = REGISTRY.setdefault(namespace_, {}).get(name)
        if packet is None:
            packet = REGISTRY[namespace_][name] = OpOverloadPacket(namespace_, name, {})
        self._opoverload = packet.add_overload("default", self._call, self._parsed)
        self.__doc__ = getattr(fn, "__doc__", None)

    def __repr__(self):
        return f"<CustomOpDef({self._qualname})>"

    def __call__(self, *args, **kwargs):
        return self._call(*args, **kwargs)

    # ---- registrations
    def register_fake(self, fn, /):
        self._abstract_fn = fn
        return fn

    def register_kernel(self, device_types, fn=None, /):
        def register(f):
            for d in ([device_types] if isinstance(device_types, str) or device_types is None else device_types):
                self._kernels[d] = f
            return f
        return register if fn is None else register(fn)

    def register_autograd(self, backward, /, *, setup_context=None):
        if not callable(backward):
            raise TypeError(f"Expected backward to be a function but got {type(backward)}")
        self._backward_fn, self._setup_context_fn = backward, setup_context

    # ---- a call
    def _kernel(self, *args, **kwargs):
        return self._kernels.get("cpu", self._kernels.get(None, self._init_fn))(*args, **kwargs)

    def _call(self, *args, **kwargs):
        from ._tensor import Tensor
        from .ops._common import GRAD
        values = self._parsed.bind(args, kwargs)
        positional, keyword = self._parsed.split(values)
        flat = _tensors(values)
        if GRAD.enabled and any(t.requires_grad for t in flat):
            out = self._apply_autograd(positional, keyword)
        else:
            out = self._kernel(*positional, **keyword)
        outs = out if isinstance(out, (tuple, list)) else (out,)
        _check_no_alias(self, [o for o in outs if isinstance(o, Tensor)], flat)
        for v, a in zip(values, self._parsed.arguments):
            if a.mutable:
                for t in _tensors([v]):
                    t._vc[0] += 1
        return out

    def _apply_autograd(self, positional, keyword):
        flat_args, sizes = _flatten_lists(positional)
        out = self._autograd().apply(*flat_args, _KeywordOnly(keyword, sizes))
        return list(out) if isinstance(out, tuple) and out and _returns_list(self._parsed) else out

    def _autograd(self):
        """The generated Function.  Tensor-list arguments travel as their tensors, one argument each
        (the holder's ``sizes`` regroups them), and a Tensor[] result as its tensors: autograd sees
        only tensors, as torch's ``supports_tensorlist`` arranges."""
        if self._autograd_cls is None:
            from .autograd.function import Function
            op = self

            def forward(*args):
                holder = args[-1]
                result = op._kernel(*_regroup(args[:-1], holder.sizes), **holder.kwargs)
                holder.result = result
                holder.out_is_list = isinstance(result, list)
                return tuple(result) if holder.out_is_list else result

            def setup_context(ctx, inputs, output):
                # the user's setup_context sees torch's needs_input_grad: one flag per (flattened) argument,
                # then one for its metadata argument, and one more for its tensor-list wrapper's
                holder = ctx._pt_metadata = inputs[-1]
                if _has_tensorlist(op._parsed):
                    ctx.needs_input_grad = ctx.needs_input_grad + (False,)
                if op._setup_context_fn is not None:
                    args = tuple(_regroup(inputs[:-1], holder.sizes))
                    if any(a.kw_only for a in op._parsed.arguments):
                        op._setup_context_fn(ctx=ctx, inputs=args, keyword_only_inputs=holder.kwargs,
                                             output=holder.result)
                    else:
                        op._setup_context_fn(ctx=ctx, inputs=args, output=holder.result)
                holder.result = None

            def backward(ctx, *grads):
                if op._backward_fn is None:
                    raise RuntimeError(f"Trying to backward through {op._opoverload} but no autograd formula was "
                                       f"registered. Please use register_autograd to add one.")
                sizes, before = ctx._pt_metadata.sizes, ctx.needs_input_grad
                ctx.needs_input_grad = tuple(_regroup(before[:_n_flat(sizes)], sizes))
                try:
                    result = op._backward_fn(ctx, *([list(grads)] if ctx._pt_metadata.out_is_list else grads))
                finally:
                    ctx.needs_input_grad = before          # (a second backward sees them as the first did)
                result = result if isinstance(result, tuple) else (result,)
                flat = []
                for r, n in zip(result, ctx._pt_metadata.sizes + [None] * len(result)):
                    flat += [r] if n is None else [None] * n if r is None else list(r)
                return (*flat, None)

            name = f"GeneratedBackwardFor_{self._namespace}_{self._name}_default"
            self._autograd_cls = type(name, (Function,), {"forward": staticmethod(forward),
                                                          "setup_context": staticmethod(setup_context),
                                                          "backward": staticmethod(backward)})
        return self._autograd_cls


def _flatten_lists(values):
    """Tensor-list arguments spread into their tensors; ``sizes`` has each list's length (None: not a list)."""
    from ._tensor import Tensor
    flat, sizes = [], []
    for v in values:
        if isinstance(v, list) and v and all(isinstance(t, Tensor) for t in v):
            flat += v
            sizes.append(len(v))
        else:
            flat.append(v)
            sizes.append(None)
    return flat, sizes


def _n_flat(sizes):
    """How many arguments the generated Function got (a tensor list counts its tensors)."""
    return sum(1 if n is None else n for n in sizes)


def _has_tensorlist(schema):
    return any(a.type.startswith("Tensor") and "[]" in a.type for a in schema.arguments) or "Tensor[]" in schema.returns


def _regroup(flat, sizes):
    out, i = [], 0
    for n in sizes:
        out.append(flat[i] if n is None else list(flat[i:i + n]))
        i += 1 if n is None else n
    return out


def _returns_list(schema):
    return schema.returns.strip("()") == "Tensor[]"


def _tensors(values):
    from ._tensor import Tensor
    found = []
    for v in values:
        if isinstance(v, Tensor):
            found.append(v)
        elif isinstance(v, (list, tuple)):
            found += [t for t in v if isinstance(t, Tensor)]
    return found


def _check_no_alias(op, outs, inputs):
    import numpy as np
    for i, o in enumerate(outs):
        others = inputs + outs[:i] + outs[i + 1:]
        if any(o is t or np.may_share_memory(o._data, t._data) for t in others):
            raise RuntimeError(
                f"{op._name} (with implementation in {_module_text()}): The output of this custom operator (1) must "
                "not also be an input to this custom operator and (2) may not alias any inputs to this custom "
                "operator or other returns. The most common way to trigger this error is if we have y = "
                "custom_op(x) and y and x are the same Tensor. Please instead return a clone of the offending "
                "output tensor(s) (e.g. return x.clone()) or refactor the custom operator to not return y.")


def _module_text():
    return f"<module 'torch._library.custom_ops' from '{__file__}'>"


def custom_op(name, fn=None, /, *, mutates_args, device_types=None, schema=None, tags=None):
    """Wrap ``fn`` as the operator ``"namespace::name"`` (a decorator when ``fn`` is not given)."""
    def make(f):
        text = schema if schema is not None else infer_schema(f, mutates_args=mutates_args)
        ns, opname = name.split("::")           # (after the schema, as torch: its errors come first)
        if any(a.kw_only and a.type.startswith("Tensor") for a in Schema("", text).arguments):
            raise NotImplementedError(f"custom_op with kwarg-only Tensor args. Please make your tensors not "
                                      f"kwarg-only. Got: {opname}{text}")
        op = CustomOpDef(ns, opname, text, f)
        if device_types is not None:
            op.register_kernel(device_types, f)
        return op
    return make if fn is None else make(fn)


def _find(op):
    """The CustomOpDef behind a name "ns::name", a CustomOpDef or an OpOverload/packet of one."""
    if isinstance(op, CustomOpDef):
        return op
    if isinstance(op, str):
        ns, _, name = op.partition("::")
        packet = REGISTRY.get(ns, {}).get(name.split(".")[0])
    else:
        packet = getattr(op, "overloadpacket", op)
    owner = getattr(getattr(packet, "_overloads", {}).get("default"), "_fn", None)
    owner = getattr(owner, "__self__", None)
    if not isinstance(owner, (CustomOpDef, _DefinedOp)):
        raise ValueError(f"register_*(op): got unexpected type for op: {type(op)}")
    return owner


def register_fake(op, fn=None, /, *, lib=None, _stacklevel=1, allow_override=False):
    """Register the shape-only implementation of ``op`` (a decorator when ``fn`` is not given)."""
    def register(f):
        if isinstance(op, str) and _library_missing.fake_for_missing(op, f):
            return f
        return _find(op).register_fake(f)
    return register if fn is None else register(fn)


impl_abstract = register_fake


def register_autograd(op, backward, /, *, setup_context=None, lib=None):
    if isinstance(op, str):
        _library_missing.check_for_lookup(op)
    _find(op).register_autograd(backward, setup_context=setup_context)


def register_kernel(op, device_types, func=None, /, *, lib=None):
    if isinstance(op, str) and _library_missing.kernel_for_missing(op):
        return (lambda f: None) if func is None else None
    return _find(op).register_kernel(device_types, func)


def get_ctx():
    """The ``FakeImplCtx`` of the fake implementation running now (None outside one)."""
    from ._library_fake import _CURRENT
    return _CURRENT[0]


CustomOpDef.__module__ = "torch._library.custom_ops"

from ._library_define import Library, _DefinedOp, define, impl  # noqa: E402
from ._library_opcheck import opcheck  # noqa: E402,F401
from . import _library_missing  # noqa: E402  (registrations naming no operator)

"""``torch.library``: user-defined operators (``custom_op``) and their registrations, eagerly.

torch routes a custom operator through its dispatcher: autograd first, then the kernel for the
device, with "fake" (shape-only) kernels for tracing compilers.  glasstorch has no dispatcher and
no tracing, so a call is the same steps written out (``CustomOpDef._call``):

1. bind the arguments to the schema (torch's argument errors);
2. if a gradient is wanted, run through a generated ``autograd.Function`` named as torch names it
   (``GeneratedBackwardFor_<ns>_<name>_default``), whose backward is the one ``register_autograd``
   gave (or torch's error when there is none); else call the kernel directly;
3. refuse outputs that alias an input; bump the version of every argument in ``mutates_args``.

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
    __slots__ = ("kwargs",)

    def __init__(self, kwargs):
        self.kwargs = kwargs


class CustomOpDef:
    """An operator made by ``custom_op``: call it like the function it wraps."""

    def __init__(self, namespace_, name, schema_text, fn):
        self._namespace, self._name = namespace_, name
        self._qualname = f"{namespace_}::{name}"
        self._schema = Schema(self._qualname, schema_text)
        self._init_fn = fn
        self._kernels = {}                 # device type -> kernel (register_kernel)
        self._abstract_fn = None
        self._backward_fn = self._setup_context_fn = None
        self._autograd_cls = None
        packet = REGISTRY.setdefault(namespace_, {}).get(name)
        if packet is None:
            packet = REGISTRY[namespace_][name] = OpOverloadPacket(namespace_, name, {})
        self._opoverload = packet.add_overload("default", self._call, self._schema)
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
        values = self._schema.bind(args, kwargs)
        positional = [v for v, a in zip(values, self._schema.arguments) if not a.kw_only]
        keyword = {a.name: v for v, a in zip(values, self._schema.arguments) if a.kw_only}
        flat = _tensors(values)
        if GRAD.enabled and any(t.requires_grad for t in flat):
            out = self._autograd().apply(*positional, _KeywordOnly(keyword))
        else:
            out = self._kernel(*positional, **keyword)
        outs = out if isinstance(out, (tuple, list)) else (out,)
        _check_no_alias(self, [o for o in outs if isinstance(o, Tensor)], flat)
        for v, a in zip(values, self._schema.arguments):
            if a.mutable:
                for t in _tensors([v]):
                    t._vc[0] += 1
        return out

    def _autograd(self):
        if self._autograd_cls is None:
            from .autograd.function import Function
            op = self

            def forward(*args):
                return op._kernel(*args[:-1], **args[-1].kwargs)

            def setup_context(ctx, inputs, output):
                ctx.needs_input_grad = ctx.needs_input_grad[:-1]      # (not the keyword-only holder)
                if op._setup_context_fn is not None:
                    op._setup_context_fn(ctx, tuple(inputs[:-1]), output)

            def backward(ctx, *grads):
                if op._backward_fn is None:
                    raise RuntimeError(f"Trying to backward through {op._opoverload} but no autograd formula was "
                                       f"registered. Please use register_autograd to add one.")
                result = op._backward_fn(ctx, *grads)
                return (*(result if isinstance(result, tuple) else (result,)), None)

            name = f"GeneratedBackwardFor_{self._namespace}_{self._name}_default"
            self._autograd_cls = type(name, (Function,), {"forward": staticmethod(forward),
                                                          "setup_context": staticmethod(setup_context),
                                                          "backward": staticmethod(backward)})
        return self._autograd_cls


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
        ns, opname = name.split("::")
        text = schema if schema is not None else infer_schema(f, mutates_args=mutates_args)
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
        return _find(op).register_fake(f)
    return register if fn is None else register(fn)


impl_abstract = register_fake


def register_autograd(op, backward, /, *, setup_context=None, lib=None):
    _find(op).register_autograd(backward, setup_context=setup_context)


def register_kernel(op, device_types, func=None, /, *, lib=None):
    return _find(op).register_kernel(device_types, func)


def get_ctx():
    raise RuntimeError("get_ctx() called outside of a fake implementation: glasstorch runs fake "
                       "implementations only inside torch.library.opcheck, on real tensors")


CustomOpDef.__module__ = "torch._library.custom_ops"

from ._library_define import Library, _DefinedOp, define, impl  # noqa: E402
from ._library_opcheck import opcheck  # noqa: E402,F401

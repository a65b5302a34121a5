"""``torch.autograd.Function``: custom ops with a hand-written ``forward`` and ``backward``.

``MyFn.apply(x)`` runs ``forward`` without recording a graph, then records one node (named
``MyFnBackward``, as torch names it) whose backward calls the user's ``backward`` with Tensors.
"""
import numpy as np

import traceback

from .graph import MODE, Node
from .graph_hooks import Packed
from .grad_mode import GRAD, no_grad
from . import forward_ad as _fw_ad
from .._functorch_active import DEPTH as _FT, check_function as _check_ft
from ._fwd_trick import in_trick
from ._no_forward_ad import _OFF as _FW_OFF, fw_grad_off


class FunctionCtx:
    """The ``ctx`` object: what ``forward`` leaves for ``backward``."""

    def save_for_backward(self, *tensors):
        self.to_save = tensors

    def save_for_forward(self, *tensors):
        self.saved_for_forward = tensors

    def mark_dirty(self, *args):
        self.dirty_tensors = args

    def mark_non_differentiable(self, *args):
        self.non_differentiable = args

    def set_materialize_grads(self, value):
        self.materialize_grads = value


class BackwardCFunction(Node, FunctionCtx):
    """The node a custom Function records; it is also the ``ctx`` (as in torch)."""
    __slots__ = ()          # Node has a __dict__: what forward puts on ctx goes there
    _nout = 1
    _python_node = True

    @property
    def saved_tensors(self):
        if self.__dict__.get("_in_jvp"):     # inside the Function's jvp: torch hands out save_for_forward's
            return tuple(getattr(self, "saved_for_forward", ()))
        items = self._saved
        if items is None:
            from .graph import FREED
            raise RuntimeError(FREED)
        out = []
        for i, (x, v) in enumerate(zip(items, self._versions)):
            if v is not None and x._vc[0] != v:
                raise RuntimeError(self._version_error(x, v, i))
            out.append(x.unpack() if x.__class__ is Packed else x)
        return tuple(out)

    @property
    def saved_variables(self):
        """The 0.4-era name of ``saved_tensors`` (a DeprecationWarning, as torch's)."""
        import warnings
        warnings.warn("'saved_variables' is deprecated; use 'saved_tensors'", DeprecationWarning, stacklevel=2)
        return self.saved_tensors

    def __repr__(self):
        """A Python-defined node: object's repr, with the class's module (torch's built-in nodes omit it)."""
        return f"<{type(self).__module__}.{type(self).__qualname__} object at {hex(id(self))}>"

    def backward(self, g):
        from .._tensor import _wrap
        gs = g if self._nout != 1 else [g]
        create = MODE.create
        if create and self._forward_cls.jvp is not Function.jvp and in_trick():
            # a forward-mode tangent is being taken: torch uses the Function's jvp, not its backward
            from ._function_jvp import trick_backward
            return trick_backward(self, gs)
        targs = [x if create or x is None else _wrap(np.asarray(x)) for x in gs]
        user_fn = self._user_backward()
        with _grad_mode(create):
            res = user_fn(self, *targs)
        if not isinstance(res, tuple):
            res = (res,)
        # one gradient per argument of forward; only tensor arguments have an edge
        n = len(self._is_tensor_arg)
        if len(res) > n and all(r is None for r in res[n:]):
            res = res[:n]
        if len(res) != n:
            raise RuntimeError(f"function {type(self).__name__} returned an incorrect number of gradients "
                               f"(expected {n}, got {len(res)})")
        out = []
        for i, (r, is_t) in enumerate(zip(res, self._is_tensor_arg)):
            if not is_t:
                if r is not None:
                    raise RuntimeError(f"function {type(self).__name__} returned a gradient different than None "
                                       f"at position {i + 1}, but the corresponding forward input was not a "
                                       "Variable")
                continue
            if r is not None and hasattr(r, "shape"):
                self._check_grad_shape(len(out), tuple(r.shape))
            out.append(None if r is None else (r if create else r._data))
        return out

    def _user_backward(self):
        """The Function's ``vjp`` where it defines one, else its ``backward``; never both."""
        cls = self._forward_cls
        if cls.backward is not Function.backward and cls.vjp is not Function.vjp:
            raise RuntimeError("Implementing both 'backward' and 'vjp' for a custom Function is not allowed. You "
                               "should only implement one of them.")
        return cls.vjp if cls.vjp is not Function.vjp else cls.backward

    def apply(self, *args):
        """``grad_fn.apply(*grads)``: the user's backward called directly, in the current grad mode (no
        checks of the number or shapes of the gradients, as in torch)."""
        return self._user_backward()(self, *args)

    def apply_jvp(self, *args):
        return self._forward_cls.jvp(self, *args)

    def _check_grad_shape(self, i, got):
        """torch's validate_outputs: the input's shape must expand to the gradient's (which is then
        summed down to it)."""
        want = self._in_shapes[i]
        if got == want:
            return
        if len(want) > len(got) or any(w != g and w != 1 for w, g in zip(want[::-1], got[::-1])):
            raise RuntimeError(f"Function {type(self).__name__} returned an invalid gradient at index {i} - got "
                               f"{list(got)} but expected shape compatible with {list(want)}")


class _grad_mode:
    def __init__(self, on):
        self.on = on

    def __enter__(self):
        self.prev = GRAD.enabled
        GRAD.enabled = self.on

    def __exit__(self, *exc):
        GRAD.enabled = self.prev


class FunctionMeta(type):
    """Gives each Function subclass its node class, ``<Name>Backward``."""

    def __init__(cls, name, bases, attrs):
        cls._backward_cls = type(name + "Backward", (BackwardCFunction,), {"_forward_cls": cls, "__slots__": ()})
        from .._class_paths import place
        place(cls._backward_cls, "torch.autograd.function")
        super().__init__(name, bases, attrs)


class _SingleLevelFunction(metaclass=FunctionMeta):
    """torch's base of ``Function`` (``Function.__mro__`` names it); glasstorch keeps it empty."""


class Function(_SingleLevelFunction):
    """Subclass with static ``forward(ctx, *args)`` and ``backward(ctx, *grads)``; call ``apply``."""

    def __init__(self, *args, **kwargs):
        import warnings
        warnings.warn(f"{self.__class__} should not be instantiated. Methods on autograd functions are all static, "
                      "so you should invoke them on the class itself. Instantiating an autograd function will raise "
                      "an error in a future version of PyTorch.", DeprecationWarning, stacklevel=2)

    def __call__(self, *args, **kwargs):
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. Please use "
                           "new-style autograd function with static forward method. (Example: "
                           "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError("You must implement the jvp function for custom autograd.Function to use it with "
                                  "forward mode AD.")

    generate_vmap_rule = False
    _internal = False       # glasstorch's own helper Functions, which functorch's checks do not see

    @staticmethod
    def vmap(info, in_dims, *args):
        raise NotImplementedError("To use autograd.Function with vmap, you must either override the vmap "
                                  "staticmethod or set generate_vmap_rule=True.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @classmethod
    def apply(cls, *args, **kwargs):
        from .._tensor import Tensor
        from ..ops._common import ANOMALY, edge
        # inside a torch.func transform: functorch's refusals; within another Function's forward torch has
        # peeled off the grad and jvp levels, and only a vmap still sees this call
        if _FT[0] and not cls._internal and (_FT[1] or not _FW_OFF[0]):
            _check_ft(cls, Function)
        node = cls._backward_cls()
        tensor_args = [a for a in args if isinstance(a, Tensor)]
        if _fw_ad._LEVEL[0] is not None and cls.jvp is Function.jvp and not cls._internal and not _FW_OFF[0] and \
                _fw_ad._carries_tangent(tensor_args):
            Function.jvp(node)      # torch's "You must implement the jvp function ..."
        node.needs_input_grad = tuple(isinstance(a, Tensor) and a._rg for a in args)
        if _fw_ad._LEVEL[0] is not None and any(node.needs_input_grad) and not cls._internal:
            # a tangent alone makes no input need grad in torch; here duals require grad (see forward_ad)
            node.needs_input_grad = tuple(n and _fw_ad._needs_grad_beyond_tangent(a) for n, a in
                                          zip(node.needs_input_grad, args))
        uses_setup = cls.setup_context is not Function.setup_context
        with no_grad(), fw_grad_off():          # torch runs forward with forward AD off too
            if uses_setup:
                out = cls.forward(*args, **kwargs)
                cls.setup_context(node, args, out)
            else:
                out = cls.forward(node, *args, **kwargs)
        # torch's THPFunction_apply asks the grad mode, which inference mode leaves to enable_grad
        if not ((GRAD.shadow if GRAD.inference else GRAD.enabled) and any(t._rg for t in tensor_args)):
            return out
        outs = out if isinstance(out, tuple) else (out,)
        # as torch: an edge for each tensor argument only (numbers and flags get none)
        node._is_tensor_arg = tuple(isinstance(a, Tensor) for a in args)
        node._in_shapes = tuple(tuple(a.shape) for a in tensor_args)
        node._in_dtypes = tuple(a._data.dtype for a in tensor_args)
        node.next_functions = tuple(edge(a) for a in args if isinstance(a, Tensor))
        if ANOMALY.enabled:
            ANOMALY.used = True
            node._anomaly = traceback.format_stack()[:-1]
        non_diff = {id(t) for t in getattr(node, "non_differentiable", ())}
        node._nout = len(outs)
        shapes, dtypes = [], []
        results = []
        for i, o in enumerate(outs):
            if isinstance(o, Tensor):
                dirty = any(o is d for d in getattr(node, "dirty_tensors", ()))
                if dirty:
                    if o.grad_fn is None and o._rg:     # a leaf that requires grad: torch's check_inplace
                        raise RuntimeError("a leaf Variable that requires grad has been used in an in-place "
                                           "operation.")
                    o._vc[0] += 1          # torch counts the custom op as one more change of a dirty tensor
                elif any(o is a for a in args):   # a dirty input stays itself, with the new history
                    o = o.view_as(o) if hasattr(o, "view_as") else o
                shapes.append(o._data.shape)
                dtypes.append(o._data.dtype)
                if id(o) not in non_diff and o._data.dtype.kind == "f":
                    o.grad_fn = node
                    o._rg = True
                    o._out_nr = i
                    if o._base is not None and not dirty:
                        o._custom_fn_view = True       # torch forbids changing it in place
            else:
                shapes.append(())
                dtypes.append(np.dtype(np.float32))
            results.append(o)
        if node._nout == 1:
            node._shape, node._dtype = shapes[0], dtypes[0]
        else:
            node._shape, node._dtype = shapes, dtypes
        # torch saves after wiring the outputs (a dirty tensor's version counts the op): a saved tensor whose
        # grad_fn is now this node is one of its outputs (a version error names it "output n of <Fn>")
        saved = _checked_to_save(getattr(node, "to_save", ()))
        node.save(*saved)
        outs_saved = {i: (node, x._out_nr) for i, x in enumerate(saved)
                      if isinstance(x, Tensor) and x.grad_fn is node}
        if outs_saved:
            node._own_outputs = outs_saved
        return tuple(results) if isinstance(out, tuple) else results[0]


def _checked_to_save(items):
    """``ctx.save_for_backward``'s arguments as torch's _save_variables takes them: a tuple of tensors or None."""
    from .._tensor import Tensor
    if not isinstance(items, tuple):
        raise RuntimeError("autograd internal error: to_save attribute is expected to be a tuple but is ")
    for i, x in enumerate(items):
        if x is not None and not isinstance(x, Tensor):
            from .._arg_parser import tp_name
            raise TypeError(f"save_for_backward can only save variables, but argument {i} is of type {tp_name(x)}")
    return items


class InplaceFunction(Function):
    pass


class NestedIOFunction(Function):
    pass


class _DelayedError(Function):
    """torch's ``DelayedError`` node (``grad_fn=<Error>``): passes its inputs through, and raises
    its message when something backpropagates into it."""

    @staticmethod
    def forward(ctx, msg, *xs):
        ctx.msg = msg
        outs = tuple(x.detach() for x in xs)
        return outs if len(outs) != 1 else outs[0]

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError(ctx.msg)


_DelayedError._backward_cls.__name__ = _DelayedError._backward_cls.__qualname__ = "Error"
_DelayedError._backward_cls.name = lambda self: "torch::autograd::Error"


def once_differentiable(fn):
    """Marks a backward that cannot itself be differentiated: it runs with grad off, and when its
    grad outputs require grad (``create_graph=True``) its results hang off an ``Error`` node that
    refuses the second differentiation (as torch's)."""
    import functools
    from .._tensor import Tensor

    @functools.wraps(fn)
    def wrapper(ctx, *args, **kwargs):
        with no_grad():
            outputs = fn(ctx, *args, **kwargs)
        if not GRAD.enabled or not any(isinstance(a, Tensor) and a.requires_grad for a in args):
            return outputs
        outs = outputs if isinstance(outputs, tuple) else (outputs,)
        fakes = [None if o is None else o.detach().requires_grad_(True) for o in outs]
        live = [f for f in fakes if f is not None]
        res = _DelayedError.apply("trying to differentiate twice a function that was marked with "
                                  "@once_differentiable", *live)
        res = iter(res if isinstance(res, tuple) else (res,))
        return tuple(None if f is None else next(res) for f in fakes)
    return wrapper

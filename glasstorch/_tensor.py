"""``Tensor``: a NumPy array plus what autograd needs.  Every method delegates to an op.

A tensor holds ``_data`` (always an ``ndarray``, 0-d included), ``_rg`` (requires_grad),
``grad_fn`` (the node that made it, None for leaves), ``_grad``, and ``_vc``: a one-element list
shared with its views, the version counter bumped by every in-place change.
"""
import warnings

import numpy as np

from . import _dtype as _dt
from ._device import CPU, Size
from .autograd import engine as _engine
from .autograd.grad_mode import GRAD
from .autograd import _inference
from . import _tensor_math
from ._tensor_surface import TensorSurface
from ._tensor_random import TensorRandom
from ._tensor_convert import TensorConvert
from ._tensor_meta import _TensorMeta
from . import _printing

ndarray = np.ndarray
_new = object.__new__

NONLEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
    "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated "
    "for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor "
    "by mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 "
    "for more information. (Triggered internally at /__w/pytorch/pytorch/build/aten/src/ATen/core/TensorBody.h:493.)")


from ._empty_strides import torch_strided as _empty_strided  # noqa: E402
from ._meta import _NoData  # noqa: E402
from . import _func_captures as _captures  # noqa: E402

_CAPTURE_LEVELS = _captures.LEVELS      # non-empty while a grad-like torch.func transform runs
from ._functorch_active import DEPTH as _FUNC_DEPTH  # noqa: E402


def _wrap(arr, rg=False):
    """A new tensor around ``arr`` (no copy).  The one place tensors are born (``ops._common.fast_operator``
    and ``ops._hot`` write the same fields out inline for speed: keep them in step)."""
    if not arr.size and arr.ndim > 1 and not any(arr.strides):
        arr = _empty_strided(arr)     # torch's strides for a new empty tensor (_empty_strides.py)
    t = _new(Tensor)
    t._data = arr
    t._rg = rg
    t.grad_fn = None
    t._grad = None
    t._vc = [0]
    t._accum = None
    t._base = None
    t._out_nr = 0
    if GRAD.inference:
        t.__dict__["_is_inference"] = True
        t._vc = _inference.InferenceVersion(t._vc)
    if _CAPTURE_LEVELS:
        _captures.born(t)
    return t


class Tensor(_tensor_math.TensorMath, TensorSurface, TensorRandom, TensorConvert, metaclass=_TensorMeta):
    __slots__ = ("_data", "_rg", "grad_fn", "_grad", "_vc", "_accum", "_base", "_out_nr",
                 "__dict__", "__weakref__")
    __array_priority__ = 1000      # so ndarray * tensor defers to Tensor.__rmul__
    # True for a view made inside a custom Function (and views of it): torch forbids changing it in place
    _custom_fn_view = False
    # True for an output of unbind/split/chunk (and views of one) made while recording: torch forbids
    # changing it in place
    _multi_view = False
    @property
    def _is_meta(self):
        """True for a tensor on the meta device (see _meta.py): its data is shape and dtype only."""
        return isinstance(self._data, _NoData)

    def __new__(cls, *args, **kwargs):
        """The legacy constructor ``torch.Tensor(data)`` / ``torch.Tensor(2, 3)``: float32."""
        from ._creation import legacy_new
        return legacy_new(cls, args, kwargs)

    # ---- metadata ---------------------------------------------------------------------
    @property
    def shape(self):
        return tuple.__new__(Size, self._data.shape)      # NumPy's ints: Size's checks not needed

    def size(self, dim=None):
        if dim is None:
            return tuple.__new__(Size, self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim, wrap_scalar=False)]

    @property
    def dtype(self):
        return _dt.FROM_NP[self._data.dtype]

    @property
    def device(self):
        if self._is_meta:
            from ._meta import META
            return META
        return CPU

    @property
    def is_cuda(self):
        return False

    @property
    def is_cpu(self):
        return True

    @property
    def is_mps(self):
        return False

    @property
    def is_meta(self):
        return self._is_meta

    @property
    def is_sparse(self):
        return False

    @property
    def is_quantized(self):
        return False

    @property
    def layout(self):
        from . import strided
        return strided

    @property
    def ndim(self):
        return self._data.ndim

    def dim(self):
        return self._data.ndim

    ndimension = dim

    def numel(self):
        return self._data.size

    nelement = numel

    def element_size(self):
        return self._data.itemsize

    def is_floating_point(self):
        return self._data.dtype.kind == "f"

    def is_complex(self):
        return self._data.dtype.kind == "c"

    def is_signed(self):
        return self.dtype.is_signed

    def get_device(self):
        return -1

    @property
    def _version(self):
        if self._vc.__class__ is _inference.InferenceVersion:
            raise RuntimeError(_inference.NO_VERSION)
        return self._vc[0]

    @property
    def itemsize(self):
        return self._data.itemsize

    @property
    def nbytes(self):
        return self._data.nbytes

    # ---- autograd attributes -------------------------------------------------------------
    @property
    def requires_grad(self):
        return self._rg

    @requires_grad.setter
    def requires_grad(self, flag):
        if flag and self.grad_fn is None and self._data.dtype.kind not in "fc":   # (the setter's own wording)
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        self.requires_grad_(flag)

    def requires_grad_(self, *args, **kwargs):
        if kwargs or len(args) > 1 or (args and args[0].__class__ is not bool):
            from ._arg_parser import parser_error
            err = parser_error(("requires_grad_(bool requires_grad=True)",), args, kwargs)
            if err is not None:
                raise err
        requires_grad = args[0] if args else kwargs.get("requires_grad", True)
        if _FUNC_DEPTH[0]:
            _captures.requires_grad_in_transform()
        if self.grad_fn is not None:
            if not requires_grad:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want to use a "
                    "computed variable in a subgraph that doesn't require differentiation use "
                    "var_no_grad = var.detach().")
            return self
        if requires_grad and self._data.dtype.kind not in "fc":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        if requires_grad and not GRAD.inference and self.__dict__.get("_is_inference", False):
            raise RuntimeError("Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.")
        self._rg = bool(requires_grad)
        return self

    def is_inference(self):
        """True for tensors made inside ``torch.inference_mode()``."""
        return self.__dict__.get("_is_inference", False)

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def grad(self):
        if self.grad_fn is not None and not self.retains_grad:
            warnings.warn(NONLEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}")
            want = self.__dict__.get("_grad_dtype", self)         # Tensor.grad_dtype, if set
            want = self._data.dtype if want is self else getattr(want, "np", None)
            if want is not None and value._data.dtype != want:
                raise RuntimeError(_dt.grad_dtype_message(value._data.dtype, want))
            if value._data.shape != self._data.shape:
                raise RuntimeError(f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor of "
                                   f"size '{list(self.shape)}'. Please ensure that the gradient and the tensor are "
                                   "the same size")
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    @property
    def retains_grad(self):
        fn = self.grad_fn
        if fn is None or fn._retained is None:
            return False
        ref = fn._retained.get(self._out_nr)
        return ref is not None and ref() is self

    def retain_grad(self):
        if self.grad_fn is None:
            if not self._rg:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        import weakref
        from .autograd.graph import WATCHERS
        fn = self.grad_fn
        WATCHERS[0] += 1               # for good: the engine's fast path would not fill it
        if fn._retained is None:
            fn._retained = {}
        fn._retained[self._out_nr] = weakref.ref(self)

    def register_hook(self, hook):
        """``hook(grad)`` runs when this tensor's gradient is computed; may return a new one."""
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        from .ops._common import edge
        node, nr = edge(self)
        return node._register_tensor_hook(nr, hook)

    def register_post_accumulate_grad_hook(self, hook):
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        from .ops._common import edge
        from .autograd.graph import add_autograd_hook
        acc = edge(self)[0]
        acc._post_acc, handle = add_autograd_hook(acc._post_acc, hook)
        return handle

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Compute the gradient of this tensor with respect to the graph leaves (adds into ``.grad``)."""
        if gradient is None and not create_graph and inputs is None and _engine.backward_scalar(self, retain_graph):
            return
        from .autograd import backward
        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self):
        t = _wrap(self._data)
        t._vc = self._vc            # a detached tensor shares storage and version with its source
        t._base = None              # but is no view for autograd: in-place ops on it leave the source's graph alone
        if GRAD.inference or self._vc.__class__ is not list:
            _inference.detached(t, self)
        if "_is_conj" in self.__dict__:
            t.__dict__["_is_conj"] = True       # detach of a conj view is still one
        if "_is_neg" in self.__dict__:
            t.__dict__["_is_neg"] = True        # and of a neg view
        return t

    def detach_(self):
        if self._base is not None:           # any view, whether or not it requires grad
            raise RuntimeError("Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel "
                               "(DDP) for training, and gradient_as_bucket_view is set as True, gradients are views of "
                               "DDP buckets, and hence detach_() cannot be called on these gradients. To fix this error, "
                               "please refer to the Optimizer.zero_grad() function in torch/optim/optimizer.py as the "
                               "solution.")
        self.grad_fn = None
        self._rg = False
        return self

    @property
    def data(self):
        t = _wrap(self._data)
        t._vc = [0]
        if GRAD.inference or self._vc.__class__ is not list:
            _inference.detached(t, self)
        if _CAPTURE_LEVELS:
            _captures.alias(t, self)
        return t

    @data.setter
    def data(self, value):
        self._set_data(value._data)

    def _set_data(self, arr):
        """Swap the storage; a new dtype or shape gets a new AccumulateGrad (as torch's set_data),
        since the old one casts and sums gradients to the old ones."""
        old = self._data
        if old.dtype != arr.dtype or old.shape != arr.shape:
            self._accum = None
        self._data = arr

    # ---- conversion to Python and NumPy --------------------------------------------------
    def numpy(self, *, force=False):
        if self._rg and not force and GRAD.enabled:     # (torch allows it under no_grad)
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        if not force and "_is_conj" in self.__dict__:   # (glasstorch stores a conj view resolved already)
            raise RuntimeError("Can't call numpy() on Tensor that has conjugate bit set. "
                               "Use tensor.resolve_conj().numpy() instead.")
        if self._is_meta:
            raise TypeError("can't convert meta device type tensor to numpy. Use Tensor.cpu() to copy the tensor "
                            "to host memory first.")
        from ._vmap_dynamic import note
        note("data", self)
        if not self._data.size:     # torch hands NumPy an empty array's strides as NumPy makes them: all 0
            return np.lib.stride_tricks.as_strided(self._data, strides=(0,) * self._data.ndim)
        return self._data.view()    # a new array object on the same memory, as torch's (never the from_numpy one)

    def __array__(self, dtype=None):
        # as torch: through .numpy() (refused while it requires grad), no ``copy``: NumPy 2 warns and copies
        # itself (np.array(t) a copy, copy=False an error), where an ignored ``copy`` handed out t's memory
        a = self.numpy()
        return a if dtype is None else a.astype(dtype, copy=False)

    def __array_wrap__(self, array):
        """A NumPy function on a tensor gives a tensor back (``np.sin(t)``), bools as uint8; torch's signature."""
        if array.dtype == np.bool_:
            array = array.astype(np.uint8)
        return _wrap(array)

    def __format__(self, spec):
        return _printing.format_tensor(self, spec, is_plain_tensor=type(self) is Tensor)

    def __repr__(self, *, tensor_contents=None):
        if self._is_meta:
            from ._meta import meta_repr
            return meta_repr(self)
        d = self._data
        fn = self.grad_fn
        text = _printing.tensor_repr(d, is_default_dtype=d.dtype == _dt.DEFAULT.float.np or _dt.is_default_complex(d.dtype),
                                     grad_fn_name=None if fn is None else fn.name().rsplit("::", 1)[-1], requires_grad=self._rg,
                                     prefix="tensor(" if type(self) is Tensor or getattr(type(self), "_is_param", False)
                                     else f"{type(self).__name__}(")
        # nn.Parameter(an instance of a user's Tensor subclass) stays that subclass (see nn/parameter.py)
        return f"Parameter({text})" if self.__dict__.get("_is_param") else text

    def __hash__(self):
        return id(self)

    def __reduce_ex__(self, proto):
        from ._utils import reduce_tensor
        # torch's own pickle (torch._utils._rebuild_tensor_v2 over a TypedStorage), where it has one
        reduced = reduce_tensor(self)
        if reduced is not None:
            return reduced
        from ._creation import _rebuild
        return (_rebuild, (self._data, self._rg, type(self)))

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the "
                               "deepcopy protocol at the moment.  If you were attempting to deepcopy a "
                               "module, this may be because of a torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        if id(self) in memo:
            return memo[id(self)]
        if not self._is_meta:      # the whole storage, offset and strides kept
            from .ops.storage import storage_deepcopy
            new = _wrap(storage_deepcopy(self._data, memo), self._rg)
        else:
            new = _wrap(self._data.copy(), self._rg)
        if type(self) is not Tensor:
            new = type(self)(new, requires_grad=self._rg) if hasattr(type(self), "_is_param") else new
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        if self.__dict__:
            for k, v in self.__dict__.items():
                if k in ("_views", "_views_cap"):     # (the source's own views: ops/shape.py)
                    continue
                import copy as _copy
                new.__dict__[k] = _copy.deepcopy(v, memo)
        memo[id(self)] = new
        return new

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        from .utils.dlpack import tensor_dlpack
        return tensor_dlpack(self, stream=stream, max_version=max_version, dl_device=dl_device, copy=copy)

    def __dlpack_device__(self):
        from .utils.dlpack import tensor_dlpack_device
        return tensor_dlpack_device(self)


def _wrap_dim(dim, ndim, wrap_scalar=True):
    """A dim in [-ndim, ndim) as a non-negative index; torch's IndexError otherwise."""
    if dim.__class__ is not int:        # torch's parser takes NumPy ints and 0-d int tensors, refuses the rest
        from ._arg_refuse import int_arg
        dim = int_arg(dim)
    if not ndim and not wrap_scalar:        # size(d), stride(d): torch's maybe_wrap_dim(wrap_scalar=false)
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    n = ndim if ndim else 1
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim + n if dim < 0 else dim


_engine._T = __import__("sys").modules[__name__]
from .autograd import graph as _graph  # noqa: E402
_graph._TENSOR[0] = Tensor
_tensor_math._bind()
from ._tensor_declines import install as _declines  # noqa: E402
_declines(Tensor)           # t * [1, 2] repeats the list, t + "a" is Python's TypeError, as in torch
from ._numpy_names import install_on_class as _numpy_names  # noqa: E402
_numpy_names(Tensor)        # x.sum(axis=0, keepdims=True), as torch's argument parser allows
from ._tensor_dim_order import install as _dim_order  # noqa: E402
_dim_order(Tensor)          # dim_order, storage_type, const_data_ptr, orgqr, reinforce: torch's Python methods
from . import _torch_function  # noqa: E402,F401  (__torch_function__, as_subclass, _make_subclass)
from ._tensor_qualnames import settle as _qualnames  # noqa: E402
_qualnames(Tensor)          # x.tril(k=1) is refused as torch words it: "tril() got an unexpected ..."

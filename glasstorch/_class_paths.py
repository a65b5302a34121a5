"""Where torch keeps each class, so that ``type(x)``, reprs and pickles name glasstorch's as torch's.

torch prints ``<class 'torch.nn.modules.linear.Linear'>``: the class's ``__module__`` and
``__qualname__``.  glasstorch shows the same path with its own name in front after ``import
glasstorch`` (``glasstorch.nn.modules.linear.Linear``), and torch's own path once
``install_as_torch()`` has made ``import torch`` give glasstorch (``use_prefix("torch")``; the shim's
import hook then answers every ``torch.X`` that pickle asks for with ``glasstorch.X``).

Most classes already live in the file torch keeps them in, so Python sets their ``__module__``
right.  ``MOVED`` lists the rest, by the module that defines them: each gets torch's module and
qualname, and the module named gets the class as an attribute, because pickle finds a class by
importing ``__module__`` and looking ``__qualname__`` up there.  Where glasstorch had no such
module, a tiny alias file makes it exist (``_C.py``, ``storage.py``, ``return_types.py``,
``distributions/beta.py`` ...).

A class is settled when the module defining it has been imported: ``_SettleOnImport`` follows every
``glasstorch.*`` import (lazily imported submodules included).  All of it happens at import time;
nothing here runs per op.
"""
import importlib.abc
import importlib.machinery
import sys
import types

from ._module_attr_errors import give_torch_message

_PACKAGE = "glasstorch"
_prefix = _PACKAGE                   # "torch" while install_as_torch() is in effect

# {module that defines the class: {its name there: torch's module.qualname}}
MOVED = {
    "glasstorch._tensor": {"Tensor": "torch.Tensor"},
    "glasstorch._device": {"Size": "torch.Size", "device": "torch.device"},
    "glasstorch._dtype": {"dtype": "torch.dtype", "finfo": "torch.finfo", "iinfo": "torch.iinfo"},
    "glasstorch._quant_dtype": {"qscheme": "torch.qscheme"},
    "glasstorch.types": {n: "torch." + n for n in ("SymInt", "SymFloat", "SymBool")},
    "glasstorch._runtime": {"layout": "torch.layout", "memory_format": "torch.memory_format"},
    "glasstorch._creation": {n: "torch." + n for n in ("FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor",
                                                        "IntTensor", "ShortTensor", "CharTensor", "ByteTensor",
                                                        "BoolTensor")},
    "glasstorch._generator": {"TensorGenerator": "torch._C.Generator"},
    "glasstorch._tracing_state": {"TracingState": "torch.TracingState"},
    "glasstorch._linalg_errors": {"LinAlgError": "torch._C._LinAlgError"},
    "glasstorch._tensor_meta": {"_TensorMeta": "torch._C._TensorMeta"},
    "glasstorch._file_reader": {"PyTorchFileReader": "torch.PyTorchFileReader"},
    "glasstorch.autograd._profiler_emit": {n: "torch.autograd.profiler." + n for n in ("emit_itt", "emit_nvtx")},
    "glasstorch._C_script": {"ScriptModule": "torch.ScriptModule", "ScriptObject": "torch.ScriptObject"},
    "glasstorch._torch_function": {"DisableTorchFunction": "torch._C.DisableTorchFunction",
                                   "DisableTorchFunctionSubclass": "torch._C.DisableTorchFunctionSubclass"},
    "glasstorch._api_legacy": {"OutOfMemoryError": "torch.OutOfMemoryError"},
    "glasstorch._pickle_safe": {"safe_globals": "torch.serialization.safe_globals"},
    "glasstorch._serialization_options": {n: "torch.serialization." + n for n in (
        "SourceChangeWarning", "LoadEndianness", "set_default_mmap_options", "StorageType")},
    "glasstorch._sdp": {"SDPBackend": "torch.nn.attention._SDPBackend"},
    "glasstorch.ops.storage": {"UntypedStorage": "torch.storage.UntypedStorage"},
    "glasstorch._legacy_storage": {**{f"{n}Storage": f"torch.{n}Storage" for n in
                                      ("Double", "Float", "Half", "Long", "Int", "Short", "Char", "Byte", "Bool",
                                       "ComplexDouble", "ComplexFloat")},
                                   "_LegacyStorage": "torch.storage._LegacyStorage"},
    "glasstorch.autograd.graph_hooks": {"save_on_cpu": "torch.autograd.graph.save_on_cpu",
                                        "saved_tensors_hooks": "torch.autograd.graph.saved_tensors_hooks",
                                        "SavedTensor": "torch._C._autograd.SavedTensor"},
    "glasstorch.amp._legacy": {"cuda_GradScaler": "torch.cuda.amp.grad_scaler.GradScaler",
                               "cuda_autocast": "torch.cuda.amp.autocast_mode.autocast",
                               "cpu_autocast": "torch.cpu.amp.autocast_mode.autocast",
                               "cpu_GradScaler": "torch.cpu.amp.grad_scaler.GradScaler"},
    "glasstorch.nn.modules.rnn_cell": {n: "torch.nn.modules.rnn." + n
                                       for n in ("RNNCellBase", "RNNCell", "LSTMCell", "GRUCell")},
    "glasstorch.nn.modules.instancenorm": {"LocalResponseNorm": "torch.nn.modules.normalization.LocalResponseNorm"},
    "glasstorch.nn.modules.lazy_norm": {n: f"torch.nn.modules.{m}.{n}" for m, ns in (
        ("batchnorm", ("LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d", "_LazyNormBase")),
        ("instancenorm", ("LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d"))) for n in ns},
    "glasstorch.nn.modules.pooling3d": {n: "torch.nn.modules.pooling." + n for n in ("AdaptiveMaxPool3d", "MaxUnpool3d")},
    "glasstorch.nn.modules.pooling_fractional": {n: "torch.nn.modules.pooling." + n for n in (
        "FractionalMaxPool2d", "FractionalMaxPool3d")},
    "glasstorch.nn.modules.legacy": {"CrossMapLRN2d": "torch.nn.modules.normalization.CrossMapLRN2d",
                                     "NLLLoss2d": "torch.nn.modules.loss.NLLLoss2d",
                                     "Container": "torch.nn.modules.container.Container"},
    "glasstorch.nn.modules.attention": {"MultiheadAttention": "torch.nn.modules.activation.MultiheadAttention",
                                        "NonDynamicallyQuantizableLinear":
                                            "torch.nn.modules.linear.NonDynamicallyQuantizableLinear"},
    "glasstorch.nn.modules.transformer_decoder": {n: "torch.nn.modules.transformer." + n for n in
                                                  ("Transformer", "TransformerDecoder", "TransformerDecoderLayer")},
    "glasstorch.autograd.graph": {"RemovableHandle": "torch.utils.hooks.RemovableHandle"},
    "glasstorch.nn.modules._hooks": {"BackwardHookFunctionBackward":
                                         "torch.autograd.function.BackwardHookFunctionBackward"},
    "glasstorch.nn.modules._state_dict": {"_IncompatibleKeys": "torch.nn.modules.module._IncompatibleKeys"},
    "glasstorch.optim._adafactor": {"Adafactor": "torch.optim.Adafactor"},
    "glasstorch.optim._muon": {"Muon": "torch.optim.Muon"},
    "glasstorch.distributions.dirichlet": {"Beta": "torch.distributions.beta.Beta"},
    "glasstorch.distributions.gamma": {"Exponential": "torch.distributions.exponential.Exponential"},
    "glasstorch.distributions.constraints": {
        "dependent_property": "torch.distributions.constraints._DependentProperty"},
    "glasstorch.distributions._transforms_pointwise": {
        n: "torch.distributions.transforms." + n for n in (
            "AbsTransform", "AffineTransform", "ExpTransform", "LowerCholeskyTransform", "PositiveDefiniteTransform",
            "PowerTransform",
            "SigmoidTransform", "SoftmaxTransform", "SoftplusTransform", "StickBreakingTransform", "TanhTransform")},
    "glasstorch.utils.data.dataloader": {
        "_SingleProcessIter": "torch.utils.data.dataloader._SingleProcessDataLoaderIter"},
    "glasstorch.futures": {"_CFuture": "torch.Future", "Future": "torch.jit.Future"},
    "glasstorch.utils.data._workers": {
        "WorkersIter": "torch.utils.data.dataloader._MultiProcessingDataLoaderIter"},
    "glasstorch.utils.data._iter_base": {
        "_BaseDataLoaderIter": "torch.utils.data.dataloader._BaseDataLoaderIter"},
}

# a pybind11 enum's ``__name__`` is not the tail of its qualname; everything else's is
_NAME = {"torch.nn.attention._SDPBackend": "SDPBackend"}

# torch's modules that are namespaces built in _runtime.py, not files: they exist as entries in
# sys.modules only, so that pickle can import them
_BUILT = ("glasstorch.cuda.amp.grad_scaler", "glasstorch.cuda.amp.autocast_mode", "glasstorch.cpu.amp.autocast_mode",
          "glasstorch.cpu.amp.grad_scaler", "glasstorch._C._autograd")

_defined_in = {}                      # id(class) -> the glasstorch module whose file defines it (MOVED only)
_expose = {}                          # glasstorch module -> {name: class} it must hold for pickle
_renamed = {}                         # id(class) -> class, for each class use_prefix("torch") renamed


# ---- is this ours? ----------------------------------------------------------------------------------
def _head(name):
    return name.partition(".")[0]


def _module_of(obj):
    """``obj.__module__``, but a graph node class's own module: it reads as a C++ class ("builtins"), as
    torch's nodes print, and keeps its file's module in ``_home``."""
    home = getattr(obj, "_home", None)
    return home if home and isinstance(home, str) else getattr(obj, "__module__", None)


def is_ours(obj):
    """True for a glasstorch class or function (or a module name) under either prefix it can show:
    ``glasstorch...`` always, ``torch...`` while install_as_torch() is in effect."""
    name = obj if isinstance(obj, str) else _module_of(obj)
    if not isinstance(name, str):
        return False
    head = _head(name)
    return head == _PACKAGE or (head == "torch" and _prefix == "torch")


def defined_in(obj):
    """The glasstorch module whose file defines ``obj`` (``__module__`` may name torch's home)."""
    name = _defined_in.get(id(obj))
    if name is None:
        name = _module_of(obj) or ""
        if is_ours(name):
            name = _PACKAGE + name[len(_head(name)):]
    return name


def _swap(name, prefix):
    return prefix + name[len(_head(name)):]


def as_torch(name):
    """``glasstorch.nn.modules.linear`` -> ``torch.nn.modules.linear`` (a name of ours, either prefix)."""
    return _swap(name, "torch")


def place(cls, torch_module):
    """Give a class made at run time (a return type) torch's module, with the prefix now in use."""
    cls.__module__ = _swap(torch_module, _prefix)
    if _prefix != _PACKAGE:
        _renamed[id(cls)] = cls


# ---- settling -------------------------------------------------------------------------------------
def settle(module):
    """Give the classes ``module`` defines their torch path (and, under the shim, torch's prefix)."""
    name = module.__name__
    give_torch_message(module)          # "module 'torch.X' has no attribute ..." (_module_attr_errors.py)
    for attr, torch_path in MOVED.get(name, {}).items():
        cls = vars(module).get(attr)
        if isinstance(cls, type):
            _move(cls, name, torch_path)
    for attr, cls in _expose.get(name, {}).items():
        if attr not in vars(module):
            setattr(module, attr, cls)
    if _prefix != _PACKAGE:
        # as install_as_torch() did for the modules loaded before it: torch.X is this module too, so
        # that inspect (and pickle) find a renamed class's module under the name it shows
        sys.modules.setdefault(_swap(name, _prefix), module)
        _rename_in(module)


def _move(cls, home, torch_path):
    torch_module, _, qualname = torch_path.rpartition(".")
    _defined_in[id(cls)] = home
    cls.__qualname__ = qualname
    cls.__name__ = _NAME.get(torch_path, qualname)
    cls.__module__ = _swap(torch_module, _prefix)
    if _prefix != _PACKAGE:
        _renamed[id(cls)] = cls
    target = _swap(torch_module, _PACKAGE)
    _expose.setdefault(target, {})[qualname] = cls
    if target in _BUILT and target not in sys.modules:
        sys.modules[target] = types.ModuleType(target, f"torch's {torch_module}, kept for pickle")
    loaded = sys.modules.get(target)
    if loaded is not None and qualname not in vars(loaded):
        setattr(loaded, qualname, cls)


def _rename_in(module):
    for value in list(vars(module).values()):
        # a function a pickle names (torch._utils._rebuild_tensor_v2): torch's path, as the classes
        if isinstance(value, types.FunctionType) and value.__dict__.get("_pickled_by_path") \
                and _head(value.__module__) == _PACKAGE:
            value.__module__ = _swap(value.__module__, _prefix)
            _renamed[id(value)] = value
        if isinstance(value, type) and _head(value.__dict__.get("__module__") or "") == _PACKAGE:
            value.__module__ = _swap(value.__module__, _prefix)
            _renamed[id(value)] = value
            # an autograd.Function of ours (CheckpointFunction): its node class is no module attribute
            node = value.__dict__.get("_backward_cls")
            if isinstance(node, type) and _head(node.__dict__.get("__module__") or "") == _PACKAGE:
                node.__module__ = _swap(node.__module__, _prefix)
                _renamed[id(node)] = node


def use_prefix(prefix):
    """``"torch"``: every glasstorch class shows torch's path (install_as_torch); ``"glasstorch"``: back."""
    global _prefix
    _prefix = prefix
    if prefix == _PACKAGE:
        for cls in _renamed.values():
            cls.__module__ = _swap(cls.__module__, _PACKAGE)
        _renamed.clear()
        return
    for name, module in list(sys.modules.items()):
        if _head(name) == _PACKAGE and isinstance(module, types.ModuleType):
            _rename_in(module)


# ---- the post-import hook ---------------------------------------------------------------------------
class _SettleOnImport(importlib.abc.MetaPathFinder):
    """Finds ``glasstorch.X`` as Python would, with a loader that settles the module once it has run."""

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith(_PACKAGE + "."):
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is not None and spec.loader is not None:
            spec.loader = _Settling(spec.loader)
        return spec


class _Settling(importlib.abc.Loader):
    """Python's loader for one module (everything else, ``get_source`` ..., is passed to it), then
    ``settle``; the module keeps Python's own loader."""

    def __init__(self, loader):
        self.loader = loader

    def __getattr__(self, name):
        return getattr(self.loader, name)

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        module.__loader__ = module.__spec__.loader = self.loader
        self.loader.exec_module(module)
        settle(module)


_HOOK = _SettleOnImport()


def install():
    """Settle what is loaded, and every ``glasstorch.*`` module imported from now on."""
    if _HOOK not in sys.meta_path:
        sys.meta_path.insert(0, _HOOK)
    for name, module in list(sys.modules.items()):
        if _head(name) == _PACKAGE and isinstance(module, types.ModuleType):
            settle(module)

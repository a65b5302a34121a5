"""``torch.onnx``: importable, so that programs which offer an ONNX export behind a flag run; the
export itself needs a traced program (TorchScript or torch.export), which glasstorch does not have,
so ``export`` raises instead of writing a file that is not there.  Export with real PyTorch: the
model's ``state_dict`` saved by glasstorch loads there unchanged."""
import contextlib
import enum

from .torch_version import __version__ as _version

producer_name = "pytorch"
producer_version = str(_version).split("+")[0]


class _Enum(enum.Enum):
    """As torch's (pybind11) enums: printed ``TrainingMode.EVAL``, ``int()`` gives the value, and a
    member is not equal to its number."""

    def __str__(self):
        return f"{type(self).__name__}.{self.name}"

    def __int__(self):
        return self.value

    __index__ = __int__


class OperatorExportTypes(_Enum):
    ONNX = 0
    ONNX_ATEN = 1
    ONNX_ATEN_FALLBACK = 2
    ONNX_FALLTHROUGH = 3


class TrainingMode(_Enum):
    EVAL = 0
    PRESERVE = 1
    TRAINING = 2


class _IntEnum(int, _Enum):
    """torch's arithmetic enums: also equal to their numbers."""

    __format__ = object.__format__


class TensorProtoDataType(_IntEnum):
    UNDEFINED = 0
    FLOAT = 1
    UINT8 = 2
    INT8 = 3
    UINT16 = 4
    INT16 = 5
    INT32 = 6
    INT64 = 7
    STRING = 8
    BOOL = 9
    FLOAT16 = 10
    DOUBLE = 11
    UINT32 = 12
    UINT64 = 13
    COMPLEX64 = 14
    COMPLEX128 = 15
    BFLOAT16 = 16
    FLOAT8E4M3FN = 17
    FLOAT8E4M3FNUZ = 18
    FLOAT8E5M2 = 19
    FLOAT8E5M2FNUZ = 20


class OnnxExporterError(RuntimeError):
    """Errors raised by the ONNX exporter."""


def _no_export(what):
    return NotImplementedError(f"{what}: glasstorch cannot export to ONNX (the exporter traces the model with "
                               f"TorchScript or torch.export, which glasstorch does not have); save the state_dict "
                               f"and export with PyTorch")


def export(model, args=(), f=None, *, kwargs=None, **options):
    """Raises: see the module docstring."""
    raise _no_export("torch.onnx.export")


def is_in_onnx_export():
    """Whether an ONNX export is tracing right now: never, in glasstorch."""
    return False


# registered at import by libraries (torchvision): kept, as torch keeps them for its exporter
from ._onnx_symbolic import register_custom_op_symbolic, unregister_custom_op_symbolic  # noqa: E402
from ._onnx_symbolic import symbolic_helper, opsets as _opsets  # noqa: E402,F401
globals().update({f"symbolic_opset{n}": m for n, m in _opsets.items()})
__path__ = []        # a package to the import system, so that ``import torch.onnx.symbolic_helper`` finds these


@contextlib.contextmanager
def select_model_mode_for_export(model, mode):
    """Puts ``model`` in the training mode an export asks for, and back afterwards."""
    if not isinstance(mode, TrainingMode):
        raise TypeError(f"'mode' should be a torch.onnx.TrainingMode enum, but got '{type(mode)}'.")
    was = model.training
    if mode != TrainingMode.PRESERVE:
        model.train(mode == TrainingMode.TRAINING)
    try:
        yield
    finally:
        model.train(was)


__all__ = ["OperatorExportTypes", "TrainingMode", "TensorProtoDataType", "OnnxExporterError", "export",
           "is_in_onnx_export", "register_custom_op_symbolic", "unregister_custom_op_symbolic",
           "select_model_mode_for_export", "producer_name", "producer_version"]

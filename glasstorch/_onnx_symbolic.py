"""``torch.onnx``'s symbolic-function side: ``register_custom_op_symbolic``, ``symbolic_helper.parse_args``
and the ``symbolic_opset<N>`` modules.

Libraries register ONNX symbolics for their custom operators at import (torchvision does, for nms
and roi_align), long before any export.  torch checks the name and keeps the function for the
exporter; glasstorch checks the name the same way and keeps it too, though no export will ever
read it (``torch.onnx.export`` raises, see ``onnx``).  The symbolic functions themselves build ONNX
graph nodes and only run inside an export, so ``parse_args`` marks a function as torch does, and
the opset modules hand out functions that raise glasstorch's no-export error when called.
"""
import functools
import re
import types

registry = {}            # (symbolic name, opset version) -> symbolic function


def _verify_custom_op_name(symbolic_name):
    from .onnx import OnnxExporterError
    if not re.match(r"^[a-zA-Z0-9-_]+::[a-zA-Z-_]+[a-zA-Z0-9-_]*$", symbolic_name):
        raise OnnxExporterError(f"Failed to register operator {symbolic_name}. The symbolic name must match the "
                                "format domain::name, and should start with a letter and contain only "
                                "alphanumeric characters")
    ns = symbolic_name.split("::")[0]
    if ns == "onnx":
        raise ValueError(f"Failed to register operator {symbolic_name}. {ns} domain cannot be modified.")


def register_custom_op_symbolic(symbolic_name, symbolic_fn, opset_version):
    """Keep ``symbolic_fn`` as the ONNX symbolic of "domain::op" from ``opset_version`` on."""
    if symbolic_name.startswith("::"):
        symbolic_name = f"aten{symbolic_name}"
    _verify_custom_op_name(symbolic_name)
    registry[(symbolic_name, opset_version)] = symbolic_fn


def unregister_custom_op_symbolic(symbolic_name, opset_version):
    if symbolic_name.startswith("::"):
        symbolic_name = f"aten{symbolic_name}"
    _verify_custom_op_name(symbolic_name)
    registry.pop((symbolic_name, opset_version), None)


def parse_args(*arg_descriptors):
    """Decorator: torch converts a symbolic's graph values to Python types by these descriptors
    ("v", "i", "f", ...) when an export calls it; no export calls it here."""
    def decorator(fn):
        fn._arg_descriptors = arg_descriptors

        @functools.wraps(fn)
        def wrapper(g, *args, **kwargs):
            from .onnx import _no_export
            raise _no_export(f"the ONNX symbolic {fn.__name__}")
        return wrapper
    return decorator


class _OpsetModule(types.ModuleType):
    """``torch.onnx.symbolic_opset<N>``: its functions run only inside an export."""

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(f"module '{self.__name__}' has no attribute '{name}'")

        def symbolic(g, *args, **kwargs):
            from .onnx import _no_export
            raise _no_export(f"{self.__name__}.{name}")
        symbolic.__name__ = symbolic.__qualname__ = name
        return symbolic


symbolic_helper = types.ModuleType("torch.onnx.symbolic_helper",
                                   "torch's helpers for ONNX symbolic functions (parse_args).")
symbolic_helper.parse_args = parse_args
opsets = {n: _OpsetModule(f"torch.onnx.symbolic_opset{n}") for n in range(7, 21)}

"""``torch._C``: the classes torch writes in C++ that glasstorch has, under torch's names for them.

``type(torch.Generator())`` prints ``<class 'torch._C.Generator'>`` and a failed factorisation raises
``torch._C._LinAlgError``; pickle finds both here (see ``_class_paths.py``)."""
from ._generator import TensorGenerator as Generator  # noqa: F401
from ._linalg_errors import LinAlgError as _LinAlgError  # noqa: F401
from ._tensor_meta import _TensorMeta  # noqa: F401
from ._file_reader import PyTorchFileReader  # noqa: F401
from ._C_script import ScriptModule, ScriptObject  # noqa: F401
from .autograd._graph_task import (current_graph_task_id as _current_graph_task_id,  # noqa: F401
                                   will_engine_execute_node as _will_engine_execute_node)
from ._torch_function import (_disabled_torch_function_impl, DisableTorchFunction,  # noqa: F401,E402
                              DisableTorchFunctionSubclass)
from ._function_mode import (_len_torch_function_stack, _get_function_stack_at,  # noqa: F401,E402
                             _is_torch_function_mode_enabled, _push_mode as _push_on_torch_function_stack,
                             _pop_mode as _pop_torch_function_stack)
from ._tracing_state import TracingState, _get_tracing_state  # noqa: F401,E402
from . import _C_nn as _nn  # noqa: F401,E402  (torch._C._nn._parse_to)
from ._C_dispatch import DispatchKey, DispatchKeySet, _ExcludeDispatchKeyGuard  # noqa: F401,E402
from ._tag import Tag  # noqa: F401,E402  (torch._C.Tag is torch.Tag)
from .autograd._grad_layout_policy import (_is_grad_layout_enforcement_enabled,  # noqa: F401,E402
                                            _set_grad_layout_enforcement_enabled)


def _log_api_usage_once(event):
    """torch's usage logger (a no-op unless a C++ logging handler is installed); libraries such as
    torchmetrics call it in their constructors, so it takes a string and does nothing."""
    if not isinstance(event, str):
        raise TypeError("bad argument type for built-in operation")


def _set_default_tensor_type(t):
    from ._api_legacy import _set_default_tensor_type as impl
    return impl(t)


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(f"module 'torch._C' has no attribute '{name}': torch._C.{name} is not implemented in "
                         f"glasstorch yet")

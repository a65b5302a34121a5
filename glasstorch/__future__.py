"""``torch.__future__``: two switches for what ``nn.Module`` conversions (``.to``, ``.double()``,
``.to_empty``) do to a module's parameters (see ``nn/modules/_conversion.py``):

* off (the default): the parameter object stays, its data is replaced (``param.data = new``);
* ``set_overwrite_module_params_on_conversion(True)``: a new ``Parameter`` object replaces it;
* ``set_swap_module_params_on_conversion(True)`` (wins over the other): the old object and the
  converted one trade their contents with ``torch.utils.swap_tensors``, so the object stays and
  everything about it (class, attributes, data) is the new one's.
"""
_overwrite_module_params_on_conversion = False
_swap_module_params_on_conversion = False

__all__ = ["set_overwrite_module_params_on_conversion", "get_overwrite_module_params_on_conversion",
           "set_swap_module_params_on_conversion", "get_swap_module_params_on_conversion"]


def set_overwrite_module_params_on_conversion(value):
    global _overwrite_module_params_on_conversion
    _overwrite_module_params_on_conversion = value


def get_overwrite_module_params_on_conversion():
    return _overwrite_module_params_on_conversion


def set_swap_module_params_on_conversion(value):
    global _swap_module_params_on_conversion
    _swap_module_params_on_conversion = value


def get_swap_module_params_on_conversion():
    return _swap_module_params_on_conversion

"""``quantize_dynamic``: swap each ``nn.Linear`` below the model for a ``DynamicQuantizedLinear``."""
import copy
import warnings

DEPRECATED = (
    "torch.ao.quantization is deprecated and will be removed in 2.10. \n"
    "For migrations of users: \n"
    "1. Eager mode quantization (torch.ao.quantization.quantize, torch.ao.quantization.quantize_dynamic), please "
    "migrate to use torchao eager mode quantize_ API instead \n"
    "2. FX graph mode quantization (torch.ao.quantization.quantize_fx.prepare_fx,torch.ao.quantization.quantize_fx."
    "convert_fx, please migrate to use torchao pt2e quantization API instead (prepare_pt2e, convert_pt2e) \n"
    "3. pt2e quantization has been migrated to torchao (https://github.com/pytorch/ao/tree/main/torchao/"
    "quantization/pt2e) \n"
    "see https://github.com/pytorch/ao/issues/2259 for more details")


def quantize_dynamic(model, qconfig_spec=None, dtype=None, mapping=None, inplace=False):
    """A copy of ``model`` (the model itself with ``inplace=True``) whose submodules of a type in
    ``qconfig_spec`` (a set of module types; default: nn.Linear) are replaced by their dynamic quantized forms.
    The model itself is never replaced, only what it contains."""
    from ... import nn, qint8
    from ..nn.quantized.dynamic import Linear as DynamicLinear
    warnings.warn(DEPRECATED, DeprecationWarning, stacklevel=2)
    dtype = qint8 if dtype is None else dtype
    if dtype is not qint8:
        raise NotImplementedError(f"glasstorch's quantize_dynamic has only dtype=torch.qint8 (got {dtype})")
    if qconfig_spec is None:
        qconfig_spec = {nn.Linear}
    elif isinstance(qconfig_spec, dict):
        qconfig_spec = set(k for k in qconfig_spec if not isinstance(k, str))
    mapping = {nn.Linear: DynamicLinear} if mapping is None else mapping
    types = {t for t in qconfig_spec if t in mapping}
    if not inplace:
        model = copy.deepcopy(model)
    _swap(model, types, mapping)
    return model


def _swap(module, types, mapping):
    for name, child in list(module.named_children()):
        if type(child) in types:
            setattr(module, name, mapping[type(child)].from_float(child))
        else:
            _swap(child, types, mapping)

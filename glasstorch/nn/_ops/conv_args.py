"""Argument types of ``conv1d`` .. ``conv3d`` and ``conv_transpose1d`` .. ``conv_transpose3d``: torch binds
them with its C argument parser, so a float stride, a string padding of a transposed convolution or a
float groups is its TypeError ("conv_transpose1d(): argument 'padding' must be tuple of ints, not str"),
raised for the call as the user made it (``_arg_refuse.refuse``)."""
from ... import _arg_refuse

_ARRAY = "SymIntArrayRef[{n}]"
SIGNATURES = {}
for _n in (1, 2, 3):
    _a = _ARRAY.format(n=_n)
    SIGNATURES[f"conv{_n}d"] = (
        f"conv{_n}d(Tensor input, Tensor weight, Tensor? bias=None, {_a} stride=1, {_a} padding=0, "
        f"{_a} dilation=1, SymInt groups=1)",
        f"conv{_n}d(Tensor input, Tensor weight, Tensor? bias=None, {_a} stride=1, "
        f"c10::string_view padding=\"valid\", {_a} dilation=1, SymInt groups=1)",
    )
    SIGNATURES[f"conv_transpose{_n}d"] = (
        f"conv_transpose{_n}d(Tensor input, Tensor weight, Tensor? bias=None, {_a} stride=1, {_a} padding=0, "
        f"{_a} output_padding=0, SymInt groups=1, {_a} dilation=1)",
    )
for _name, _sigs in SIGNATURES.items():
    _arg_refuse.FUNCTIONS.setdefault(_name, _sigs)


def _ints(v):
    if v.__class__ is int:
        return True
    return isinstance(v, (tuple, list)) and all(i.__class__ is int for i in v)


def _as_ints(v):
    if isinstance(v, (tuple, list)):
        return tuple(int(i) for i in v)
    return int(v)


def check(name, input, weight, bias, stride, padding, dilation, groups, output_padding=0, transposed=False):
    """``(stride, padding, dilation, groups, output_padding)``, refused as torch's parser refuses a
    parameter that is not an int (or ints; a padding string for a plain convolution); what it takes
    besides Python ints (NumPy integers, 0-d integer tensors, bools) comes back as Python ints."""
    from ..._tensor import Tensor
    pad_ok = _ints(padding) or (not transposed and isinstance(padding, str))
    if pad_ok and _ints(stride) and _ints(dilation) and _ints(output_padding) and groups.__class__ is int:
        if bias is None or isinstance(bias, Tensor):
            return stride, padding, dilation, groups, output_padding
    _arg_refuse.refuse()            # the user's own call, as made
    try:
        stride, dilation, groups, output_padding = (_as_ints(v) for v in (stride, dilation, groups, output_padding))
        padding = padding if isinstance(padding, str) and not transposed else _as_ints(padding)
        if bias is not None and not isinstance(bias, Tensor):
            raise TypeError
    except (TypeError, ValueError):
        # a call from glasstorch's own Python (a module's forward): torch's modules pass all positionally
        args = ((input, weight, bias, stride, padding, output_padding, groups, dilation) if transposed
                else (input, weight, bias, stride, padding, dilation, groups))
        err = _arg_refuse.parser_error(SIGNATURES[name], args)
        if err is None:
            raise
        raise err from None
    return stride, padding, dilation, groups, output_padding

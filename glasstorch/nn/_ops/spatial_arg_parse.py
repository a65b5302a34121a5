"""The argument parser's view of ``F.max_pool1d/2d/3d``, ``F.avg_pool1d/2d/3d``, ``F.unfold`` / ``F.fold``
and ``F.pixel_shuffle`` / ``F.pixel_unshuffle``.

torch hands these to C++ ops whose parser takes only ints (anything with ``__index__``: a NumPy integer,
an integer tensor) for the sizes, and only bools for the flags: ``F.max_pool2d(x, 2.0)`` is
"max_pool2d(): argument 'kernel_size' (position 2) must be tuple of ints, not float", and
``ceil_mode="a"`` is refused too, where glasstorch's int() would take them.  torch's F.max_poolNd is
Python that calls its op positionally (``stride=None`` as ``[]``), so the parser numbers every argument;
F.avg_poolNd *is* the op, so a keyword argument is named without a position.

F.unfold / F.fold are Python calling ``im2col`` / ``col2im`` positionally, each size through ``_pair``
(an iterable as a tuple, anything else twice): ``F.unfold(x, 2.0)`` is "im2col(): argument
'kernel_size' (position 2) must be tuple of ints, but found element of type float at pos 0".

``PRE[name](*args, **kwargs)`` is run before the op: None in the common case (plain ints and bools,
nothing the parser could refuse); else the parser's TypeError (returned, for the caller to raise: a
TypeError raised is Python's own, for a call with the wrong arguments, which the op itself then
reports), or the call with its sizes made Python ints.
"""
import collections.abc
import operator

from ..._arg_parser import parser_error
from ..._arg_refuse import no_attribute
from ..._tensor import Tensor


def _plain(v):
    t = type(v)
    return t is int or (t is tuple or t is list) and all(type(e) is int for e in v)


def _ints(v):
    if v is None:
        return None
    if isinstance(v, (tuple, list)):
        return tuple(operator.index(e) for e in v)
    return operator.index(v)


def _max_sig(op, nd):
    a = f"IntArrayRef[{nd}]"
    return (f"{op}(Tensor input, {a} kernel_size, {a} stride=None, {a} padding=0, {a} dilation=1, "
            "bool ceil_mode=False)",)


def _avg_sig(nd):
    a = f"IntArrayRef[{nd}]"
    tail = "" if nd == 1 else ", int64_t? divisor_override=None, *, Tensor out=None"
    return (f"avg_pool{nd}d(Tensor input, {a} kernel_size, {a} stride=None, {a} padding=0, bool ceil_mode=False, "
            f"bool count_include_pad=True{tail})",)


def _max_pool(nd):
    plain, with_indices = _max_sig(f"max_pool{nd}d", nd), _max_sig(f"max_pool{nd}d_with_indices", nd)

    def pre(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
        if (_plain(kernel_size) and (stride is None or _plain(stride)) and _plain(padding) and _plain(dilation)
                and type(ceil_mode) is bool and isinstance(input, Tensor)):
            return None
        if nd == 3 and return_indices and not isinstance(input, Tensor):
            return no_attribute(input, "is_cuda")      # torch's Python reads input.is_cuda first
        call = (input, kernel_size, [] if stride is None else stride, padding, dilation, ceil_mode)
        err = parser_error(with_indices if return_indices else plain, call)
        if err is not None:
            return err
        return (input, _ints(kernel_size), _ints(stride), _ints(padding), _ints(dilation), ceil_mode,
                return_indices), {}
    return pre


def _avg_pool(nd):
    sig = _avg_sig(nd)

    def check(args, kwargs, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override):
        if (_plain(kernel_size) and (stride is None or _plain(stride)) and _plain(padding)
                and type(ceil_mode) is bool and type(count_include_pad) is bool
                and (divisor_override is None or type(divisor_override) is int) and isinstance(input, Tensor)):
            return None
        err = parser_error(sig, args, kwargs)       # the user's call, as given: F.avg_poolNd is the op
        if err is not None:
            return err
        out = (input, _ints(kernel_size), _ints(stride), _ints(padding), ceil_mode, count_include_pad)
        return (out if nd == 1 else out + (_ints(divisor_override),)), {}

    if nd == 1:
        def pre(*args, **kwargs):
            return check(args, kwargs, *_avg1_args(*args, **kwargs), None)
    else:
        def pre(*args, **kwargs):
            return check(args, kwargs, *_avg_args(*args, **kwargs))
    return pre


def _avg1_args(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    return input, kernel_size, stride, padding, ceil_mode, count_include_pad


def _avg_args(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
              divisor_override=None):
    return input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override


def _pair(v):
    return tuple(v) if isinstance(v, collections.abc.Iterable) else (v, v)


def _im2col_args(input, sizes, schema):
    """unfold's / fold's sizes as torch's im2col / col2im parser sees them (each through _pair): None for
    plain ints, else the error to raise or (args, kwargs) with the sizes as ints."""
    if all(_plain(v) for v in sizes) and isinstance(input, Tensor):
        return None
    try:
        pairs = tuple(_pair(v) for v in sizes)
    except TypeError as e:      # torch's _pair iterates a tensor: a 0-d one cannot be
        return e
    err = parser_error(schema, (input,) + pairs)
    if err is not None:
        return err
    return (input,) + tuple(_ints(v) for v in sizes), {}


def _unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    return _im2col_args(input, (kernel_size, dilation, padding, stride), _IM2COL)


def _fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    return _im2col_args(input, (output_size, kernel_size, dilation, padding, stride), _COL2IM)


_IM2COL = ("im2col(Tensor input, IntArrayRef[2] kernel_size, IntArrayRef[2] dilation, IntArrayRef[2] padding, "
           "IntArrayRef[2] stride)",)
_COL2IM = ("col2im(Tensor input, SymIntArrayRef[2] output_size, IntArrayRef[2] kernel_size, IntArrayRef[2] dilation, "
           "IntArrayRef[2] padding, IntArrayRef[2] stride)",)


def _shuffle(op, factor):
    sig = (f"{op}(Tensor input, int64_t {factor})",)

    def pre(*args, **kwargs):
        if len(args) == 2 and not kwargs and type(args[1]) is int and isinstance(args[0], Tensor):
            return None
        err = parser_error(sig, args, kwargs)       # F.pixel_shuffle is the op: the call as given
        if err is not None:
            return err
        full = dict(zip(("input", factor), args), **kwargs)
        return (full["input"], operator.index(full[factor])), {}
    return pre


PRE = {"unfold": _unfold, "fold": _fold, "pixel_shuffle": _shuffle("pixel_shuffle", "upscale_factor"),
       "pixel_unshuffle": _shuffle("pixel_unshuffle", "downscale_factor"),
       "max_pool1d": _max_pool(1), "max_pool2d": _max_pool(2), "max_pool3d": _max_pool(3),
       "avg_pool1d": _avg_pool(1), "avg_pool2d": _avg_pool(2), "avg_pool3d": _avg_pool(3)}

"""Tensor printing, character for character as torch 2.13 prints it.

This module knows nothing about glasstorch's ``Tensor``: it turns a NumPy array plus a little
metadata (dtype name, grad_fn name, ...) into torch's repr string.  How the caller uses it::

    def __repr__(self):                       # Tensor.__repr__ (and __str__: torch has none)
        return tensor_repr(self.data, dtype_name=self.dtype.name,
                           is_default_dtype=self.dtype is get_default_dtype(),
                           grad_fn_name=None if self.grad_fn is None else type(self.grad_fn).__name__,
                           requires_grad=self.requires_grad)

    def __repr__(self):                       # Parameter.__repr__
        return "Parameter containing:\\n" + Tensor.__repr__(self)

    def __format__(self, spec):               # Tensor.__format__
        return format_tensor(self, spec, is_plain_tensor=type(self) is Tensor)

The layout is ``"tensor(" + body + suffixes + ")"``.

* One element formatter is built for the whole tensor (see ``_Formatter``); every element is
  right-aligned to its width.
* A 1-d body is ``[a, b, ...]`` wrapped to ``linewidth``; an n-d body joins its sub-tensors with
  ``","`` plus ``dim - 1`` newlines and one more space of indentation per level.
* Above ``threshold`` elements, every dimension longer than ``2 * edgeitems`` shows only its first
  and last ``edgeitems`` entries, with ``" ..."`` (1-d) or a ``"..."`` line (n-d) between them.
* Suffixes, in order: ``device=``, ``size=`` (empty or ``edgeitems == 0``), ``dtype=``, then
  ``grad_fn=<...>`` or else ``requires_grad=True``.
"""
import contextlib
import math

import numpy as np

__all__ = ["PrintOptions", "PRINT_OPTS", "set_printoptions", "get_printoptions", "printoptions",
           "tensor_repr", "format_tensor", "format_scalar"]


class PrintOptions:
    """The module-wide print options; ``sci_mode=None`` means "decide per tensor"."""

    __slots__ = ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")

    def __init__(self):
        self.precision = 4
        self.threshold = 1000
        self.edgeitems = 3
        self.linewidth = 80
        self.sci_mode = None

    def __repr__(self):     # torch's is a dataclass, named __PrinterOptions
        return "__PrinterOptions(" + ", ".join(f"{k}={v!r}" for k, v in get_printoptions().items()) + ")"


PRINT_OPTS = PrintOptions()

_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """Set print options as ``torch.set_printoptions`` does.

    A known ``profile`` ('default', 'short', 'full') first sets the four numeric options (an
    unknown name is ignored, as in torch); each numeric argument that is not None then overrides.
    ``sci_mode`` is always assigned, so any call without it goes back to automatic mode.
    """
    if profile in _PROFILES:
        for name, value in _PROFILES[profile].items():
            setattr(PRINT_OPTS, name, value)
    for name, value in (("precision", precision), ("threshold", threshold),
                        ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if value is not None:
            setattr(PRINT_OPTS, name, value)
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """The current options as a dict that can be passed back to ``set_printoptions(**d)``."""
    return {name: getattr(PRINT_OPTS, name) for name in PrintOptions.__slots__}


@contextlib.contextmanager
def printoptions(**kwargs):
    """Temporarily change the print options (same arguments as ``set_printoptions``)."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


class _Formatter:
    """Turns one element (a Python scalar) into its padded string; built once per tensor.

    Integers and bools print as ``str(v)``.  For floats only the finite non-zero values decide:
    ``int_mode`` if all are whole numbers; scientific if ``sci_mode`` is forced on, or (automatic)
    if ``max|v| / min|v| > 1000``, ``max|v| > 1e8`` or ``min|v| < 1e-4``.  Int mode prints ``3.``
    (no dot after nan/inf), sci mode ``3.0000e+00``, fixed mode ``3.0000``.  The width is the
    longest of those strings over the considered values (``+1`` for int mode's dot).  With no such
    value at all the formatter stays in int mode, width 1, whatever ``sci_mode`` says.
    """

    __slots__ = ("int_mode", "sci_mode", "width", "spec", "dot")

    def __init__(self, values, floating, opts):
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        self.spec = ".0f" if floating else ""     # format(v, "") is str(v) for int and bool
        self.dot = floating                         # int mode: "3." marks a float dtype
        if not floating:
            self.width = max(map(len, map(str, values)))
            return
        # `v` is falsy for 0.0 and -0.0; nan is truthy but not finite.
        shown = [v for v in values if v and math.isfinite(v)]
        if not shown:
            return
        magnitudes = [abs(v) for v in shown]
        lo, hi = min(magnitudes), max(magnitudes)
        self.int_mode = all(v.is_integer() for v in shown)
        if opts.sci_mode is None:
            # Python floats are doubles, so this is the float64 arithmetic torch uses.
            self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
        else:
            self.sci_mode = bool(opts.sci_mode)
        p = opts.precision
        if self.sci_mode:
            self.width = max(len(f"{v:.{p}e}") for v in shown)
            self.spec = f"{self.width}.{p}e"
            self.dot = False
        elif self.int_mode:
            self.width = max(len(f"{v:.0f}") for v in shown) + 1
        else:
            self.width = max(len(f"{v:.{p}f}") for v in shown)
            self.spec = f".{p}f"
            self.dot = False

    def format(self, value):
        text = format(value, self.spec)
        if self.dot and math.isfinite(value):              # no dot after nan and inf
            text += "."
        # A string that is already wider (nan, inf with width 1) is left alone.
        return text.rjust(self.width)


def _summarized(arr, edgeitems):
    """The entries that stay visible: first and last ``edgeitems`` of every long dimension."""
    index = []
    for size in arr.shape:
        keep = list(range(size))
        if size > 2 * edgeitems:
            keep = keep[:edgeitems] + keep[size - edgeitems:]
        index.append(keep)
    return arr[np.ix_(*index)]


def _body(nested, shape, summarized, indent, fmt, opts):
    """The bracketed text of ``nested`` (``arr.tolist()`` of the visible entries).

    ``summarized[d]`` says whether dimension ``d`` (counted from the end of ``shape``) lost its
    middle, in which case the gap marker goes after its first ``edgeitems`` entries.
    """
    edge = opts.edgeitems
    dims = len(shape)
    if dims == 1:
        items = [fmt.format(v) for v in nested]
        if summarized[0]:
            items.insert(edge, " ...")              # leading space: it is not padded to width
        per_line = max(1, math.floor((opts.linewidth - indent) / (fmt.width + 2)))
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    rest = summarized[1:]
    parts = [_body(sub, shape[1:], rest, indent + 1, fmt, opts) for sub in nested]
    if summarized[0]:
        parts.insert(edge, "...")
    return "[" + ("," + "\n" * (dims - 1) + " " * (indent + 1)).join(parts) + "]"


class _ComplexFormatter:
    """torch's complex layout: real and imaginary parts get their own float formatter (each built
    from that part alone), joined as ``re+imj`` / ``re-imj``; ``width`` counts both parts plus the
    ``j``, so a line holds ``(linewidth - indent) // (width + 2)`` elements, as torch computes."""

    __slots__ = ("re", "im", "width")

    def __init__(self, values, opts):
        self.re = _Formatter([v.real for v in values], True, opts)
        self.im = _Formatter([v.imag for v in values], True, opts)
        self.width = self.re.width + self.im.width + 1

    def format(self, value):
        re = self.re.format(value.real)
        im = (self.im.format(value.imag) + "j").lstrip()
        # a sign already there (negative, or -0.0 / nan printed with one) joins directly
        return re + im if im[0] in "+-" else re + "+" + im


def _formatter(values, kind, opts):
    if kind == "c":
        return _ComplexFormatter(values, opts)
    return _Formatter(values, kind == "f", opts)


def _tensor_body(arr, indent, opts):
    """Body text of a non-empty array."""
    kind = arr.dtype.kind
    if arr.ndim == 0:
        value = arr.item()
        return _formatter((value,), kind, opts).format(value)
    if arr.size <= opts.threshold:
        return _body(arr.tolist(), arr.shape, (False,) * arr.ndim, indent,
                     _formatter(arr.ravel().tolist(), kind, opts), opts)
    if not opts.edgeitems:
        # torch shows nothing at all then (and adds a size= suffix, see tensor_repr).
        return "[...]"
    visible = _summarized(arr, opts.edgeitems)
    fmt = _formatter(visible.ravel().tolist(), kind, opts)
    summarized = tuple(size > 2 * opts.edgeitems for size in arr.shape)
    return _body(visible.tolist(), arr.shape, summarized, indent, fmt, opts)


def _add_suffixes(text, suffixes, indent, linewidth):
    """Append ``, suffix`` for each suffix, moving one to a new line when it would not fit.

    The running line length starts two characters too long (``len - rfind + 1``); torch does
    this, so a first suffix wraps as soon as the finished line would reach ``linewidth``.
    """
    pieces = [text]
    last = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last + len(suffix) + 2 > linewidth:
            pieces.append(",\n" + " " * indent + suffix)
            last = indent + len(suffix)
        else:
            pieces.append(", " + suffix)
            last += len(suffix) + 2
    pieces.append(")")
    return "".join(pieces)


def tensor_repr(arr, *, dtype_name=None, is_default_dtype, grad_fn_name=None,
                requires_grad=False, device=None, prefix="tensor("):
    """torch's ``repr`` of a tensor holding ``arr`` (bool, int or float NumPy array, any rank).

    ``dtype_name`` is torch's name without ``torch.`` (defaults to NumPy's name, which agrees for
    every supported dtype); ``is_default_dtype`` says whether it is ``torch.get_default_dtype()``.
    The dtype is shown unless it is the default dtype, ``int64`` or ``bool``; for an empty tensor
    it is shown whenever it is not the default dtype.  ``device`` (e.g. ``'meta'``) is shown when
    given; pass None for the default device.  ``grad_fn_name`` (e.g. ``'MulBackward0'``) wins over
    ``requires_grad``.  The continuation indent is ``len(prefix)``.
    """
    opts = PRINT_OPTS
    if dtype_name is None:
        dtype_name = arr.dtype.name
    indent = len(prefix)
    suffixes = []
    if device is not None:
        suffixes.append(f"device='{device}'")
    if arr.size == 0:
        body = "[]"
        if arr.ndim != 1:
            suffixes.append(f"size={tuple(arr.shape)}")
        if not is_default_dtype or arr.dtype.kind == "c":     # an empty tensor names any complex dtype
            suffixes.append(f"dtype=torch.{dtype_name}")
    else:
        body = _tensor_body(arr, indent, opts)
        if not opts.edgeitems:
            suffixes.append(f"size={tuple(arr.shape)}")
        if not (is_default_dtype or dtype_name in ("int64", "bool")):
            suffixes.append(f"dtype=torch.{dtype_name}")
    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    if not suffixes:
        return prefix + body + ")"
    return _add_suffixes(prefix + body, suffixes, indent, opts.linewidth)


def format_scalar(value, spec):
    """``format(t, spec)`` for a 0-d tensor: the Python number's own formatting (``t.item()``)."""
    return value.__format__(spec)


def format_tensor(tensor, spec, *, is_plain_tensor):
    """``Tensor.__format__``: a 0-d plain tensor formats like ``tensor.item()``; anything else
    (more dimensions, or a subclass such as Parameter) behaves like ``object.__format__``, so an
    empty spec gives ``str(tensor)`` and any other spec raises
    ``TypeError: unsupported format string passed to <Type>.__format__``.
    """
    if is_plain_tensor and tensor.ndim == 0:
        return format_scalar(tensor.item(), spec)
    return object.__format__(tensor, spec)

"""Telling a ``dim`` not given from ``dim=None``: torch's parser picks an overload by what was passed.

``torch.sum(x)`` binds ``sum(Tensor input, *, dtype=None)``, which has no ``keepdim``: so
``torch.sum(x, keepdim=True)`` (even ``keepdim=False``) is a TypeError, while ``torch.sum(x, None, True)``
binds the dim overload and keeps every dim.  ``median``/``nanmedian``/``logsumexp`` want a dim once
``keepdim`` is there ('missing 1 required positional arguments: "dim"').

The ops give ``dim`` the default ``NO_DIM`` and ``keepdim`` the default ``KEEP`` (0, an int: False to
every use, NumPy's ``keepdims=`` included), and test ``dim is NO_DIM`` once; only then ``keepdim is not
KEEP`` says keepdim was passed.
"""


class _NotGiven(int):
    """keepdim not passed: 0 (False) wherever it is used, told from an explicit False by identity."""
    __slots__ = ()

    def __repr__(self):
        return "False"


class _NoDim:
    __slots__ = ()

    def __repr__(self):
        return "None"


KEEP = int.__new__(_NotGiven, 0)
NO_DIM = _NoDim()


def keepdim_without_dim(name, input, keepdim, **kwargs):
    """Raise torch's TypeError for ``name(input, keepdim=..., **kwargs)`` (no dim; ``keepdim`` KEEP: not
    given either), as a function or as a Tensor method, whichever the user called (the outermost
    glasstorch frame says)."""
    from .._arg_parser import parser_error
    from .._arg_refuse import _call_of, _entry_frame
    from .._signatures import FUNCTIONS, METHODS
    frame = _entry_frame()
    call = _call_of(frame) if frame is not None else None
    is_method = bool(call and call[1])
    kw = {} if keepdim is KEEP else {"keepdim": keepdim}
    kw.update((k, v) for k, v in kwargs.items() if v is not None)
    if call and "keepdims" in call[3] and "keepdim" not in call[3]:    # torch's message shows it as spelled
        kw = {("keepdims" if k == "keepdim" else k): v for k, v in kw.items()}
    sigs = (METHODS if is_method else FUNCTIONS).get(name)
    err = parser_error(sigs, () if is_method else (input,), kw) if sigs else None
    if err is None:
        err = TypeError(f'{name}() missing 1 required positional arguments: "dim"')
    err.__traceback__ = None
    raise err

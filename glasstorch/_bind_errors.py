"""torch's argument names and parser errors for the builtins of torch.linalg, torch.fft, torch.special
and torch.nn.functional.

These functions are builtins in torch: their arguments are bound by torch's parser, by the names of the
native schema (``torch.linalg.cholesky(input=A)``, ``torch.linalg.tensorsolve(A, other=B)``,
``F.one_hot(input=t)``), and a call it cannot bind is refused with its own message
(``linalg_solve_ex() missing 1 required positional arguments: "B"``, or an "invalid combination of
arguments" list where there are overloads), not with Python's.  ``install`` puts a pass-through wrapper
in front of each such function that
- refuses a keyword torch's signatures do not name (glasstorch's own ``A=`` where torch says ``input``),
  with torch's parser error;
- passes torch's name of a positional parameter on as the name glasstorch's function gives the
  parameter at the same position;
- on a TypeError, replays the user's call through torch's parser rules (``_arg_parser.parser_error`` with
  the signatures of ``_signatures_ns.py``) and raises torch's error where torch would refuse the call;
  any other TypeError passes unchanged.
"""
import functools
import inspect
import types

from ._arg_parser import _NUMPY_NAMES, _parsed, parser_error
from ._signatures_ns import FUNCTIONAL, FUNCTIONS


def _renames(fn, sigs):
    """{torch's name: glasstorch's name} for the positional parameters named differently."""
    try:
        ours = [p.name for p in inspect.signature(fn).parameters.values()
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        return {}
    out = {}
    for raw in sigs:
        theirs = [p.name for p in _parsed(raw).params if not p.keyword_only]
        for t, o in zip(theirs, ours):
            if t != o and t not in ours:
                out.setdefault(t, o)
    return out


def _guarded(fn, sigs):
    names = {p.name for raw in sigs for p in _parsed(raw).params}
    names |= {alias for n in list(names) for alias in _NUMPY_NAMES.get(n, ())}
    renames = _renames(fn, sigs)

    @functools.wraps(fn)
    def call(*args, **kwargs):
        if kwargs:
            if not names.issuperset(kwargs):
                err = parser_error(sigs, args, kwargs)
                if err is not None:
                    raise err
            if renames:
                kwargs = {renames.get(k, k): v for k, v in kwargs.items()}
        try:
            return fn(*args, **kwargs)
        except TypeError as e:
            err = parser_error(sigs, args, kwargs)
            if err is None:
                raise
            raise err from e.__cause__
    return call


def install(ns, prefix, names):
    """Guard each public function ``ns[name]`` whose torch builtin is ``prefix + name`` (prefix None: the
    builtins of torch.nn.functional, by attribute name, leaving out those that are torch.<name> itself:
    F.conv1d stays the one object glasstorch.conv1d is)."""
    for n in names:
        fn = ns.get(n)
        sigs = FUNCTIONAL.get(n) if prefix is None else FUNCTIONS.get(prefix + n)
        if isinstance(fn, types.FunctionType) and sigs is not None:
            ns[n] = _guarded(fn, sigs)

"""Keywords the random factories do not take: torch's argument parser, not Python, refuses them.

``torch.randn(1, 2, names=('N', 'C'))`` (named tensors are gone from torch) is no Python
"unexpected keyword argument" but the parser's "received an invalid combination of arguments"
listing both overloads (with and without ``generator``), every keyword of the call in its
message.  ``refuse_unknown`` wraps a factory so that such a call gets that message; a call with
known keywords only goes straight through.
"""
import functools
import inspect

from ._arg_parser import parser_error
from ._arg_refuse import PASS_THROUGH

_TAIL = ("Tensor out=None, ScalarType? dtype=None, Layout? layout=None, Device? device=None, "
         "bool? pin_memory=False, bool requires_grad=False)")


def _pair(head):
    """torch's two overloads of a factory: with a (required, keyword) generator and without."""
    return (f"{head}, *, Generator? generator, {_TAIL}", f"{head}, *, {_TAIL}")


SIGNATURES = {
    "rand": _pair("rand(SymIntArrayRef size"),
    "randn": _pair("randn(SymIntArrayRef size"),
    "randint": _pair("randint(SymInt high, SymIntArrayRef size") + _pair("randint(SymInt low, SymInt high, "
                                                                          "SymIntArrayRef size"),
    "randperm": _pair("randperm(SymInt n"),
}


def refuse_unknown(fn):
    """``fn`` with torch's parser error for a keyword it does not know."""
    known = frozenset(n for n, p in inspect.signature(fn).parameters.items() if p.kind != p.VAR_POSITIONAL)
    signatures = SIGNATURES[fn.__name__]

    @functools.wraps(fn)
    def checked(*args, **kwargs):
        if kwargs and not known.issuperset(kwargs):
            err = parser_error(signatures, args, kwargs)
            if err is not None:
                raise err
        return fn(*args, **kwargs)
    PASS_THROUGH.add(checked.__code__)      # errors raised inside fn name fn's call, not this wrapper's
    return checked

"""Write glasstorch/_signatures.py: torch's argument-parser signature strings for the functions and
Tensor methods listed in NAMES, harvested from the installed torch (2.13).

The strings (``"sum(IntArrayRef[1]? dim, bool keepdim=False, *, ScalarType? dtype=None)"``) are the
literals compiled into ``torch/lib/libtorch_python.so``; each is assigned to the Tensor method or to
the ``torch.`` function by checking it against the overload list torch itself prints when called with
arguments no overload takes (``x.sum(*[object()] * 12)``), which also gives the parser's order.
Signatures torch does not print (``|hidden``, ``|deprecated``) follow in the library's order.

    .venv/bin/python scripts/harvest_signatures.py      # rewrites glasstorch/_signatures.py
"""
import os
import re
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from glasstorch._arg_parser import Signature, _extra_args  # noqa: E402

NAMES = """view reshape expand repeat permute transpose flatten unflatten squeeze unsqueeze sum mean prod max min
argmax argmin std var softmax log_softmax cumsum cumprod cat stack split split_with_sizes chunk narrow select gather
index_select topk sort argsort zeros ones empty full rand randn randint arange eye new_zeros new_ones new_empty
new_full movedim roll flip diagonal tril triu kthvalue median logsumexp all any amax amin repeat_interleave
tensor_split hstack vstack concat concatenate swapaxes swapdims diag
logical_and logical_or logical_xor ldexp igamma igammac gcd lcm heaviside nextafter polar complex dist cross dot
kron bucketize maximum minimum fmax fmin atan2 arctan2 hypot logaddexp logaddexp2 vdot inner outer ger mv mm bmm
matmul logical_and_ logical_or_ logical_xor_ ldexp_ igamma_ igammac_ gcd_ lcm_ heaviside_ nextafter_ atan2_ hypot_
arctan2_ eq ne lt le gt ge greater less not_equal greater_equal less_equal fmod copysign isclose lerp rsub clamp
where tile nanmedian count_nonzero std_mean var_mean mode quantile nanquantile aminmax cummax cummin nansum nanmean
msort""".split()
MANY = 12   # more arguments than any overload takes: no overload is plausible, torch lists them all


def library_signatures():
    lib = os.path.join(os.path.dirname(torch.__file__), "lib", "libtorch_python.so")
    with open(lib, "rb") as f:
        blob = f.read()
    found = {}
    for m in re.finditer(rb"(?<=\x00)([a-z_][a-z0-9_]*)\(([^\x00()]*)\)(\|hidden|\|deprecated)?(?=\x00)", blob):
        s = m.group(0).decode()
        found.setdefault(m.group(1).decode(), [])
        if s not in found[m.group(1).decode()]:
            found[m.group(1).decode()].append(s)
    return found


def refusal(call):
    """torch's message for ``call(*[object()] * MANY)``."""
    try:
        call(*[object()] * MANY)
    except TypeError as e:
        return str(e)
    raise AssertionError("accepted")


def _self_first(sig):
    return bool(sig.params) and sig.params[0].type == "Tensor" and sig.params[0].name in ("input", "self")


def assign(name, raws, call, is_method):
    """The signatures of the method (or function) ``name``, in the parser's order."""
    sigs = [Signature(r) for r in raws]
    msg = refusal(call)
    if "invalid combination" in msg:
        shown = [line[3:] for line in msg.split("\n") if line.startswith(" * ")]
        by_print = {}
        for s in sigs:
            if not s.hidden and (s.printed() not in by_print or _self_first(s) != is_method):
                by_print[s.printed()] = s
        missing = [p for p in shown if p not in by_print]
        if missing:
            raise SystemExit(f"{name}: torch prints {missing}, not among {list(by_print)}")
        chosen = [by_print[p] for p in shown]
    else:   # one signature: the one whose extra-arguments message torch gave
        chosen = [s for s in sigs if not s.hidden and str(_extra_args(s, MANY)) == msg]
        if len(chosen) > 1:
            chosen = [s for s in chosen if _self_first(s) != is_method]
        if len(chosen) != 1:
            raise SystemExit(f"{name}: {msg!r} fits {[s.raw for s in chosen]}")
    kind = _self_first(chosen[0])
    return [s.raw for s in chosen] + [s.raw for s in sigs if s.hidden and _self_first(s) == kind]


def main():
    lib = library_signatures()
    methods, functions = {}, {}
    x = torch.zeros(2, 3)
    for name in NAMES:
        raws = lib.get(name, [])
        if hasattr(torch._C.TensorBase, name):     # the C method (torch.Tensor wraps a few in Python)
            try:
                methods[name] = assign(name, raws, getattr(torch._C.TensorBase, name).__get__(x), True)
            except SystemExit as e:
                print("method", e)
        fn = getattr(torch, name, None)
        if fn is None or type(fn).__name__ != "builtin_function_or_method":    # torch.split is Python: its C one
            fn = getattr(torch._C._VariableFunctions, name, None)
        if fn is not None:
            try:
                functions[name] = assign(name, raws, fn, False)
            except SystemExit as e:
                print("function", e)
    out = os.path.join(os.path.dirname(__file__), "..", "glasstorch", "_signatures.py")
    with open(out, "w") as f:
        f.write('"""torch\'s argument-parser signatures (python_arg_parser.cpp format) for the Tensor methods and\n'
                '``torch.`` functions that take int, dim and size arguments.  Generated from torch '
                f'{torch.__version__}\n'
                'by scripts/harvest_signatures.py (strings of libtorch_python.so, checked against and ordered by the\n'
                'overload lists torch prints); do not edit by hand."""\n')
        for title, table in (("METHODS", methods), ("FUNCTIONS", functions)):
            f.write(f"{title} = {{\n")
            for name, raws in table.items():
                one = f"    {name!r}: ({', '.join(map(repr, raws))},),\n"
                if len(one) <= 121:
                    f.write(one)
                    continue
                f.write(f"    {name!r}: (\n")
                for r in raws:
                    f.write(f"        {r!r},\n")
                f.write("    ),\n")
            f.write("}\n")
    print(f"wrote {len(methods)} methods, {len(functions)} functions")

if __name__ == "__main__":
    main()

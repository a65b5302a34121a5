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
# written to glasstorch/_signatures_pointwise.py (merged in _arg_refuse): the pointwise ops, the rest of the
# common tensor functions, and torch._C._nn's functions behind nn.functional, refused on a non-Tensor argument
POINTWISE_NAMES = """exp log sigmoid relu tanh sin cos tan sqrt abs neg negative exp2 expm1 log1p log2 log10 rsqrt
reciprocal sign sgn floor ceil round trunc frac fix sinh cosh asin acos atan asinh acosh atanh arcsin arccos arctan
arcsinh arccosh arctanh erf erfc erfinv lgamma digamma square signbit isnan isinf isfinite isposinf isneginf isreal
logical_not bitwise_not angle deg2rad rad2deg i0 sinc logit nan_to_num positive absolute conj clone
argwhere nonzero t ravel add sub subtract mul multiply div divide true_divide floor_divide remainder pow float_power
bitwise_and bitwise_or bitwise_xor bitwise_left_shift bitwise_right_shift xlogy addmm addmv addbmm baddbmm addcmul
addcdiv clip clamp_ clip_ clamp_min clamp_max norm trace zeros_like ones_like empty_like rand_like randn_like full_like
masked_fill einsum diff bincount histc searchsorted equal allclose softmax log_softmax layer_norm dropout embedding
gelu silu leaky_relu elu hardtanh softplus mish linear mse_loss l1_loss cross_entropy_loss nll_loss nll_loss_nd
binary_cross_entropy binary_cross_entropy_with_logits log_sigmoid hardswish hardsigmoid smooth_l1_loss huber_loss
kl_div conv1d conv2d max_pool2d avg_pool2d one_hot cosine_similarity pad add_ sub_ mul_ div_ copy_ type_as
expand_as view_as reshape_as numel real imag _unique2 unique_dim unique_consecutive relu6""".split()
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
        if not shown:       # one signature shown, others deprecated: "... but expected (Tensor input, ...)"
            shown = [msg.split("but expected ", 1)[1].strip()]
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
    if not chosen:
        raise SystemExit(f"{name}: no signature among {raws}")
    kind = _self_first(chosen[0])
    return [s.raw for s in chosen] + [s.raw for s in sigs if s.hidden and _self_first(s) == kind]


def main(names, out, doc):
    lib = library_signatures()
    methods, functions = {}, {}
    x = torch.zeros(2, 3)
    for name in names:
        raws = lib.get(name, [])
        if callable(getattr(torch._C.TensorBase, name, None)):  # the C method (not a property: real, imag)
            try:
                methods[name] = assign(name, raws, getattr(torch._C.TensorBase, name).__get__(x), True)
            except SystemExit as e:
                if "takes no arguments" not in str(e):     # METH_NOARGS: Python's own message, no parser
                    print("method", e)
        fn = getattr(torch, name, None)
        if fn is None or type(fn).__name__ != "builtin_function_or_method":    # torch.split is Python: its C one
            fn = getattr(torch._C._VariableFunctions, name, None)
        if fn is None and out != "_signatures.py":      # nn.functional's C functions (gelu, linear, mse_loss)
            fn = getattr(torch._C._nn, name, None)
        if fn is not None:
            try:
                functions[name] = assign(name, raws, fn, False)
            except SystemExit as e:
                print("function", e)
    with open(os.path.join(os.path.dirname(__file__), "..", "glasstorch", out), "w") as f:
        f.write(doc.format(version=torch.__version__))
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

DOC = ('"""torch\'s argument-parser signatures (python_arg_parser.cpp format) for the Tensor methods and\n'
       '``torch.`` functions that take int, dim and size arguments.  Generated from torch {version}\n'
       'by scripts/harvest_signatures.py (strings of libtorch_python.so, checked against and ordered by the\n'
       'overload lists torch prints); do not edit by hand."""\n')
DOC_POINTWISE = ('"""torch\'s argument-parser signatures (as ``_signatures.py``) of the pointwise ops, more tensor\n'
                 'functions and nn.functional\'s C functions.  Generated from torch {version} by\n'
                 'scripts/harvest_signatures.py; do not edit by hand."""\n')

if __name__ == "__main__":
    main(NAMES, "_signatures.py", DOC)
    main(POINTWISE_NAMES, "_signatures_pointwise.py", DOC_POINTWISE)

"""Write glasstorch/_signatures_ns.py: torch's argument-parser signature strings of the functions of
torch.linalg, torch.fft and torch.special (builtins named linalg_<name>, fft_<name>, special_<name>),
and of the builtins of torch.nn.functional that are not torch's own (by attribute name: F.logsigmoid
is log_sigmoid), harvested from the installed torch as scripts/harvest_signatures.py does for the torch namespace.

    .venv/bin/python scripts/harvest_signatures_ns.py      # rewrites glasstorch/_signatures_ns.py
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from harvest_signatures import assign, library_signatures  # noqa: E402

DOC = ('"""torch\'s argument-parser signatures (as ``_signatures.py``) of the functions of torch.linalg,\n'
       'torch.fft and torch.special, keyed by their builtin names (``linalg_solve``), and of the builtins of\n'
       'torch.nn.functional, keyed by attribute name (FUNCTIONAL).  Generated from torch\n'
       '{version} by scripts/harvest_signatures_ns.py; do not edit by hand."""\n')


def main():
    lib = library_signatures()
    table = {}
    for mod in (torch.linalg, torch.fft, torch.special):
        for n in sorted(dir(mod)):
            fn = getattr(mod, n)
            if n.startswith("_") or type(fn).__name__ != "builtin_function_or_method":
                continue
            try:
                table[fn.__name__] = assign(fn.__name__, lib.get(fn.__name__, []), fn, False)
            except SystemExit as e:
                print("function", e)
    functional = {}
    for n in sorted(dir(torch.nn.functional)):
        fn = getattr(torch.nn.functional, n)
        if n.startswith(("_", "has_torch_function")) or type(fn).__name__ != "builtin_function_or_method":
            continue
        if getattr(torch, n, None) is fn:       # one object with torch.<n>: the torch namespace's business
            continue
        try:
            functional[n] = assign(fn.__name__, lib.get(fn.__name__, []), fn, False)
        except SystemExit as e:
            print("functional", e)
    with open(os.path.join(os.path.dirname(__file__), "..", "glasstorch", "_signatures_ns.py"), "w") as f:
        f.write(DOC.format(version=torch.__version__))
        _write(f, "FUNCTIONS", table)
        _write(f, "FUNCTIONAL", functional)
    print(f"wrote {len(table)} functions, {len(functional)} nn.functional builtins")


def _write(f, title, table):
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


if __name__ == "__main__":
    main()

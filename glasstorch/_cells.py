"""Run the ```python cells of a lab document and compare what each shows with its ```text block.

What a cell shows: its stdout, then ``repr()`` of the value of a trailing expression unless that
value is None (as a notebook shows it); stderr is not part of it.  Before comparing, only object
addresses (`` at 0x...``) and ``glasstorch``/``torch`` in module paths are normalised, and the
``fused: None`` line that torch 2.13 added to optimizer reprs is allowed.
"""
import ast
import contextlib
import io
import re
import sys
import traceback

FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)
_ADDR = re.compile(r" at 0x[0-9a-fA-F]+")
_MODPATH = re.compile(r"\bglasstorch(?=[.'\"\s>]|$)")


def parse_cells(text):
    """[(code, expected_or_None)]: each python block with the text block right after it, if any."""
    blocks = [(m.group(1), m.group(2)) for m in FENCE.finditer(text)]
    cells = []
    for i, (lang, body) in enumerate(blocks):
        if lang != "python":
            continue
        expected = None
        if i + 1 < len(blocks) and blocks[i + 1][0] == "text":
            expected = blocks[i + 1][1]
        cells.append((body, expected))
    return cells


def normalise(s):
    s = _ADDR.sub(" at 0x0", s)
    s = _MODPATH.sub("torch", s)
    s = "\n".join(line for line in s.splitlines() if line.strip() != "fused: None")
    return s.rstrip("\n")


def run_cell(code, namespace):
    """Execute one cell; return what it shows (stdout, then the repr of a trailing expression)."""
    tree = ast.parse(code, mode="exec")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(tree, "<cell>", "exec"), namespace)
        if last is not None:
            value = eval(compile(last, "<cell>", "eval"), namespace)
            if value is not None:
                print(repr(value))
    return out.getvalue()


def check(path, echo=True, stream=sys.stdout):
    """Run every cell of ``path`` in one namespace; return the number of mismatches."""
    with open(path, encoding="utf-8") as f:
        cells = parse_cells(f.read())
    ns = {"__name__": "__main__"}
    bad = 0
    for i, (code, expected) in enumerate(cells, 1):
        try:
            shown = run_cell(code, ns)
        except Exception:
            shown = traceback.format_exc()
            bad += 1
            stream.write(f"--- cell {i}: raised\n{code}{shown}\n")
            continue
        if expected is None:
            status = "ran"
        elif normalise(shown) == normalise(expected):
            status = "matches"
        else:
            status = "DIFFERS"
            bad += 1
        if echo or status == "DIFFERS":
            stream.write(f"--- cell {i}: {status}\n{code}")
            if shown:
                stream.write(">>> " + shown.rstrip("\n").replace("\n", "\n>>> ") + "\n")
            if status == "DIFFERS":
                stream.write("expected:\n" + expected)
    stream.write(f"{len(cells)} cells, {bad} mismatches\n")
    return bad


def main(argv=None):
    import argparse
    ap = argparse.ArgumentParser(prog="python -m glasstorch._cells")
    ap.add_argument("path")
    ap.add_argument("--backend", choices=["glasstorch", "torch"], default="glasstorch")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    if args.backend == "glasstorch":
        from ._shim import install_as_torch
        install_as_torch()
    return 1 if check(args.path, echo=not args.quiet) else 0


if __name__ == "__main__":
    sys.exit(main())

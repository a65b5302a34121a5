"""Run the ```python cells of a lab document and compare what each shows with its ```text block.

What a cell shows: its stdout, then ``repr()`` of the value of a trailing expression unless that
value is None (as a notebook shows it); stderr is not part of it.  Before comparing, only object
addresses (`` at 0x...``) and ``glasstorch``/``torch`` in module paths are normalised, and the
``fused: None`` line that torch 2.13 added to optimizer reprs is allowed.

A cell whose first line is ``# glasstorch only`` runs on glasstorch alone.  Figures a cell leaves
open (matplotlib, drawn headless) are saved under the names of the Markdown images that follow the
cell, as a notebook's inline backend would show them when the cell ends.

    python -m glasstorch._cells FILE [--backend glasstorch|torch] [--quiet] [--figures DIR]
    python -m glasstorch._cells FILE --backend torch --fill      # authors: rewrite the text blocks
"""
import ast
import contextlib
import io
import os
import re
import shutil
import sys
import tempfile
import traceback
import warnings

FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^(#{2,3}) +(.*?)(?: +\{#[^}]*\})?[ \t]*$", re.M)
GLASSTORCH_ONLY = "# glasstorch only"
_ADDR = re.compile(r" at 0x[0-9a-fA-F]+")
_MODPATH = re.compile(r"\bglasstorch(?=[.'\"\s>]|$)")


class Cell:
    """One ```python block: its code, the ```text block after it (None if there is none), the
    images that follow it, and the last heading above it."""
    __slots__ = ("code", "expected", "figures", "heading", "text_span", "end")

    def __init__(self, code, expected=None, figures=(), heading=None, text_span=None, end=0):
        self.code, self.expected, self.figures = code, expected, list(figures)
        self.heading, self.text_span, self.end = heading, text_span, end

    @property
    def glasstorch_only(self):
        return self.code.lstrip().startswith(GLASSTORCH_ONLY)

    def __iter__(self):                      # `code, expected = cell` still works
        return iter((self.code, self.expected))


def parse_cells(text):
    """[Cell]: each python block with the text block right after it, and the images that follow."""
    blocks = list(FENCE.finditer(text))
    cells = []
    for i, m in enumerate(blocks):
        if m.group(1) != "python":
            continue
        cell = Cell(m.group(2), end=m.end())
        if i + 1 < len(blocks) and blocks[i + 1].group(1) == "text" and \
                not text[m.end():blocks[i + 1].start()].strip():
            cell.expected = blocks[i + 1].group(2)
            cell.text_span = blocks[i + 1].span(2)
            cell.end = blocks[i + 1].end()
        nxt = next((b.start() for b in blocks[i + 1:] if b.group(1) == "python"), len(text))
        between = text[cell.end:nxt]
        cell.figures = IMAGE.findall(between)
        heads = HEADING.findall(text[:m.start()])
        cell.heading = heads[-1][1] if heads else None
        cells.append(cell)
    return cells


def normalise(s):
    s = _ADDR.sub(" at 0x0", s)
    s = _MODPATH.sub("torch", s)
    s = "\n".join(line for line in s.splitlines() if line.strip() != "fused: None")
    return s.rstrip("\n")


class _Tee(io.StringIO):
    """Captures what a cell prints and, for a code-along, shows it as it comes."""

    def __init__(self, echo):
        super().__init__()
        self.echo = echo

    def write(self, s):
        self.echo.write(s)
        self.echo.flush()
        return super().write(s)


def run_cell(code, namespace, echo=None):
    """Execute one cell; return what it shows (stdout, then the repr of a trailing expression).
    With ``echo`` (a stream) the output is also written there while the cell runs."""
    tree = ast.parse(code, mode="exec")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    out = io.StringIO() if echo is None else _Tee(echo)
    with contextlib.redirect_stdout(out):
        exec(compile(tree, "<cell>", "exec"), namespace)
        if last is not None:
            value = eval(compile(last, "<cell>", "eval"), namespace)
            if value is not None:
                print(repr(value))
    return out.getvalue()


def _save_figures(names, figures_dir, stem, counter):
    """Save and close every open matplotlib figure, as the inline backend does at a cell's end."""
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is None or not plt.get_fignums():
        return []
    written = []
    for k, num in enumerate(plt.get_fignums()):
        name = os.path.basename(names[k]) if k < len(names) else f"{stem}-figure-{counter + k + 1}.png"
        path = os.path.join(figures_dir, name)
        os.makedirs(figures_dir, exist_ok=True)
        plt.figure(num).savefig(path, dpi=80, bbox_inches="tight")
        written.append(path)
    plt.close("all")
    return written


class Result:
    __slots__ = ("cell", "status", "shown", "figures")

    def __init__(self, cell, status, shown, figures):
        self.cell, self.status, self.shown, self.figures = cell, status, shown, figures


def run_lab(path, backend="glasstorch", figures_dir=None, before_cell=None, echo=None):
    """Run every cell of ``path`` in one namespace and yield a ``Result`` per cell.

    Status is "matches", "DIFFERS", "raised", "ran" (no text block) or "skipped" (a glasstorch-only
    cell on torch).  Cells run in a scratch directory, so files a lab saves land there.
    ``before_cell(cell)`` returning False stops the run (the code-along's --step quit); ``echo`` is
    a stream that sees each cell's output as it is printed.
    """
    os.environ.setdefault("MPLBACKEND", "Agg")
    warnings.filterwarnings("ignore", message=".*non-interactive.*")
    with open(path, encoding="utf-8") as f:
        cells = parse_cells(f.read())
    stem = os.path.splitext(os.path.basename(path))[0]
    figures_dir = os.path.abspath(figures_dir or os.path.join(tempfile.gettempdir(), "glasstorch-labs",
                                                              backend, stem))
    ns = {"__name__": "__main__"}
    old = os.getcwd()
    n_figs = 0
    with tempfile.TemporaryDirectory(prefix="glasstorch-lab-") as scratch:
        os.chdir(scratch)
        try:
            for cell in cells:
                if before_cell is not None and before_cell(cell) is False:
                    return
                if cell.glasstorch_only and backend != "glasstorch":
                    yield Result(cell, "skipped", "", [])
                    continue
                try:
                    shown = run_cell(cell.code, ns, echo)
                    status = "ran" if cell.expected is None else \
                        "matches" if normalise(shown) == normalise(cell.expected) else "DIFFERS"
                except Exception:
                    shown, status = traceback.format_exc(), "raised"
                figs = _save_figures(cell.figures, figures_dir, stem, n_figs)
                n_figs += len(figs)
                yield Result(cell, status, shown, figs)
        finally:
            os.chdir(old)


def check(path, echo=True, stream=sys.stdout, backend="glasstorch", figures_dir=None):
    """Run every cell of ``path``; report each; return the number of cells that differ or raise."""
    bad = n = 0
    for r in run_lab(path, backend, figures_dir):
        n += 1
        failed = r.status in ("DIFFERS", "raised")
        bad += failed
        if echo or failed:
            stream.write(f"--- cell {n}: {r.status}\n{r.cell.code}")
            if r.shown:
                stream.write(">>> " + r.shown.rstrip("\n").replace("\n", "\n>>> ") + "\n")
            if r.status == "DIFFERS":
                stream.write("expected:\n" + r.cell.expected)
    stream.write(f"{n} cells, {bad} mismatches\n")
    return bad


def fill(path, backend="torch"):
    """Rewrite each ```text block with what the cell shows on ``backend`` (the oracle, real torch;
    glasstorch fills only the ``# glasstorch only`` cells); a cell that shows something but has no
    block gets one; figures are saved next to the lab.  Returns the number of cells changed."""
    path = os.path.abspath(path)            # the cells run in a scratch directory
    with open(path, encoding="utf-8") as f:
        text = f.read()
    edits = []
    for r in run_lab(path, backend, figures_dir=None):
        if r.status == "raised":
            raise SystemExit(f"cell raised:\n{r.cell.code}\n{r.shown}")
        for fig, name in zip(r.figures, r.cell.figures):
            dest = os.path.join(os.path.dirname(os.path.abspath(path)), name)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.move(fig, dest)
        if r.status in ("matches", "skipped") or (backend == "glasstorch") != r.cell.glasstorch_only:
            continue
        shown = r.shown if r.shown.endswith("\n") or not r.shown else r.shown + "\n"
        if r.cell.text_span is not None:
            edits.append((r.cell.text_span, shown))
        elif shown:
            edits.append(((r.cell.end, r.cell.end), f"\n\n```text\n{shown}```"))
    for (a, b), new in sorted(edits, reverse=True):
        text = text[:a] + new + text[b:]
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return len(edits)


def use_backend(backend):
    """Make ``import torch`` give glasstorch when asked to, and compute on one thread.

    The labs' matrices are small: threads buy nothing, and on a busy machine (tests running side by
    side) BLAS threads waiting on each other make a lab several times slower."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")          # for the processes a lab starts
    try:
        from threadpoolctl import threadpool_limits   # comes with scikit-learn (the labs extra)
        threadpool_limits(1)
    except ImportError:
        pass
    if backend == "glasstorch":
        from ._shim import install_as_torch
        install_as_torch()
    else:
        import torch
        torch.set_num_threads(1)


def main(argv=None):
    import argparse
    ap = argparse.ArgumentParser(prog="python -m glasstorch._cells")
    ap.add_argument("path")
    ap.add_argument("--backend", choices=["glasstorch", "torch"], default="glasstorch")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--figures", help="folder for the figures the cells draw")
    ap.add_argument("--fill", action="store_true", help="rewrite the text blocks from this backend's output")
    args = ap.parse_args(argv)
    use_backend(args.backend)
    if args.fill:
        print(f"{fill(args.path, args.backend)} text blocks rewritten")
        return 0
    return 1 if check(args.path, echo=not args.quiet, backend=args.backend, figures_dir=args.figures) else 0


if __name__ == "__main__":
    sys.exit(main())

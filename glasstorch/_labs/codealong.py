"""``glasstorch lab run NN``: a lab in the terminal, cell by cell, as a code-along.

Each cell's code is printed, then its output as it runs; an output that differs from the lab's
``text`` block is marked and the lab's version shown under it.  ``--step`` waits for Enter before
each cell (``q`` quits).  ``lab check`` runs each lab on each backend in its own process.
"""
import os
import subprocess
import sys

from .. import _cells

RULE = "─" * 78


def _indent(text, prefix):
    return "".join(prefix + line + "\n" for line in text.rstrip("\n").split("\n"))


def run(lab, backend="glasstorch", step=False, figures_dir=None, stream=None, stdin=None, footer=True):
    """Run ``lab`` here, printing a code-along; return (cells, problems, figures, outputs)."""
    stream = stream or sys.stdout
    stdin = stdin or sys.stdin
    _cells.use_backend(backend)
    figures_dir = os.path.abspath(figures_dir or os.path.join("build", "lab-figures", backend, lab.stem))
    stream.write(f"{lab.title}  ({lab.path}, on {backend})\n")
    heading = [None]

    def before(cell):
        if cell.heading != heading[0] and cell.heading:
            heading[0] = cell.heading
            stream.write(f"\n{RULE}\n  {cell.heading}\n{RULE}\n")
        stream.write("\n" + _indent(cell.code, "  │ "))
        if step:
            stream.write("  [Enter: run this cell, q: quit] ")
            stream.flush()
            if stdin.readline().strip().lower() in ("q", "quit"):
                return False
        stream.flush()
        return None

    n = problems = 0
    figures, outputs = [], []
    for r in _cells.run_lab(lab.path, backend, figures_dir, before_cell=before, echo=stream):
        n += 1
        outputs.append(r.shown)
        if r.status == "skipped":
            stream.write("  (glasstorch only: not run on torch)\n")
        elif r.status == "raised":
            problems += 1
            stream.write(r.shown)
        elif r.status == "DIFFERS":
            problems += 1
            stream.write("  ✗ this differs from the lab, which shows:\n" + _indent(r.cell.expected, "  ▏ "))
        for path in r.figures:
            figures.append(path)
            stream.write(f"  [figure: {path}]\n")
    verdict = "every output matches the lab" if not problems else f"{problems} cells differ from the lab"
    stream.write(f"\n{RULE}\n{n} cells run on {backend}: {verdict}.\n")
    if figures and footer:
        stream.write(f"Figures written to {figures_dir}/ ({len(figures)} files)\n")
    return n, problems, figures, outputs


def check(labs, backends=("torch", "glasstorch"), stream=None):
    """Run each lab on each backend in a separate process; return the number of failing runs."""
    stream = stream or sys.stdout
    failed = 0
    for lab in labs:
        for backend in backends:
            r = subprocess.run([sys.executable, "-m", "glasstorch._cells", lab.path, "--backend", backend,
                                "--quiet"], capture_output=True, text=True)
            ok = r.returncode == 0
            failed += not ok
            last = (r.stdout.strip().splitlines() or ["no output"])[-1]
            stream.write(f"{'ok  ' if ok else 'FAIL'} lab {lab.number} on {backend:10s} {last}\n")
            if not ok:
                stream.write(_indent(r.stdout + r.stderr, "    "))
            stream.flush()
    return failed

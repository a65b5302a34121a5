"""glasstorch's command line (also ``python -m glasstorch``).

  glasstorch labs                          list the labs
  glasstorch lab run NN [--backend glasstorch|torch] [--step] [--figures DIR]
                                           a lab in the terminal, cell by cell (a code-along)
  glasstorch lab notebook NN [-o FILE]     write the lab as a Colab-ready .ipynb, outputs filled in
  glasstorch lab check [NN ...] [--backend glasstorch|torch]
                                           run labs on both backends, each in its own process
  glasstorch lab site [-o DIR]             build the labs' website (MkDocs Material)
  glasstorch lab fill NN                   (authors) rewrite a lab's outputs from real torch
  glasstorch run script.py [args]          run a script with `import torch` giving glasstorch
  glasstorch run -m module [args]          the same for a module (python -m module)
  glasstorch torchrun --nproc-per-node=N script.py [args]
                                           torchrun: N worker processes of a distributed script
  glasstorch check FILE.md [--backend B]   run any document's cells and compare their outputs
  glasstorch demo                          lab 01 on glasstorch, as a code-along
"""
import argparse
import os
import runpy
import sys

BACKENDS = ["glasstorch", "torch"]


def _lab_parser():
    ap = argparse.ArgumentParser(prog="glasstorch lab")
    sub = ap.add_subparsers(dest="action", required=True)
    p = sub.add_parser("run", help="run a lab in the terminal as a code-along")
    p.add_argument("lab")
    p.add_argument("--backend", choices=BACKENDS, default="glasstorch")
    p.add_argument("--step", action="store_true", help="wait for Enter before each cell")
    p.add_argument("--figures", help="folder for the figures (default build/lab-figures/BACKEND/LAB)")
    p = sub.add_parser("notebook", help="write a lab as a Jupyter/Colab notebook")
    p.add_argument("lab")
    p.add_argument("-o", "--output", help="the .ipynb to write (default NN-slug.ipynb here)")
    p = sub.add_parser("check", help="run labs on torch and on glasstorch, comparing outputs")
    p.add_argument("labs", nargs="*")
    p.add_argument("--backend", choices=BACKENDS, action="append")
    p = sub.add_parser("site", help="build the website")
    p.add_argument("-o", "--output", default=os.path.join("build", "site"))
    p = sub.add_parser("fill", help="rewrite a lab's text blocks from what real torch shows")
    p.add_argument("lab")
    return ap


def lab_main(argv):
    from . import _labs
    args = _lab_parser().parse_args(argv)
    if args.action == "run":
        from ._labs import codealong
        _, problems, _, _ = codealong.run(_labs.find_lab(args.lab), args.backend, args.step, args.figures)
        return 1 if problems else 0
    if args.action == "notebook":
        from ._labs import notebook
        lab = _labs.find_lab(args.lab)
        out = args.output or f"{lab.stem}.ipynb"
        notebook.write(lab, out)
        print(f"wrote {out}")
        return 0
    if args.action == "check":
        from ._labs import codealong
        labs = [_labs.find_lab(k) for k in args.labs] or _labs.list_labs()
        return 1 if codealong.check(labs, args.backend or ["torch", "glasstorch"]) else 0
    if args.action == "site":
        from ._labs import site
        return site.build(args.output)
    if args.action == "fill":
        import subprocess
        lab = _labs.find_lab(args.lab)
        for backend in ("torch", "glasstorch"):         # glasstorch fills only its own cells
            r = subprocess.run([sys.executable, "-m", "glasstorch._cells", lab.path, "--backend", backend, "--fill"])
            if r.returncode:
                return r.returncode
        return 0
    return 2


def demo():
    """Lab 01 on glasstorch as a code-along, ending with the digit reader's test accuracy."""
    from . import _labs
    from ._labs import codealong
    figures = os.path.join("build", "demo-figures")
    n, problems, paths, outputs = codealong.run(_labs.find_lab("01"), "glasstorch", figures_dir=figures,
                                                  footer=False)
    accuracy = [line for out in outputs for line in out.splitlines() if "test accuracy" in line]
    if accuracy:
        print(f"Digit classifier ({accuracy[-1].split(':', 1)[0]}):{accuracy[-1].split(':', 1)[1]}")
    print(f"Figures written to {os.path.abspath(figures)}/: " + ", ".join(os.path.basename(p) for p in paths))
    return 1 if problems else 0


def _run_script(path):
    """Run a script file as ``python path`` does: ``__file__`` absolute, ``sys.argv[0]`` as typed (runpy sets
    both to the path it is given); directories and zip files go through runpy."""
    full = os.path.join(os.getcwd(), path)   # as python does: made absolute, but `..` left in
    import zipfile
    # python runs any plain file as source, whatever its name ends with; only folders and zip files are
    # looked into for a __main__
    if not os.path.isfile(full) or zipfile.is_zipfile(full):
        runpy.run_path(path, run_name="__main__")
        return
    import builtins
    import types
    with open(full, "rb") as f:
        source = f.read()
    try:
        code = compile(source, full, "exec")
    except SyntaxError as e:
        # python reports a script that does not compile with no traceback at all, just the error
        e.__traceback__ = None
        sys.excepthook(type(e), e, None)
        sys.exit(1)
    mod = types.ModuleType("__main__")
    mod.__dict__.update(__file__=full, __builtins__=builtins, __cached__=None, __loader__=None, __spec__=None,
                        __package__=None)
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = mod
    try:
        exec(code, mod.__dict__)
    except Exception as e:
        # an uncaught error reports as `python path` reports it: the traceback starts at the script's own
        # frame (the runner's frames are not the program's) and the exit status is 1
        tb = e.__traceback__
        while tb is not None and tb.tb_frame.f_code is not code:
            tb = tb.tb_next
        e.__traceback__ = tb or e.__traceback__   # the default hook prints the exception's own traceback
        sys.excepthook(type(e), e, e.__traceback__)
        sys.exit(1)
    finally:
        sys.modules["__main__"] = saved


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    cmd = argv.pop(0) if argv else "help"
    if cmd == "demo":
        return demo()
    if cmd == "labs":
        from . import _labs
        for lab in _labs.list_labs():
            print(f"{lab.number}  {lab.title:44s} {os.path.relpath(lab.path)}")
        return 0
    if cmd == "lab":
        return lab_main(argv)
    if cmd == "run":
        if not argv:
            raise SystemExit("usage: glasstorch run script.py [args...]")
        from ._shim import install_as_torch
        install_as_torch()
        if argv[0] == "-m" and len(argv) > 1:
            sys.argv = argv[1:]
            sys.path.insert(0, os.getcwd())
            runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
            return 0
        sys.argv = argv
        here = os.path.dirname(os.path.abspath(argv[0]))
        # `python -m` put the working directory first; `python X.py` has X's directory there instead, so a
        # module that only sits in the working directory must not import here either
        if sys.path and sys.path[0] in (os.getcwd(), ""):
            sys.path[0] = here
        else:
            sys.path.insert(0, here)
        _run_script(argv[0])
        return 0
    if cmd == "torchrun":
        from .distributed.run import main as torchrun
        torchrun(argv)
        return 0
    if cmd == "check":
        from ._cells import main as cells_main
        return cells_main(argv)
    print(__doc__)
    return 0 if cmd in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    sys.exit(main())

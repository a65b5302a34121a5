"""Command line: ``glasstorch demo``, ``glasstorch run script.py [args]``, ``glasstorch check FILE.md``."""
import os
import runpy
import sys


def _seed_path():
    here = os.path.dirname(os.path.abspath(__file__))
    for p in (os.path.join(here, "..", "tests", "fixtures", "seed_cells.md"),):
        if os.path.exists(p):
            return os.path.normpath(p)
    raise SystemExit("seed cells not found (run from a source checkout)")


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    cmd = argv.pop(0) if argv else "help"
    if cmd == "demo":
        from ._cells import main as cells_main
        path = _seed_path()
        print(f"Running lab 01's seed cells ({os.path.relpath(path)}) on glasstorch:\n")
        return cells_main([path])
    if cmd == "run":
        if not argv:
            raise SystemExit("usage: glasstorch run script.py [args...]")
        from ._shim import install_as_torch
        install_as_torch()
        sys.argv = argv
        runpy.run_path(argv[0], run_name="__main__")
        return 0
    if cmd == "check":
        from ._cells import main as cells_main
        return cells_main(argv)
    print(__doc__)
    return 0 if cmd in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    sys.exit(main())

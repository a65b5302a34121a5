"""Ordinary PyTorch programs, in the style of tutorials and course code, run unchanged on torch and on
glasstorch (as ``python -m glasstorch run`` runs them), each in a new process (forked from an
interpreter that has imported only the backend: see _zygote.py); their printed output must be the
same.  The programs (tests/programs/) use only synthetic data, fix their seeds, and print floats with
a precision that float summation order cannot change."""
import difflib
import os

import pytest

from . import _zygote

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAMS_DIR = os.path.join(HERE, "..", "programs")
PROGRAMS = sorted(f[:-3] for f in os.listdir(PROGRAMS_DIR) if f.endswith(".py") and not f.startswith("_"))


def _run(backend, path, tmp_path):
    # one thread each: pytest-xdist already runs a program per core, and torch's default of a thread
    # per core on top of that made each program several times slower
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONWARNINGS="ignore", OMP_NUM_THREADS="1")
    return _zygote.run(backend, path, tmp_path, env, timeout=300)


def test_programs_are_found():
    assert len(PROGRAMS) >= 26


@pytest.mark.parametrize("name", PROGRAMS)
def test_program_prints_what_torch_prints(name, tmp_path):
    path = os.path.join(PROGRAMS_DIR, name + ".py")
    rc, want, err = _run("torch", path, tmp_path)
    assert rc == 0, f"the program fails on torch itself:\n{err[-3000:]}"
    rc, got, err = _run("glasstorch", path, tmp_path)
    assert rc == 0, f"fails on glasstorch:\n{got[-2000:]}\n{err[-4000:]}"
    if got != want:
        diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True), "torch",
                                            "glasstorch", n=1))
        pytest.fail(f"{name}: printed output differs\n{diff[:6000]}")

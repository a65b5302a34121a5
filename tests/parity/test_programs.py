"""Ordinary PyTorch programs, in the style of tutorials and course code, run unchanged on torch and on
glasstorch (``python -m glasstorch run``), each in a fresh process; their printed output must be the
same.  The programs (tests/programs/) use only synthetic data, fix their seeds, and print floats with
a precision that float summation order cannot change."""
import difflib
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAMS_DIR = os.path.join(HERE, "..", "programs")
PROGRAMS = sorted(f[:-3] for f in os.listdir(PROGRAMS_DIR) if f.endswith(".py") and not f.startswith("_"))


def _run(args, tmp_path):
    # one thread each: pytest-xdist already runs a program per core, and torch's default of a thread
    # per core on top of that made each program several times slower
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONWARNINGS="ignore", OMP_NUM_THREADS="1")
    r = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env)
    return r


def test_programs_are_found():
    assert len(PROGRAMS) >= 26


@pytest.mark.parametrize("name", PROGRAMS)
def test_program_prints_what_torch_prints(name, tmp_path):
    path = os.path.join(PROGRAMS_DIR, name + ".py")
    want = _run([path], tmp_path)
    assert want.returncode == 0, f"the program fails on torch itself:\n{want.stderr[-3000:]}"
    got = _run(["-m", "glasstorch", "run", path], tmp_path)
    assert got.returncode == 0, f"fails on glasstorch:\n{got.stdout[-2000:]}\n{got.stderr[-4000:]}"
    if got.stdout != want.stdout:
        diff = "".join(difflib.unified_diff(want.stdout.splitlines(True), got.stdout.splitlines(True), "torch",
                                            "glasstorch", n=1))
        pytest.fail(f"{name}: printed output differs\n{diff[:6000]}")

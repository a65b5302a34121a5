"""Parity pins for real_rc (Karpathy's makemore, ng-video-lecture, minGPT, micrograd and yunjey's
pytorch-tutorial, run unchanged on torch and through ``python -m glasstorch run``).

Fixed in glasstorch (all in the script runner, glasstorch/__main__.py):
- ``python -m glasstorch run sub/X.py`` left the working directory on ``sys.path`` (``python -m`` puts it
  first) next to the script's own directory, so a module that sits only in the working directory imported
  under glasstorch and raised ``ModuleNotFoundError`` under ``python sub/X.py``; the working directory is now
  replaced by the script's directory, as ``python X.py`` has it.  Shown by a wrapper one directory above
  pytorch-tutorial's language_model/main.py (its ``from data_utils import ...``).
- An uncaught error printed the runner's own frames (``<frozen runpy>``, ``glasstorch/__main__.py``
  ``main`` / ``_run_script``) above the program's in its traceback; the traceback now starts at the
  script's frame as python's does, and the exit status stays 1.  Shown by minGPT's adder.py given a
  ``--system.work_dir=./out`` override that its ``literal_eval`` rejects.
- A script that does not compile (``SyntaxError`` / ``IndentationError``) printed a traceback through the
  runner; python prints the error alone (file, line, caret, message), with exit status 1.  Shown while
  writing the pins for the item above.
- A script whose name does not end in ``.py`` went through ``runpy.run_path`` (runner frames in its
  tracebacks, ``__file__`` as typed rather than absolute); python runs any plain file as source, so only
  folders and zip files take that road now.  Shown by a llama2.c driver run probe.
- ``__file__`` (and the file name in tracebacks) was normalised (``/a/b/../x.py`` became ``/a/x.py``);
  python keeps the path as typed, made absolute (working directory joined, ``..`` left in).  Shown by the
  same wrapper run as ``../runcut.py``.
"""
import os
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given, settings, strategies as st


def _both(script, cwd, *args):
    """(returncode, stdout, stderr) of ``python script`` and of ``python -m glasstorch run script``."""
    outs = []
    for pre in ([], ["-m", "glasstorch", "run"]):
        r = subprocess.run([sys.executable, *pre, script, *args], capture_output=True, text=True, timeout=120,
                           cwd=cwd)
        outs.append((r.returncode, r.stdout, r.stderr))
    return outs


def test_working_directory_not_importable(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "only_in_cwd.py").write_text("X = 1\n")
    (tmp_path / "sub" / "beside.py").write_text("Y = 2\n")
    (tmp_path / "sub" / "prog.py").write_text(textwrap.dedent("""
        import sys, os
        import torch
        import beside
        print(beside.Y, os.path.basename(sys.path[0]))
        try:
            import only_in_cwd
            print("imported", only_in_cwd.X)
        except ImportError as e:
            print(type(e).__name__, e)
    """))
    t, g = _both(os.path.join("sub", "prog.py"), tmp_path)
    assert t == g
    assert "ModuleNotFoundError" in t[1]


@settings(max_examples=4, deadline=None)
@given(st.sampled_from(["ValueError('boom')", "KeyError(3)", "RuntimeError('a\\nb')", "ZeroDivisionError()"]),
       st.booleans())
def test_uncaught_error_traceback_and_status(tmp_path_factory, exc, chained):
    tmp_path = tmp_path_factory.mktemp("tb")
    body = (f"    raise {exc}\n" if not chained else
            f"    try:\n        1 / 0\n    except ZeroDivisionError as z:\n        raise {exc} from z\n")
    (tmp_path / "prog.py").write_text("import torch\nprint('before')\ndef f():\n" + body + "f()\n")
    t, g = _both("prog.py", tmp_path)
    assert t == g
    assert t[0] == 1 and t[2].startswith("Traceback (most recent call last):\n  File ")


@pytest.mark.parametrize("src", ["import torch\n  x = 1\n", "import torch\nx = (1,\n", "x = 1 +\n"])
def test_script_that_does_not_compile(tmp_path, src):
    (tmp_path / "prog.py").write_text(src)
    t, g = _both("prog.py", tmp_path)
    assert t == g and t[0] == 1 and "Error" in t[2]


def test_system_exit_and_excepthook_kept(tmp_path):
    (tmp_path / "prog.py").write_text(textwrap.dedent("""
        import sys, torch
        def hook(tp, e, tb):
            n = 0
            while tb is not None:
                n, tb = n + 1, tb.tb_next
            print("hook", tp.__name__, e, n)
        sys.excepthook = hook
        if len(sys.argv) > 1:
            sys.exit(int(sys.argv[1]))
        raise TypeError("bad")
    """))
    assert _both("prog.py", tmp_path)[0] == _both("prog.py", tmp_path)[1]
    t, g = _both("prog.py", tmp_path, "3")
    assert t == g and t[0] == 3


def test_file_path_as_typed(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "prog.py").write_text("import sys, torch\nprint(__file__ == sys.argv[0] or __file__)\n"
                                      "print(sys.argv[0], sys.path[0] == __import__('os').path.dirname("
                                      "__import__('os').path.abspath(__file__)))\n")
    for typed in ["prog.py", "./prog.py", os.path.join("a", "..", "prog.py")]:
        t, g = _both(typed, tmp_path)
        assert t == g, typed
    t, g = _both(os.path.join("..", "prog.py"), tmp_path / "a")
    assert t == g and ".." in t[1]


@pytest.mark.parametrize("name", ["prog", "prog.txt", "prog.py"])
def test_script_name_without_py(tmp_path, name):
    (tmp_path / name).write_text("import os, sys, torch\nprint(os.path.isabs(__file__), sys.argv[0], __name__)\n"
                                 "print(torch.arange(3).sum())\nraise SystemExit('done') if 0 else 1 / 0\n")
    t, g = _both(name, tmp_path)
    assert t == g and t[0] == 1 and "ZeroDivisionError" in t[2]

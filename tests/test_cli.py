"""The command line: `glasstorch labs`, `glasstorch lab run|notebook|check`, `glasstorch demo`, and
`python -m glasstorch` doing the same.  Most tests use a tiny lab folder (GLASSTORCH_LABS) so
they stay fast; the demo runs the real lab 01."""
import os
import shutil
import subprocess
import sys

import pytest

GLASSTORCH = [sys.executable, "-m", "glasstorch"]
TINY = """+++
title = "Lab 07: A tiny lab"
author = ["glasstorch contributors"]
draft = false
layout = "nobrand"
+++

## First part

```python
import torch
torch.manual_seed(0)
torch.rand(2)
```

```text
tensor([0.4963, 0.7682])
```

## Second part

```python
print("two")
```

```text
three
```

```python
import matplotlib.pyplot as plt
plt.plot([1, 2], [3, 4])
plt.show()
```

![a line](figures/07-line.png)
"""


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    folder = tmp_path / "labs"
    folder.mkdir()
    (folder / "07-tiny.md").write_text(TINY)
    monkeypatch.setenv("GLASSTORCH_LABS", str(folder))
    return folder


def _run(args, cwd=None, input=None, timeout=300):
    return subprocess.run(GLASSTORCH + args, capture_output=True, text=True, cwd=cwd, input=input,
                          timeout=timeout, env=os.environ.copy())


def test_labs_lists_the_checkout_labs():
    r = _run(["labs"])
    assert r.returncode == 0 and r.stdout.startswith("01  Lab 01: Dipping into PyTorch")


def test_console_script_is_the_same_command():
    exe = shutil.which("glasstorch", path=os.path.dirname(sys.executable))
    if exe is None:
        pytest.fail("the `glasstorch` console script is not installed next to this python (pip install -e .)")
    r = subprocess.run([exe, "labs"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout == _run(["labs"]).stdout


def test_lab_run_is_a_code_along_that_marks_differences(tiny, tmp_path):
    r = _run(["lab", "run", "07", "--figures", str(tmp_path / "figs")], cwd=tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr          # cell 2 differs from the lab
    out = r.stdout
    assert out.startswith("Lab 07: A tiny lab") and "First part" in out and "Second part" in out
    assert "  │ torch.rand(2)\ntensor([0.4963, 0.7682])\n" in out
    assert "two\n  ✗ this differs from the lab, which shows:\n  ▏ three\n" in out
    assert f"[figure: {tmp_path / 'figs' / '07-line.png'}]" in out
    assert "3 cells run on glasstorch: 1 cells differ from the lab." in out
    assert (tmp_path / "figs" / "07-line.png").stat().st_size > 1000


def test_lab_run_on_torch_and_step_mode(tiny, tmp_path):
    r = _run(["lab", "run", "7", "--backend", "torch", "--step"], cwd=tmp_path, input="\nq\n")
    assert "on torch" in r.stdout.splitlines()[0]
    assert "tensor([0.4963, 0.7682])\n" in r.stdout and '  │ print("two")' in r.stdout
    assert "\ntwo\n" not in r.stdout                      # quit before the second cell ran
    assert r.stdout.count("[Enter: run this cell, q: quit]") == 2


def test_lab_check_runs_both_backends(tiny):
    r = _run(["lab", "check"])
    assert r.returncode == 1
    lines = [line for line in r.stdout.splitlines() if line.startswith(("ok", "FAIL"))]
    assert [line.split()[0] for line in lines] == ["FAIL", "FAIL"]
    assert "lab 07 on torch" in lines[0] and "lab 07 on glasstorch" in lines[1]
    assert "3 cells, 1 mismatches" in lines[0]


def test_lab_notebook_writes_a_file(tiny, tmp_path):
    out = tmp_path / "nb" / "tiny.ipynb"
    r = _run(["lab", "notebook", "07", "-o", str(out)])
    assert r.returncode == 0, r.stderr
    assert out.exists() and '"USE_GLASSTORCH = False\\n"' in out.read_text()


def test_unknown_lab_names_the_labs(tiny):
    r = _run(["lab", "run", "42"])
    assert r.returncode != 0 and "no lab '42'; the labs are 07" in r.stderr


def test_help():
    r = _run(["--help"])
    assert r.returncode == 0 and "glasstorch lab run NN" in r.stdout


def test_demo_runs_lab_01_and_ends_with_the_accuracy(tmp_path):
    r = _run(["demo"], cwd=tmp_path, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    last = r.stdout.rstrip("\n").splitlines()[-2:]
    assert last[0].startswith("Digit classifier (test accuracy): ") and "%" in last[0]
    assert last[1].startswith(f"Figures written to {tmp_path / 'build' / 'demo-figures'}/: 01-")
    assert "every output matches the lab" in r.stdout

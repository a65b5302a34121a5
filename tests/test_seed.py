"""Lab 01's seed: every cell runs on glasstorch (with `import torch` resolving to it) and shows
exactly what the seed page shows.  Runs in a fresh interpreter because the test process has real
torch imported for the parity tests."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = os.path.join(HERE, "fixtures", "seed_cells.md")


def _run(backend):
    return subprocess.run([sys.executable, "-m", "glasstorch._cells", SEED, "--backend", backend],
                          capture_output=True, text=True, timeout=300)


def test_seed_cells_reproduce_on_glasstorch():
    r = _run("glasstorch")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 mismatches" in r.stdout


def test_seed_cells_reproduce_on_torch():
    """The fixture itself is right: real torch 2.13 shows the same (fused: None allowed)."""
    r = _run("torch")
    assert r.returncode == 0, r.stdout + r.stderr


def test_runner_detects_a_mismatch(tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text("```python\nimport torch\ntorch.tensor(3.)\n```\n\n```text\ntensor(4.)\n```\n")
    r = subprocess.run([sys.executable, "-m", "glasstorch._cells", str(bad)], capture_output=True, text=True)
    assert r.returncode == 1 and "DIFFERS" in r.stdout


def test_import_torch_resolves_to_glasstorch(tmp_path):
    script = tmp_path / "s.py"
    script.write_text("import torch, torch.nn as nn, torch.optim\nfrom torch.optim import SGD\n"
                      "import torch.autograd, os\nprint(os.path.basename(os.path.dirname(torch.__file__)), "
                      "torch.__name__, nn.__name__, SGD.__module__)\n"
                      "try:\n    torch.definitely_missing_api\nexcept AttributeError as e:\n    print(e)\n")
    r = subprocess.run([sys.executable, "-m", "glasstorch", "run", str(script)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    # glasstorch's files; the module is named 'torch' as torch's (pyro checks it), classes show torch's path
    assert lines[0] == "glasstorch torch glasstorch.nn torch.optim.sgd"
    assert "torch.definitely_missing_api is not implemented in glasstorch" in lines[1]

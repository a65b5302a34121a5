"""Every lab runs twice, on torch 2.13 and on glasstorch, each in a fresh process, and every cell's
output must equal the lab's ```text block on both.  A lab that needs something glasstorch lacks
fails here; it is never skipped."""
import os
import re
import subprocess
import sys

import pytest

from glasstorch import _cells
from glasstorch._labs import labs_dir, list_labs, split_front_matter

HERE = os.path.dirname(os.path.abspath(__file__))
LABS = list_labs()
IDS = [lab.number for lab in LABS]


def test_labs_are_found_in_the_checkout():
    assert os.path.samefile(labs_dir(), os.path.join(HERE, "..", "labs"))
    assert [lab.number for lab in LABS][:1] == ["01"]


@pytest.mark.parametrize("backend", ["torch", "glasstorch"])
@pytest.mark.parametrize("lab", LABS, ids=IDS)
def test_lab_reproduces_its_outputs(lab, backend, tmp_path):
    r = subprocess.run([sys.executable, "-m", "glasstorch._cells", lab.path, "--backend", backend, "--quiet",
                        "--figures", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-6000:] + r.stderr[-3000:]
    assert re.search(r"\d+ cells, 0 mismatches", r.stdout)
    cells = _cells.parse_cells(open(lab.path, encoding="utf-8").read())
    drawn = sorted(os.listdir(tmp_path)) if os.path.isdir(tmp_path) else []
    wanted = sorted(os.path.basename(f) for c in cells for f in c.figures
                    if backend == "glasstorch" or not c.glasstorch_only)
    assert drawn == wanted                   # each figure a cell draws is named by the image after it


@pytest.mark.parametrize("lab", LABS, ids=IDS)
def test_lab_format(lab):
    text = open(lab.path, encoding="utf-8").read()
    meta, body = split_front_matter(text)
    assert text.startswith("+++\n") and meta["title"].startswith(f"Lab {lab.number}: ")
    assert meta["author"] == ["glasstorch contributors"] and meta["draft"] is False and "layout" in meta
    cells = _cells.parse_cells(text)
    assert cells, "a lab has python cells"
    for cell in cells:
        for fig in cell.figures:
            assert os.path.isfile(os.path.join(os.path.dirname(lab.path), fig)), fig
    # every random draw follows a torch.manual_seed
    seeded = False
    for cell in cells:
        code = cell.code
        draws = re.search(r"torch\.(rand|randn|randint|randperm|normal)\(|nn\.(Linear|Conv2d)\(|shuffle=True|"
                          r"random_split\(|Dropout\(", code)
        seed = code.find("torch.manual_seed(")
        if draws and not seeded:
            assert 0 <= seed < draws.start(), f"a random draw before any torch.manual_seed:\n{code}"
        seeded = seeded or seed >= 0


def test_lab_01_contains_the_seed_cells_in_order():
    """The seed page's cells and outputs appear in lab 01 (torch 2.13's `fused: None` line aside)."""
    seed = _cells.parse_cells(open(os.path.join(HERE, "fixtures", "seed_cells.md"), encoding="utf-8").read())
    lab = _cells.parse_cells(open(LABS[0].path, encoding="utf-8").read())
    i = 0
    for cell in seed:
        while i < len(lab) and lab[i].code != cell.code:
            i += 1
        assert i < len(lab), f"seed cell missing from lab 01:\n{cell.code}"
        assert _cells.normalise(lab[i].expected or "") == _cells.normalise(cell.expected or "")
        i += 1


def test_lab_01_digit_classifier_reaches_95_percent():
    text = open(LABS[0].path, encoding="utf-8").read()
    m = re.search(r"test accuracy: ([\d.]+)% \((\d+) of (\d+)\)", text)
    assert m and float(m.group(1)) >= 95.0 and int(m.group(2)) / int(m.group(3)) >= 0.95


def test_lab_01_completes_the_seed_sections():
    text = open(LABS[0].path, encoding="utf-8").read()
    for needle in ["loss.backward()", "my_sgd.step()", "zero_grad()", "(15-my_latent_value)**2",
                   "## So why the heck are we doing all this", "## y=mx+b", "nn.Linear(1, 1)", "nn.MSELoss()",
                   "## Your First Neural Network", "nn.ReLU()", "load_digits", "DataLoader(",
                   "nn.CrossEntropyLoss()", "figures/01-digits-predictions.png", "figures/01-line-fit.png"]:
        assert needle in text, needle


def test_runner_marks_glasstorch_only_cells(tmp_path):
    lab = tmp_path / "lab.md"
    lab.write_text("```python\n# glasstorch only\nimport torch\nprint(torch.__name__)\n```\n\n```text\nglasstorch\n```\n"
                   "```python\nimport torch\ntorch.tensor([1., 2.]).sum()\n```\n\n```text\ntensor(3.)\n```\n")
    for backend in ("torch", "glasstorch"):
        r = subprocess.run([sys.executable, "-m", "glasstorch._cells", str(lab), "--backend", backend],
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stdout + r.stderr
        assert ("cell 1: skipped" in r.stdout) == (backend == "torch")


def test_runner_parses_cells_figures_and_headings():
    text = ("## Part one {#one}\n\n```python\nx = 1\n```\n\nprose\n\n```python\nx\n```\n\n```text\n1\n```\n\n"
            "![a figure](figures/f.png)\n\n### Part two\n\n```python\nprint(2)\n```\n")
    cells = _cells.parse_cells(text)
    assert [(c.code, c.expected, c.figures, c.heading) for c in cells] == [
        ("x = 1\n", None, [], "Part one"), ("x\n", "1\n", ["figures/f.png"], "Part one"),
        ("print(2)\n", None, [], "Part two")]
    ns = {}
    assert _cells.run_cell("a = 2\na * 3", ns) == "6\n" and _cells.run_cell("print('hi')\nNone", ns) == "hi\n"
    assert _cells.normalise("<X object at 0x7f00>\n  fused: None\n<class 'glasstorch.optim.sgd.SGD'>\n") == \
        "<X object at 0x0>\n<class 'torch.optim.sgd.SGD'>"


def test_fill_writes_text_blocks_from_the_backend(tmp_path):
    lab = tmp_path / "lab.md"
    lab.write_text("```python\nimport torch\ntorch.manual_seed(0)\ntorch.rand(2)\n```\n\n```text\nold\n```\n\n"
                   "```python\nprint('new block')\n```\n")
    r = subprocess.run([sys.executable, "-m", "glasstorch._cells", str(lab), "--backend", "glasstorch", "--fill"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    text = lab.read_text()
    assert text.count("```text\nold\n```") == 1        # glasstorch fills only its own cells
    r = subprocess.run([sys.executable, "-m", "glasstorch._cells", str(lab), "--backend", "torch", "--fill"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    text = lab.read_text()
    assert "```text\ntensor([0.4963, 0.7682])\n```" in text and "```text\nnew block\n```" in text

"""`glasstorch lab notebook` writes notebooks that nbformat accepts and that run top to bottom
under nbclient, offline, on torch and on glasstorch, showing what the lab's text blocks show."""
import os
import subprocess
import sys

import pytest

import nbformat  # noqa: E402  (make test installs the labs extra; a missing one must fail, not skip)

from glasstorch import _cells
from glasstorch._labs import list_labs

LABS = list_labs()


def _notebook(lab, tmp_path):
    out = tmp_path / f"{lab.stem}.ipynb"
    r = subprocess.run([sys.executable, "-m", "glasstorch", "lab", "notebook", lab.number, "-o", str(out)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    return nbformat.read(str(out), as_version=4)


def _shown(cell):
    parts = []
    for o in cell.get("outputs", []):
        if o.output_type == "stream" and o.name == "stdout":
            parts.append(o.text)
        elif o.output_type == "execute_result":
            parts.append(o.data["text/plain"] + "\n")
    return "".join(parts)


@pytest.mark.parametrize("lab", LABS, ids=[lab.number for lab in LABS])
def test_notebook_is_valid_and_filled_in(lab, tmp_path):
    nb = _notebook(lab, tmp_path)
    nbformat.validate(nb)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith(f"# {lab.title}")
    switch = nb.cells[1].source
    assert "USE_GLASSTORCH = False" in switch and "GLASSTORCH_SOURCE = " in switch
    assert "find_spec(\"glasstorch\") is None" in switch and "install_as_torch()" in switch
    code = [c for c in nb.cells[2:] if c.cell_type == "code"]
    lab_cells = _cells.parse_cells(open(lab.path, encoding="utf-8").read())
    assert [c.source for c in code] == [c.code.rstrip("\n") for c in lab_cells]
    for nbcell, cell in zip(code, lab_cells):
        assert _shown(nbcell) == (cell.expected or "")
        pngs = [o for o in nbcell.outputs if o.output_type == "display_data" and "image/png" in o.data]
        assert len(pngs) == len(cell.figures)
    assert not any("+++" in c.source or "{#" in c.source for c in nb.cells if c.cell_type == "markdown")


# Every lab's notebook runs on glasstorch; on torch, lab 01's. A notebook differs from its lab only by the
# switch cell, which is the same in every lab, and tests/test_labs.py runs every lab's cells on torch.
_RUNS = [(lab, "glasstorch") for lab in LABS] + [(lab, "torch") for lab in LABS if lab.number == "01"]


@pytest.mark.parametrize("lab, backend", _RUNS, ids=[f"{lab.number}-{b}" for lab, b in _RUNS])
def test_notebook_runs_under_nbclient(lab, backend, tmp_path, monkeypatch):
    import nbclient
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.setenv(var, "1")             # the kernel inherits these: small matrices, busy CI
    nb = _notebook(lab, tmp_path)
    expected = [_shown(c) for c in nb.cells if c.cell_type == "code"]
    if backend == "glasstorch":
        nb.cells[1].source = nb.cells[1].source.replace("USE_GLASSTORCH = False", "USE_GLASSTORCH = True")
    for c in nb.cells:
        c.pop("outputs", None) if c.cell_type != "code" else c.update(outputs=[], execution_count=None)
        if backend == "torch" and "glasstorch-only" in c.get("metadata", {}).get("tags", []):
            c.metadata["tags"].append("skip-execution")
    # the package behind the name (torch.__name__ is 'torch' on both, as libraries such as pyro expect)
    nb.cells.append(nbformat.v4.new_code_cell("import os, torch\nprint(os.path.basename(os.path.dirname(torch.__file__)))"))
    env_dir = tmp_path / "run"
    env_dir.mkdir()
    # repr() as the lab runner shows values, not IPython's pretty-printer (`<class ...>` for a class)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     extra_arguments=["--PlainTextFormatter.pprint=False"],
                                     resources={"metadata": {"path": str(env_dir)}})
    client.execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert not any(o.output_type == "error" for c in code for o in c.outputs)
    for cell, want in zip(code[1:-1], expected[1:]):
        if "skip-execution" in cell.metadata.get("tags", []):
            continue
        assert _cells.normalise(_shown(cell)) == _cells.normalise(want), cell.source
    # a stream may arrive in pieces ("glasstorch", then "\n"): compare what the cell shows, joined
    assert _shown(code[-1]) == ("glasstorch\n" if backend == "glasstorch" else "torch\n")
    switched = [o.text for o in code[0].outputs if o.output_type == "stream"]
    assert not switched                          # glasstorch is importable: nothing is installed


def test_ipython_extension_switches_import_torch():
    import IPython  # noqa: F401
    code = ("from IPython.testing.globalipapp import start_ipython\n"
            "ip = start_ipython()\n"
            "ip.run_line_magic('load_ext', 'glasstorch._ipython')\n"
            "ip.run_cell('import os, torch, torch.nn as nn; "
            "print(os.path.basename(os.path.dirname(torch.__file__)), torch.__name__, nn.Linear.__module__)')\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    # glasstorch's files under torch's names: the module and the classes show torch's
    assert r.stdout.splitlines()[-1] == "glasstorch torch torch.nn.modules.linear"

"""``glasstorch lab notebook NN``: a lab as a Jupyter notebook that opens in Colab.

The prose becomes Markdown cells, each ```python cell a code cell whose outputs are already filled
in from the lab's ```text block and its figures, so the notebook reads well before anything runs.
The code stays plain PyTorch; a first cell switches ``import torch`` to glasstorch by changing one
line (``USE_GLASSTORCH = True``), installing glasstorch with pip only when it is not importable.
"""
import ast
import base64
import os
import re

from .. import _cells
from . import split_front_matter

GLASSTORCH_SOURCE = "glasstorch"

SWITCH = '''\
# This lab is plain PyTorch and runs as it is. To run it on glasstorch, the PyTorch you can read,
# set USE_GLASSTORCH = True and run this cell first: from then on `import torch` gives glasstorch.
USE_GLASSTORCH = False
GLASSTORCH_SOURCE = {source!r}  # what pip installs when glasstorch is missing (a name, URL or path)

if USE_GLASSTORCH:
    import importlib.util, subprocess, sys
    if importlib.util.find_spec("glasstorch") is None:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", GLASSTORCH_SOURCE], check=True)
    import glasstorch
    glasstorch.install_as_torch()'''

_ANCHOR = re.compile(r"^(#+ .*?) *\{#[^}]*\}[ \t]*$", re.M)


def markdown_for_notebook(md):
    """Hugo-flavoured Markdown to Jupyter's: no heading anchors, $...$ for maths."""
    md = _ANCHOR.sub(r"\1", md)
    md = md.replace("\\\\(", "$").replace("\\\\)", "$").replace("\\\\[", "$$").replace("\\\\]", "$$")
    return md.strip("\n")


def _outputs(cell, folder, count):
    import nbformat.v4 as nbf
    outputs = []
    text = cell.expected or ""
    if text:
        tree = ast.parse(cell.code)
        ends_in_expr = bool(tree.body) and isinstance(tree.body[-1], ast.Expr) and \
            not (isinstance(tree.body[-1].value, ast.Call) and getattr(tree.body[-1].value.func, "id", "") == "print")
        if ends_in_expr and "print(" not in cell.code:
            outputs.append(nbf.new_output("execute_result", {"text/plain": text.rstrip("\n")},
                                          execution_count=count))
        else:
            outputs.append(nbf.new_output("stream", name="stdout", text=text))
    for name in cell.figures:
        path = os.path.join(folder, name)
        if os.path.exists(path):
            with open(path, "rb") as f:
                png = base64.b64encode(f.read()).decode("ascii")
            outputs.append(nbf.new_output("display_data", {"image/png": png, "text/plain": "<Figure>"}))
    return outputs


def build(lab, source=GLASSTORCH_SOURCE):
    """The lab as an ``nbformat`` notebook node."""
    import nbformat.v4 as nbf
    with open(lab.path, encoding="utf-8") as f:
        text = f.read()
    meta, body = split_front_matter(text)
    offset = len(text) - len(body)
    folder = os.path.dirname(lab.path)
    cells = [nbf.new_markdown_cell(f"# {lab.title}\n\nA glasstorch lab: every cell below is ordinary "
                                   f"PyTorch, and prints the same on PyTorch and on glasstorch."),
             nbf.new_code_cell(SWITCH.format(source=source), metadata={"tags": ["glasstorch-switch"]})]
    lab_cells = _cells.parse_cells(text)
    figures = {name for cell in lab_cells for name in cell.figures}

    def prose_cell(prose):                      # a figure is shown as its code cell's output instead
        prose = _cells.IMAGE.sub(lambda m: "" if m.group(1) in figures else m.group(0), prose)
        if prose.strip():
            cells.append(nbf.new_markdown_cell(markdown_for_notebook(prose)))

    pos, count = offset, 0
    for cell in lab_cells:
        prose_cell(text[pos:text.rfind("```python", 0, cell.end)])
        count += 1
        tags = ["glasstorch-only"] if cell.glasstorch_only else []
        code = nbf.new_code_cell(cell.code.rstrip("\n"), execution_count=count,
                                 outputs=_outputs(cell, folder, count), metadata={"tags": tags} if tags else {})
        cells.append(code)
        pos = cell.end
    prose_cell(text[pos:])
    nb = nbf.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "colab": {"provenance": [], "name": f"{lab.stem}.ipynb"},
        "glasstorch": {"lab": lab.number, "title": meta.get("title", lab.title)}})
    return nb


def write(lab, path, source=GLASSTORCH_SOURCE):
    import nbformat
    nb = build(lab, source)
    nbformat.validate(nb)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        nbformat.write(nb, f)
    return path

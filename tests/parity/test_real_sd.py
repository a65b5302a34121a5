"""Parity pins for the real programs of helper task "sd": srush's Tensor-Puzzles and Autodiff-Puzzles,
ShusenTang's Dive-into-DL-PyTorch (chapter notebooks and d2lzh_pytorch) and rasbt's machine-learning-book
(the PyTorch chapters 12-19).

Fixed in glasstorch:
- the first call of ``Optimizer.add_param_group`` / ``zero_grad`` / ``state_dict`` / ``load_state_dict``
  imports ``torch._dynamo`` (torch wraps them in ``torch._disable_dynamo``), and that import changes the
  warnings filters, which clears Python's once-per-line registries: a warning shown before the first
  optimizer is built is shown again afterwards (Dive-into-DL 3.13: the DataLoader's worker-count warning
  printed again in the second training cell).  glasstorch wraps the same methods and mutates the filters
  on importing ``glasstorch._dynamo`` (_dynamo_lazy.py, optim/_dynamo_lazy.py, _dynamo/__init__.py);
- ``torch.set_default_tensor_type`` resolves a dotted name first (a bad name raises without warning, and
  any object, ``'torch'`` or ``'torch.float32'`` included, reaches the type check: "invalid type object"),
  then warns once per process from ``torch._C._set_default_tensor_type``, i.e. at the line
  ``_C._set_default_tensor_type(t)``, not at the user's line (Dive-into-DL 3.3) (_api_legacy.py, _C.py).
"""
import os
import re
import subprocess
import sys

import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_outcome

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _run(code, glass):
    """``code`` in a fresh interpreter, on torch or on glasstorch installed as torch: its stdout and
    stderr together, with the library's file paths and line numbers blanked."""
    code = code.lstrip("\n")        # (starts with an import: the shim joins its first line, lines stay)
    pre = "import glasstorch._shim as s; s.install_as_torch(); " if glass else ""
    r = subprocess.run([sys.executable, "-c", pre + code], capture_output=True, text=True, cwd=_ROOT,
                       env={**os.environ, "PYTHONWARNINGS": ""})
    out = r.stdout + r.stderr
    return re.sub(r"\S*/(torch|glasstorch)/\S*\.py:\d+:", "<lib>:", out)


def _same_run(code):
    want = _run(code, False)
    assert _run(code, True) == want


# ---- the first optimizer call imports torch._dynamo: once-per-line warnings show again -----------------
_WARN_AGAIN = """
import warnings, torch
def w():
    warnings.warn("shown once per line")
net = torch.nn.Linear(2, 2)
w(); print("before", flush=True)
w(); print("again", flush=True)
opt = torch.optim.{opt}(net.parameters(), lr=0.1)
w(); print("after first optimizer", flush=True)
opt2 = torch.optim.{opt}(net.parameters(), lr=0.1)
w(); print("after second", flush=True)
"""


def test_first_optimizer_resets_warning_registry():
    _same_run(_WARN_AGAIN.replace("{opt}", "Adam"))


def test_optimizer_methods_import_dynamo():
    # each wrapped method, called first on an optimizer made by __new__ (no add_param_group yet), imports
    # torch._dynamo; the warning before it shows again after it only for the first such call
    code = ("import warnings, torch\n"
            "def w():\n    warnings.warn('x')\n"
            "opt = torch.optim.SGD.__new__(torch.optim.SGD)\n"
            "w(); print('a', flush=True)\n"
            "try:\n    opt.state_dict()\nexcept Exception as e:\n    print(type(e).__name__, flush=True)\n"
            "w(); print('b', flush=True)\n"
            "opt = torch.optim.SGD([torch.nn.Parameter(torch.ones(2))], lr=0.1); opt.zero_grad()\n"
            "w(); print('c', flush=True)\n")
    _same_run(code)


def test_importing_dynamo_resets_warning_registry():
    _same_run("import warnings, torch\ndef w():\n    warnings.warn('x')\n"
              "w(); w(); import torch._dynamo\nw(); print('end', flush=True)\n")


def test_optimizer_methods_keep_their_names():
    for name in ("add_param_group", "zero_grad", "state_dict", "load_state_dict"):
        f_t, f_g = getattr(torch.optim.Optimizer, name), getattr(glasstorch.optim.Optimizer, name)
        assert (f_g.__name__, f_g.__qualname__) == (f_t.__name__, f_t.__qualname__)
        assert hasattr(f_g, "__wrapped__") == hasattr(f_t, "__wrapped__")


# ---- set_default_tensor_type: resolve the name, then warn once from torch._C --------------------------
_DEFAULT_TYPE = """
import torch, warnings
for a in {args}:
    try:
        torch.set_default_tensor_type(a)
        print(torch.get_default_dtype(), flush=True)
    except Exception as e:
        print(type(e).__name__, e, flush=True)
warnings.simplefilter("always")
torch.set_default_tensor_type(torch.FloatTensor)
print(torch.tensor([1.5]).dtype, flush=True)
"""


def test_set_default_tensor_type_warning_site_and_order():
    _same_run(_DEFAULT_TYPE.replace("{args}", "['foo.FloatTensor', 'torch.Nope', 'torch.cuda.Nope', 'torch', "
                                    "'torch.float32', 'numpy.float32', 'torch.nn', torch.IntTensor, 3, "
                                    "'torch.cuda.FloatTensor', 'torch.DoubleTensor', torch.FloatTensor]"))


def test_set_default_tensor_type_source_line():
    # the warning's source line is torch's own call into _C, as the C++ warning's is
    out = _run("import torch\ntorch.set_default_tensor_type('torch.FloatTensor')\n", True)
    assert "\n  _C._set_default_tensor_type(t)\n" in out


_NAMES = ["torch.FloatTensor", "torch.DoubleTensor", "torch.HalfTensor", "torch.float64",
          "torch.Tensor", "torch.LongTensor", "torch.BoolTensor", "torch.cuda.DoubleTensor", "torch.nope",
          "torch.cuda.nope", "torch", "torch.nn", "numpy.float64", "nomodule.FloatTensor"]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(_NAMES), st.floats(-4, 4, allow_nan=False, width=32))
def test_set_default_tensor_type_outcome(name, v):
    def fn(m):
        try:
            m.set_default_tensor_type(name)
            return m.tensor([v, 0.25]) * 3, m.arange(3) / 2, m.zeros(2).dtype == m.get_default_dtype()
        finally:
            m.set_default_dtype(m.float32)
    same_outcome(fn)

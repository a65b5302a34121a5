"""Parity pin for sweep28a (see test_sweep28a.py), run in subprocesses.

Fixed in glasstorch: under ``glasstorch run`` (install_as_torch) the nodes of glasstorch's own
autograd Functions show torch's module as well: ``<torch.autograd.function.CheckpointFunctionBackward
object ...>`` of a reentrant checkpoint (BPTT through checkpointed time steps), and
``CrossMapLRN2dBackward``; uninstall_as_torch gives them glasstorch's back (_class_paths.py).
"""
import os
import subprocess
import sys


NODE_PROGRAM = """
import torch
from torch.utils.checkpoint import checkpoint
x = torch.randn(3, requires_grad=True)
y = checkpoint(torch.sin, x, use_reentrant=True)
print(type(y.grad_fn).__module__, repr(y.grad_fn).split(" at ")[0])
o = torch.nn.CrossMapLRN2d(3)(torch.randn(1, 4, 2, 2, requires_grad=True))
print(type(o.grad_fn).__module__, type(o.grad_fn).__qualname__)
"""


def _run(args, cwd):
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONWARNINGS="ignore")
    r = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=300, cwd=cwd, env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    return r.stdout


def test_internal_function_nodes_show_torchs_module_under_the_shim(tmp_path):
    path = tmp_path / "prog.py"
    path.write_text(NODE_PROGRAM)
    want = _run([str(path)], tmp_path)
    got = _run(["-m", "glasstorch", "run", str(path)], tmp_path)
    assert got == want
    code = ("import glasstorch; glasstorch.install_as_torch(); import torch\n"
            "from torch.utils.checkpoint import CheckpointFunction as C\n"
            "print(C._backward_cls.__module__)\n"
            "glasstorch.uninstall_as_torch()\n"
            "print(C._backward_cls.__module__)\n")
    assert _run(["-c", code], tmp_path).split() == ["torch.autograd.function", "glasstorch.autograd.function"]

"""The class-statement hook of ``_torch_function_classes``: a tensor-like class of the program's own switches
glasstorch's ``__torch_function__`` checks on; real torch's classes, built when a program (or this test
suite) imports torch beside glasstorch, do not -- they switched the checks on process-wide once, which
renamed glasstorch's functions (``sym_sqrt``'s ``_sym_sqrt``) and hid lab 02's shown sources."""
import subprocess
import sys

SCRIPT = r"""
import glasstorch, glasstorch._torch_function as tf
import torch, torch.fx, torch.masked       # real torch's classes with __torch_function__ in their bodies
print(tf.STATE.active, glasstorch.sym_sqrt.__name__ == torch.sym_sqrt.__name__)

class TensorLike:                           # the program's own tensor-like class
    def __torch_function__(self, func, types, args=(), kwargs=None):
        return "handled"

print(tf.STATE.active, glasstorch.add(TensorLike(), 1))
"""


def test_real_torch_classes_leave_the_checks_off_a_programs_class_switches_them_on():
    r = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("\n")[:2] == ["False True", "True handled"]

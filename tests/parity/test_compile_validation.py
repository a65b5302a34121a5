"""``torch.compile`` (any backend, not with ``disable=True``) switches ``torch.distributions``' argument
validation off for the rest of the process, as torch's Dynamo patcher does the first time it runs.  One program runs in a
fresh process on each backend (the switch is process-wide) and prints what it sees at each step."""
import subprocess
import sys

_PROGRAM = """
import sys
if sys.argv[1] == "glasstorch":
    import glasstorch as torch
else:
    import torch
D = torch.distributions.Distribution

def normal_minus_one():
    try:
        torch.distributions.Normal(torch.tensor(0.), torch.tensor(-1.))
        return "no error"
    except ValueError:
        return "ValueError"

print("start", D._validate_args, normal_minus_one())
deco = torch.compile(backend="eager")              # the decorator form waits until it decorates
print("factory", D._validate_args)
try:
    torch.compile(lambda x: x, mode="a", options={})   # refused before the switch
except RuntimeError:
    print("mode and options", D._validate_args)
torch.compile(lambda x: x, disable=True)
print("disable=True", D._validate_args)
try:
    torch.compile(3)                                 # switched off before the callable check
except AssertionError:
    print("not callable", D._validate_args, normal_minus_one())
D.set_default_validate_args(True)                  # the patcher runs once per process
f = deco(torch.nn.Linear(2, 2))
print("decorated", D._validate_args, normal_minus_one())
"""


def _run(backend):
    r = subprocess.run([sys.executable, "-c", _PROGRAM, backend], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    return r.stdout


def test_compile_switches_validation_off():
    want = _run("torch")
    assert want.count("False") == 1          # the program sees the switch
    assert _run("glasstorch") == want

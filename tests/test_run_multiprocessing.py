"""``glasstorch run`` of programs whose worker processes multiprocessing starts fresh (the ``spawn``
and ``forkserver`` start methods, which Hogwild-style torch.multiprocessing programs force): the
workers must import glasstorch as ``torch`` too.  Each program runs under real torch and under
``glasstorch run``; the printed lines must match.

Fixed in glasstorch: a spawned worker imported the real torch, and failed on the glasstorch
tensors it was handed ("optimizer can only optimize Tensors, but one of the params is
glasstorch.Tensor", pytorch/examples' mnist_hogwild).
"""
import os
import subprocess
import sys

import pytest

WORKER = '''
import torch


def train(rank, model, steps, queue):
    torch.manual_seed(rank)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(steps):
        opt.zero_grad()
        loss = model(torch.randn(8, 3)).pow(2).mean()
        loss.backward()
        opt.step()
    queue.put((rank, type(model.weight).__module__, round(loss.item(), 4)))
'''

MAIN = '''
import sys
import torch
import torch.multiprocessing as mp
from worker import train

if __name__ == "__main__":
    mp.set_start_method(sys.argv[1], force=True)
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 1)
    model.share_memory()
    queue = mp.Queue()
    procs = [mp.Process(target=train, args=(rank, model, 5, queue)) for rank in range(2)]
    got = []
    for p in procs:             # one after the other: the shared weights evolve deterministically
        p.start()
        got.append(queue.get(timeout=120))
        p.join()
    print(got, [p.exitcode for p in procs])
    print("weights changed:", bool((model.weight != 0).all()))
'''


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_fresh_workers_import_glasstorch_as_torch(tmp_path, method):
    (tmp_path / "worker.py").write_text(WORKER)
    (tmp_path / "main.py").write_text(MAIN)
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    out = {}
    for name, cmd in (("torch", [sys.executable, "main.py", method]),
                      ("glasstorch", [sys.executable, "-m", "glasstorch", "run", "main.py", method])):
        r = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
        assert r.returncode == 0, r.stderr[-3000:]
        out[name] = r.stdout
    # each worker ran its 5 steps on torch's Parameter class and printed the same losses
    assert out["glasstorch"] == out["torch"]
    assert "'torch.nn.parameter'" in out["torch"] and "[0, 0]" in out["torch"]

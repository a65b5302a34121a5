"""``torchrun``: glasstorch's launcher (``python -m glasstorch.distributed.run``) against torch's
(``python -m torch.distributed.run``), each starting two workers of the same script.

- DDP training on CPU (gloo), the ddp-tutorial-series' script adapted: the workers' environment,
  ``is_torchelastic_launched``, the sampler's batches, the losses, a rank-0 snapshot and an
  all_reduce, written per rank, are equal.
- A failing worker: exit status 1, the OMP_NUM_THREADS banner, and the ``ChildFailedError``
  summary (root cause, the SIGTERM'd rank, ``@record``'s traceback) equal once pids, times and
  file paths are masked.
- ``-m module``, ``--nproc-per-node=gpu`` (no CUDA) and a bad ``--nproc-per-node``.

Fixed in glasstorch: there was no launcher at all (``torch.distributed.run``, ``torchrun``,
``torch.distributed.elastic.multiprocessing.errors.record`` were missing), so the usual way to
start a DDP script could not run.
"""
import os
import re
import subprocess
import sys

import pytest

HERE = os.path.join(os.path.dirname(__file__), "torchrun_scripts")
LAUNCHERS = {"torch": "torch.distributed.run", "glasstorch": "glasstorch.distributed.run"}


def _launch(which, *args, cwd=None, env=None):
    e = dict(os.environ, **(env or {}))
    e.pop("OMP_NUM_THREADS", None)
    return subprocess.run([sys.executable, "-m", LAUNCHERS[which], *args], capture_output=True, text=True,
                          cwd=cwd, env=e, timeout=300)


def test_ddp_training_same_on_both(tmp_path):
    out = {}
    for which in LAUNCHERS:
        d = tmp_path / which
        d.mkdir()
        for _ in range(3 if which == "torch" else 1):   # torch's reference run is retried if gloo aborts it
            r = _launch(which, "--nproc-per-node=2", os.path.join(HERE, "ddp_train.py"), str(d))
            if r.returncode == 0 or "(exitcode: -6)" not in r.stderr:
                break
        assert r.returncode == 0, r.stderr[-3000:]
        out[which] = [(d / f"rank{k}.txt").read_text() for k in range(2)]
    assert out["glasstorch"] == out["torch"]
    assert "elastic=True" in out["torch"][0] and "all_reduce 3.0" in out["torch"][1]


_KEEP = ("FAILED", "Failures:", "  <NO_OTHER_FAILURES>", "Root Cause", "[", "  host", "  rank", "  exitcode",
         "  error_file", "  traceback", "  ValueError", "ValueError", "*****", "Setting OMP_NUM_THREADS")


def _summary(stderr):
    """The launcher's report with pids, times and paths masked; worker tracebacks' frames dropped."""
    lines = []
    for line in stderr.splitlines():
        if line.startswith(_KEEP):
            line = re.sub(r"(pid:? |PID )\d+", r"\1N", line)
            line = re.sub(r"error_file: /\S+", "error_file: PATH", line)
            if line.startswith("  traceback : Traceback"):
                line = "  traceback : Traceback"
            lines.append(line.rstrip())
    return lines


@pytest.mark.parametrize("flags", [[], ["--record"], ["--wait"], ["--record", "--wait"]])
def test_failing_worker_summary(flags):
    got = {}
    for which in LAUNCHERS:
        r = _launch(which, "--nproc-per-node=2", os.path.join(HERE, "fail_rank1.py"), *flags)
        assert r.returncode == 1
        assert "ValueError: boom on rank 1" in r.stderr
        tail = r.stderr[r.stderr.index("ChildFailedError:"):]
        got[which] = (_summary(r.stderr[:r.stderr.index("ChildFailedError:")])[:3], _summary(tail),
                      r.stderr.count("Sending process"), "failed (exitcode: 1) local_rank: 1" in r.stderr)
    assert got["glasstorch"] == got["torch"]
    assert ("--wait" in flags) == ("  exitcode  : -15 (pid: N)  (SIGTERM)" in got["torch"][1])


def test_module_flag(tmp_path):
    (tmp_path / "hello_mod.py").write_text(
        "import os, sys, torch\n"
        "line = f\"rank {os.environ['RANK']} of {os.environ['WORLD_SIZE']} {sys.argv[1:]} \"\n"
        "os.write(1, (line + f'{torch.distributed.is_torchelastic_launched()}\\n').encode())  # one write: no interleaving\n")
    got = {}
    for which in LAUNCHERS:
        r = _launch(which, "--nproc-per-node=2", "-m", "hello_mod", "x", "--y=1", cwd=tmp_path,
                    env={"PYTHONPATH": str(tmp_path)})
        assert r.returncode == 0, r.stderr[-2000:]
        got[which] = sorted(r.stdout.splitlines())
    assert got["glasstorch"] == got["torch"] == ["rank 0 of 2 ['x', '--y=1'] True", "rank 1 of 2 ['x', '--y=1'] True"]


@pytest.mark.parametrize("nproc", ["gpu", "many"])
def test_nproc_errors(nproc):
    last = {}
    for which in LAUNCHERS:
        r = _launch(which, f"--nproc-per-node={nproc}", os.path.join(HERE, "fail_rank1.py"))
        assert r.returncode == 1
        last[which] = r.stderr.strip().splitlines()[-1]
    assert last["glasstorch"] == last["torch"]


def test_multi_node_refused():
    r = _launch("glasstorch", "--nnodes=2", "--nproc-per-node=1", os.path.join(HERE, "fail_rank1.py"))
    assert r.returncode == 1
    assert r.stderr.strip().splitlines()[-1] == (
        "NotImplementedError: glasstorch.distributed.run starts workers on one machine only (--nnodes=1); "
        "multi-node jobs need torch's elastic agent")

"""``torchrun`` (``python -m torch.distributed.run``) for glasstorch, on one machine.

    python -m glasstorch.distributed.run --nproc-per-node=2 train.py --epochs 3
    glasstorch torchrun --nproc-per-node=2 train.py --epochs 3

starts one worker process per rank, each running ``train.py`` with ``import torch`` giving
glasstorch, and the environment torch's launcher gives its workers (``RANK``, ``LOCAL_RANK``,
``WORLD_SIZE``, ``MASTER_ADDR``/``MASTER_PORT``, ``TORCHELASTIC_*``), so that
``init_process_group()`` with no arguments finds its peers.  As in torch, the launcher serves the
workers' store itself (``TORCHELASTIC_USE_AGENT_STORE``).  When a worker fails, the others get
SIGTERM and the launcher raises ``ChildFailedError`` with torch's summary.

One node only: ``--nnodes`` above 1 is refused, and so are restarts (``--max-restarts``), which
need torch's elastic agent.  The other options are accepted as torch's are.
"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid

from .elastic.multiprocessing.errors import ChildFailedError, ProcessFailure, record


def _opt(p, *names, **kw):
    """An option under torch's dashed names and the underscored spellings it still accepts."""
    spelled = []
    for n in names:
        spelled.append(n)
        if "-" in n[2:]:
            spelled.append("--" + n[2:].replace("-", "_"))
    p.add_argument(*spelled, **kw)


def get_args_parser():
    p = argparse.ArgumentParser(description="Torch Distributed Elastic Training Launcher")
    _opt(p, "--nnodes", default="1:1", help="Number of nodes, or the range of nodes in form <minimum_nodes>:<maximum_nodes>.")
    _opt(p, "--nproc-per-node", default="1", help="Number of workers per node; supported values: [auto, cpu, gpu, xpu, int].")
    _opt(p, "--rdzv-backend", default="static", help="Rendezvous backend.")
    _opt(p, "--rdzv-endpoint", default="", help="Rendezvous backend endpoint; usually in form <host>:<port>.")
    _opt(p, "--rdzv-id", default="none", help="User-defined group id.")
    _opt(p, "--rdzv-conf", default="", help="Additional rendezvous configuration.")
    p.add_argument("--standalone", action="store_true", help="Start a local standalone rendezvous backend.")
    _opt(p, "--max-restarts", type=int, default=0, help="Maximum number of worker group restarts before failing.")
    _opt(p, "--monitor-interval", type=float, default=0.1, help="Interval, in seconds, to monitor the state of workers.")
    _opt(p, "--start-method", default="spawn", choices=["spawn", "fork", "forkserver"], help="Multiprocessing start method.")
    _opt(p, "--event-log-handler", default="null", help="Name of a registered event logging handler.")
    p.add_argument("--role", default="default", help="User-defined role for the workers.")
    p.add_argument("-m", "--module", action="store_true", help="Interpret the script as a Python module.")
    _opt(p, "--no-python", action="store_true", help="Execute the training script directly, without 'python'.")
    _opt(p, "--run-path", action="store_true", help="Run the training script with runpy.run_path.")
    _opt(p, "--log-dir", default=None, help="Base directory to use for log files.")
    p.add_argument("-r", "--redirects", default="0", help="Redirect std streams into a log file.")
    p.add_argument("-t", "--tee", default="0", help="Tee std streams into a log file and also to console.")
    _opt(p, "--local-ranks-filter", default="", help="Only show logs from specified ranks in console.")
    _opt(p, "--node-rank", type=int, default=0, help="Rank of the node for multi-node distributed training.")
    _opt(p, "--master-addr", default="127.0.0.1", help="Address of the master node (static rendezvous).")
    _opt(p, "--master-port", type=int, default=None, help="Port on the master node (static rendezvous).")
    _opt(p, "--local-addr", default=None, help="Address of the local node.")
    _opt(p, "--signals-to-handle", default="SIGTERM,SIGINT,SIGHUP,SIGQUIT", help="Signals to handle.")
    p.add_argument("training_script", help="Full path to the (single GPU) training program/script to be launched.")
    p.add_argument("training_script_args", nargs=argparse.REMAINDER)
    return p


def parse_args(args):
    return get_args_parser().parse_args(args)


def determine_local_world_size(nproc_per_node):
    try:
        return int(nproc_per_node)
    except ValueError as e:
        if nproc_per_node in ("cpu", "auto"):        # no accelerator in glasstorch
            return os.cpu_count() or 1
        if nproc_per_node == "gpu":
            raise ValueError("Cuda is not available.") from e
        if nproc_per_node == "xpu":
            raise ValueError("Xpu is not available.") from e
        raise ValueError(f"Unsupported nproc_per_node value: {nproc_per_node}") from e


def _max_nodes(nnodes):
    parts = nnodes.split(":")
    if len(parts) not in (1, 2):
        raise RuntimeError(f'nnodes={nnodes} is not in "MIN:MAX" format')  # torch's parse_min_max_nnodes
    return int(parts[-1])


def _free_port():
    with socket.socket() as s:
        s.bind(("", 0))
        return s.getsockname()[1]


def _endpoint(args):
    """(run id, MASTER_ADDR, MASTER_PORT) as torch's launcher settles them."""
    if args.standalone or (args.rdzv_backend == "static" and not args.rdzv_endpoint and args.master_port is None
                           and _max_nodes(args.nnodes) == 1):
        rdzv_id = args.rdzv_id if not args.standalone and args.rdzv_id != "none" else str(uuid.uuid4())
        return rdzv_id, "localhost", _free_port()
    if args.rdzv_backend == "static" and not args.rdzv_endpoint:
        return args.rdzv_id, args.master_addr, args.master_port or 29500
    host, _, port = args.rdzv_endpoint.partition(":")
    port = int(port) if port else 29400
    return args.rdzv_id, host or "localhost", port or _free_port()


def _worker_cmd(args, extra_args=()):
    script_args = list(args.training_script_args) + list(extra_args)
    if args.no_python:
        if args.module:
            raise ValueError("Don't use both the '--no-python' flag and the '--module' flag at the same time.")
        return [args.training_script] + script_args
    run = [sys.executable, "-u", "-m", "glasstorch", "run"]
    return run + (["-m"] if args.module else []) + [args.training_script] + script_args


def _omp_warning(nproc):
    if "OMP_NUM_THREADS" not in os.environ and nproc > 1:
        print("*****************************************\n"
              "Setting OMP_NUM_THREADS environment variable for each process to be 1 in default, to avoid your "
              "system being overloaded, please further tune the variable for optimal performance in your "
              "application as needed. \n*****************************************", file=sys.stderr, flush=True)
        return True
    return False


def _glog(level, where, msg):
    t = time.time()
    stamp = time.strftime("%m%d %H:%M:%S", time.localtime(t)) + f".{int(t % 1 * 1e6):06d}"
    print(f"{level}{stamp} {os.getpid()} {where}] {msg}", file=sys.stderr, flush=True)


def launch(args, extra_args_for=None):
    """Start the workers, wait for them; ChildFailedError if any failed."""
    from .store import _Server
    if _max_nodes(args.nnodes) != 1:
        raise NotImplementedError("glasstorch.distributed.run starts workers on one machine only (--nnodes=1); "
                                  "multi-node jobs need torch's elastic agent")
    if args.max_restarts:
        raise NotImplementedError("glasstorch.distributed.run does not restart failed workers (--max-restarts=0)")
    nproc = determine_local_world_size(args.nproc_per_node)
    omp_one = _omp_warning(nproc)
    run_id, addr, port = _endpoint(args)
    server = _Server("", port)              # the store every worker's init_process_group() joins
    port = server.port
    base = tempfile.mkdtemp(prefix="torchelastic_")
    attempt = os.path.join(tempfile.mkdtemp(prefix=f"{run_id}_", dir=base), "attempt_0")
    procs = []
    for local_rank in range(nproc):
        rank = args.node_rank * nproc + local_rank
        env = dict(os.environ, LOCAL_RANK=str(local_rank), RANK=str(rank), GROUP_RANK=str(args.node_rank),
                   ROLE_RANK=str(rank), ROLE_NAME=args.role, LOCAL_WORLD_SIZE=str(nproc), WORLD_SIZE=str(nproc),
                   GROUP_WORLD_SIZE="1", ROLE_WORLD_SIZE=str(nproc), MASTER_ADDR=addr, MASTER_PORT=str(port),
                   TORCHELASTIC_RESTART_COUNT="0", TORCHELASTIC_MAX_RESTARTS=str(args.max_restarts),
                   TORCHELASTIC_RUN_ID=run_id, TORCHELASTIC_USE_AGENT_STORE="True",
                   TORCH_NCCL_ASYNC_ERROR_HANDLING="1", TORCHELASTIC_SIGNALS_TO_HANDLE=args.signals_to_handle,
                   TORCHELASTIC_ERROR_FILE=_error_file(attempt, local_rank))
        if omp_one:
            env["OMP_NUM_THREADS"] = "1"
        extra = extra_args_for(local_rank) if extra_args_for else ()
        procs.append(subprocess.Popen(_worker_cmd(args, extra), env=env))
    try:
        return _monitor(args, procs, attempt)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        server.sock.close()


def _error_file(attempt, local_rank):
    """Where worker ``local_rank`` writes its uncaught exception (``@record``), as torch lays it out."""
    return os.path.join(attempt, str(local_rank), "error.json")


def _monitor(args, procs, attempt):
    while True:
        codes = [p.poll() for p in procs]
        failed = [i for i, c in enumerate(codes) if c not in (None, 0)]
        if failed:
            break
        if all(c == 0 for c in codes):
            return {}
        time.sleep(args.monitor_interval)
    failures = {}
    first = failed[0]
    _glog("E", "torch/distributed/elastic/multiprocessing/api.py:1002",
          f"failed (exitcode: {codes[first]}) local_rank: {first} (pid: {procs[first].pid}) of binary: "
          f"{_worker_cmd(args)[0]}")
    failures[first] = ProcessFailure(first, procs[first].pid, codes[first], _error_file(attempt, first))
    for i, p in enumerate(procs):
        if p.poll() is None:
            _glog("W", "torch/distributed/elastic/multiprocessing/api.py:1028",
                  f"Sending process {p.pid} closing signal SIGTERM")
            p.send_signal(signal.SIGTERM)
    for i, p in enumerate(procs):
        try:
            code = p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            code = p.wait()
        if code != 0 and i != first:
            failures[i] = ProcessFailure(i, p.pid, code, _error_file(attempt, i))
            failures[i].timestamp = max(failures[i].timestamp, failures[first].timestamp + 1)
    name = args.training_script if not args.no_python else os.path.basename(args.training_script)
    raise ChildFailedError(name=name, failures=dict(sorted(failures.items())))


def run(args):
    launch(args)


@record
def main(args=None):
    run(parse_args(args))


if __name__ == "__main__":
    main()

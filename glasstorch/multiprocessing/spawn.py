"""``torch.multiprocessing.spawn``: run ``fn(i, *args)`` in ``nprocs`` new processes and wait for them.

A child that raises writes its traceback to a file and exits with 1; ``join`` then stops the
others and raises ``ProcessRaisedException`` carrying that traceback, as torch does.

Processes start with 'spawn', as torch's do, except where ``install_as_torch()`` has made
``import torch`` mean glasstorch: a spawned interpreter would import real torch, so those children
are forked, inheriting the alias."""
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import sys
import tempfile

__all__ = ["spawn", "start_processes", "ProcessContext", "ProcessException", "ProcessRaisedException",
           "ProcessExitedException"]


class ProcessException(Exception):
    __slots__ = ["error_index", "error_pid"]

    def __init__(self, msg, error_index, pid):
        super().__init__(msg)
        self.msg = msg
        self.error_index = error_index
        self.pid = pid

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.pid)


class ProcessRaisedException(ProcessException):
    """A child raised: the message holds its traceback."""

    def __init__(self, msg, error_index, error_pid):
        super().__init__(msg, error_index, error_pid)


class ProcessExitedException(ProcessException):
    """A child died without a Python exception (a signal, ``os._exit``)."""
    __slots__ = ["exit_code"]

    def __init__(self, msg, error_index, error_pid, exit_code, signal_name=None):
        super().__init__(msg, error_index, error_pid)
        self.exit_code = exit_code
        self.signal_name = signal_name

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.pid, self.exit_code, self.signal_name)


def _wrap(fn, i, args, error_file):
    try:
        fn(i, *args)
    except KeyboardInterrupt:
        pass
    except Exception:
        import traceback
        with open(error_file, "wb") as f:
            pickle.dump(traceback.format_exc(), f)
        sys.exit(1)


class ProcessContext:
    def __init__(self, processes, error_files):
        self.processes = processes
        self.error_files = error_files
        self.sentinels = {p.sentinel: i for i, p in enumerate(processes)}

    def pids(self):
        return [p.pid for p in self.processes]

    def join(self, timeout=None, grace_period=None):
        """True once every child has exited cleanly; raises for the first one that failed."""
        if not self.sentinels:
            return True
        ready = multiprocessing.connection.wait(list(self.sentinels), timeout=timeout)
        failed = None
        for s in ready:
            i = self.sentinels.pop(s)
            self.processes[i].join()
            if self.processes[i].exitcode != 0:
                failed = i
                break
        if failed is None:
            return not self.sentinels
        for p in self.processes:          # one failed: the others would wait for it forever
            if p.is_alive():
                p.terminate()
        for p in self.processes:
            p.join(30)
            if p.is_alive():
                p.kill()
                p.join()
        proc = self.processes[failed]
        path = self.error_files[failed]
        if not os.path.exists(path) or os.path.getsize(path) == 0:
            code = proc.exitcode
            if code < 0:
                try:
                    name = signal.Signals(-code).name
                except ValueError:
                    name = f"<Unknown signal {-code}>"
                raise ProcessExitedException(f"process {failed:d} terminated with signal {name}", error_index=failed,
                                             error_pid=proc.pid, exit_code=code, signal_name=name)
            raise ProcessExitedException(f"process {failed:d} terminated with exit code {code:d}",
                                         error_index=failed, error_pid=proc.pid, exit_code=code)
        with open(path, "rb") as f:
            trace = pickle.load(f)
        msg = f"\n\n-- Process {failed:d} terminated with the following error:\n" + trace
        raise ProcessRaisedException(msg, failed, proc.pid)


def _start_method(requested):
    from .. import _class_paths
    if _class_paths._prefix == "torch" and requested in ("spawn", "forkserver") and \
            "fork" in multiprocessing.get_all_start_methods():
        return "fork"
    return requested


def _share_args(args):
    """What pickling the arguments for a spawned child does to the parent's tensors: each one reachable
    from ``args`` moves into shared memory (torch's tensor reduction), so the children's in-place changes
    show in the parent.  A forked child pickles nothing, so the walk is made here (best effort: what
    would not pickle is left as it is)."""
    import io
    from .._shared_memory import share_
    from .._tensor import Tensor

    class _Walk(pickle.Pickler):
        def reducer_override(self, obj):
            if isinstance(obj, Tensor) and not getattr(obj, "is_sparse", False) and not obj._is_meta:
                share_(obj)
                return int, ()
            return NotImplemented
    try:
        _Walk(io.BytesIO()).dump(args)
    except Exception:       # noqa: BLE001 - the fork needs no pickling; only the sharing is wanted
        pass


def start_processes(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    method = _start_method(start_method)
    if method != start_method:          # forked in place of spawn: share as spawn's pickling would
        _share_args(args)
    ctx = multiprocessing.get_context(method)
    processes, error_files = [], []
    for i in range(nprocs):
        fd, path = tempfile.mkstemp(prefix="glasstorch-spawn-")
        os.close(fd)
        os.unlink(path)             # the child creates it only if it fails
        p = ctx.Process(target=_wrap, args=(fn, i, args, path), daemon=daemon)
        p.start()
        processes.append(p)
        error_files.append(path)
    context = ProcessContext(processes, error_files)
    if not join:
        return context
    try:
        while not context.join():
            pass
    finally:
        for path in error_files:
            if os.path.exists(path):
                os.unlink(path)


def spawn(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """Start ``nprocs`` processes running ``fn(i, *args)``, ``i`` in ``range(nprocs)``."""
    return start_processes(fn, args, nprocs, join, daemon, start_method)

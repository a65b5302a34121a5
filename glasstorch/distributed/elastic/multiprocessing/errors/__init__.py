"""``torch.distributed.elastic.multiprocessing.errors``: how a worker's failure reaches ``torchrun``.

``@record`` around a worker's ``main`` writes an uncaught exception to the JSON file the launcher
names in ``TORCHELASTIC_ERROR_FILE``; the launcher then puts that traceback in the summary of the
``ChildFailedError`` it raises.  Without ``@record`` the summary only points to torch's docs.
"""
import functools
import json
import os
import signal
import time
import traceback

_NO_TRACEBACK = "To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html"


class ProcessFailure:
    """One worker that ended badly: its rank, pid, exit code and, if it wrote one, its error file."""

    def __init__(self, local_rank, pid, exitcode, error_file, rank=None):
        self.local_rank, self.pid, self.exitcode, self.error_file = local_rank, pid, exitcode, error_file
        self.rank = local_rank if rank is None else rank
        self.error_file_data = None
        self.message = ""
        self.timestamp = int(time.time())
        if error_file and os.path.isfile(error_file):
            with open(error_file) as f:
                self.error_file_data = json.load(f)
            msg = self.error_file_data["message"]
            self.message = msg["extraInfo"]["py_callstack"] if isinstance(msg, dict) else str(msg)
            self.timestamp = int(msg["extraInfo"]["timestamp"]) if isinstance(msg, dict) else self.timestamp
        elif exitcode < 0:
            self.message = f"Signal {-exitcode} ({self.signal_name()}) received by PID {pid}"
        else:
            self.message = _NO_TRACEBACK

    def signal_name(self):
        if self.exitcode < 0:
            try:
                return signal.Signals(-self.exitcode).name
            except ValueError:
                return "<Unknown Signal>"
        return "<N/A>"

    def timestamp_isoformat(self):
        return time.strftime("%Y-%m-%d_%H:%M:%S", time.localtime(self.timestamp))


class ChildFailedError(Exception):
    """Raised by the launcher when a worker failed: ``failures`` maps global rank -> ``ProcessFailure``."""

    def __init__(self, name, failures):
        self.name, self.failures = name, failures
        super().__init__(self.format_msg())

    def get_first_failure(self):
        rank = min(self.failures, key=lambda r: self.failures[r].timestamp)
        return rank, self.failures[rank]

    def format_msg(self, boarder_delim="=", section_delim="-"):
        width = 60
        root_rank, root = self.get_first_failure()
        others = [self._format(i + 1, f) for i, (r, f) in enumerate(
            (r, f) for r, f in self.failures.items() if r != root_rank)]
        return (f"\n{boarder_delim * width}\n{self.name} FAILED\n{section_delim * width}\nFailures:\n"
                + ("\n".join(others) if others else "  <NO_OTHER_FAILURES>")
                + f"\n{section_delim * width}\nRoot Cause (first observed failure):\n{self._format(0, root)}\n"
                + boarder_delim * width)

    @staticmethod
    def _format(idx, f):
        tb = "\n".join("  " + line if i else line for i, line in enumerate(f.message.split("\n")))
        pad = f"  ({f.signal_name()})" if f.exitcode < 0 else " "
        return (f"[{idx}]:\n  time      : {f.timestamp_isoformat()}\n  host      : {_host()}\n"
                f"  rank      : {f.rank} (local_rank: {f.local_rank})\n"
                f"  exitcode  : {f.exitcode} (pid: {f.pid}){pad}\n"
                f"  error_file: {f.error_file if f.error_file and os.path.isfile(f.error_file) else '<N/A>'}\n"
                f"  traceback : {tb}")


def _host():
    return os.environ.get("GLASSTORCH_RUN_HOST", "localhost")


class ErrorHandler:
    """Writes the worker's uncaught exception to ``TORCHELASTIC_ERROR_FILE`` as torch's JSON."""

    def initialize(self):
        pass

    def record_exception(self, e):
        path = os.environ.get("TORCHELASTIC_ERROR_FILE")
        if not path:
            return
        data = {"message": {"message": f"{type(e).__name__}: {e}",
                            "extraInfo": {"py_callstack": traceback.format_exc(), "timestamp": str(int(time.time()))}}}
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            json.dump(data, f)


def get_error_handler():
    return ErrorHandler()


def record(fn=None, error_handler=None):
    """Decorator for a worker's entry point: an exception escaping it is written to the error file
    (then raised again, so the worker still fails)."""
    handler = error_handler or get_error_handler()

    def wrap(f):
        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            handler.initialize()
            try:
                return f(*args, **kwargs)
            except SystemExit as se:
                if se.code == 0:
                    return None
                raise
            except Exception as e:
                handler.record_exception(e)
                raise
        return wrapper

    return wrap(fn) if fn is not None else wrap


for _cls in (ProcessFailure, ChildFailedError, ErrorHandler):
    _cls.__module__ = "torch.distributed.elastic.multiprocessing.errors"

__all__ = ["ProcessFailure", "ChildFailedError", "record", "ErrorHandler", "get_error_handler"]

"""``torch.autograd.profiler.emit_nvtx`` / ``emit_itt``: profiler ranges for external tools.

They hand every op's range to NVIDIA's NVTX or Intel's ITT instead of recording it in Python, so
nothing is observable from Python besides their checks: ``emit_nvtx`` synchronizes CUDA first (on a
CPU build that raises torch's "not compiled with CUDA" assertion), ``emit_itt`` just switches on.
Both refuse to be entered twice; ``enabled=False`` makes them do nothing (``__enter__`` gives None).
"""


class _Emit:
    _what = ""

    def __init__(self, enabled=True, record_shapes=False):
        self.enabled = enabled
        self.entered = False
        self.record_shapes = record_shapes

    def __enter__(self):
        if not self.enabled:
            return
        if self.entered:
            raise RuntimeError(f"{self._what} annotation context manager is not reentrant")
        self.entered = True
        self._sync()
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        if not self.enabled:
            return
        self._sync()
        return False

    def _sync(self):
        pass


class emit_itt(_Emit):
    """Annotates every autograd op with an Intel ITT range (for VTune)."""
    _what = "ITT"


class emit_nvtx(_Emit):
    """Annotates every autograd op with an NVTX range (for nvprof / Nsight)."""
    _what = "NVTX"

    def _sync(self):
        from .. import cuda
        cuda.synchronize()


def kineto_available():
    """torch 2.13's CPU build has Kineto, the backend of ``torch.profiler.profile``; glasstorch's
    ``torch.profiler.profile`` offers that API, so code choosing between the two profilers picks it."""
    return True

"""torch.cuda / torch.xpu / torch.backends as a CPU-only torch build answers them (glasstorch/_cuda_cpu.py):
each call's result (or exception type and message) and warnings on torch and on glasstorch."""
import pytest
import torch

import glasstorch

from ._helpers import eval_outcome

CALLS = [
    "memory_reserved()", "max_memory_reserved()", "memory_allocated(0)", "max_memory_allocated()",
    "memory_cached()", "max_memory_cached()", "reset_peak_memory_stats()", "reset_max_memory_allocated()",
    "reset_max_memory_cached()", "reset_accumulated_memory_stats()", "memory_stats()", "memory_summary()",
    "memory_snapshot()", "list_gpu_processes()", "get_device_properties(0)", "current_stream()", "default_stream()",
    "ipc_collect()", "mem_get_info()", "get_rng_state()", "get_rng_state_all()", "set_rng_state_all([])",
    "initial_seed()", "seed()", "seed_all()", "manual_seed(1)", "manual_seed_all(1)",
    "set_per_process_memory_fraction(0.5)", "get_arch_list()", "get_gencode_flags()", "get_device_capability()",
    "get_device_name()", "current_device()", "set_device(0)", "synchronize()", "is_available()", "device_count()",
    "is_initialized()", "init()", "empty_cache()", "can_device_access_peer(0, 0)", "is_bf16_supported()",
    "is_tf32_supported()", "set_stream(None)", "get_sync_debug_mode()", "temperature()", "utilization()",
    "Event(enable_timing=True)", "Stream()", "device(0).__enter__()", "device(0).idx", "device('cuda:1').idx",
    "stream(None).__enter__()", "FloatTensor(2)", "LongTensor([1])", "nvtx.range_push('a')", "nvtx.range_pop()",
    "OutOfMemoryError.__name__",
]
OTHERS = ["m.xpu.is_available()", "m.xpu.device_count()", "m.backends.cudnn.is_available()",
          "m.backends.mps.is_available()", "m.get_num_interop_threads()", "m.cuda.OutOfMemoryError is m.OutOfMemoryError",
          "issubclass(m.OutOfMemoryError, RuntimeError)", "type(m.cuda.device(0)).__qualname__"]


def _outcome(m, expr):
    return eval_outcome(expr, {"m": m})


@pytest.mark.parametrize("expr", ["m.cuda." + c for c in CALLS] + OTHERS)
def test_cpu_build_answers(expr):
    assert _outcome(glasstorch, expr) == _outcome(torch, expr)


def test_import_under_the_shim(tmp_path):
    import subprocess
    import sys
    code = ("import glasstorch; glasstorch.install_as_torch()\n"
            "import torch.xpu, torch.cuda.nvtx, torch.backends.mkl\n"
            "from torch.cuda import OutOfMemoryError, Event\n"
            "print(torch.xpu.is_available(), OutOfMemoryError is torch.OutOfMemoryError)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "False True\n"

"""Parity pins for real_sf, continued (see test_real_sf.py for the programs and the list of fixes):
``torch.accelerator``'s API on a build without an accelerator (glasstorch/_accelerator_api.py), which
diffusers' and accelerate's memory helpers call.
"""
import pytest

from tests.parity.test_real_sf import same_text


# ---- torch.accelerator without an accelerator --------------------------------------------------------
ACCEL_CALLS = {
    "current_device_index": lambda A, m: A.current_device_index(),
    "current_stream": lambda A, m: A.current_stream(),
    "current_stream_cpu": lambda A, m: A.current_stream("cpu"),
    "current_stream_neg": lambda A, m: A.current_stream(-1),
    "set_stream": lambda A, m: A.set_stream(m.Stream()),
    "set_device_index_neg": lambda A, m: A.set_device_index(-1),
    "set_device_index_0": lambda A, m: A.set_device_index(0),
    "set_device_index_cpu": lambda A, m: A.set_device_index("cpu"),
    "set_device_index_cuda": lambda A, m: A.set_device_index(m.device("cuda", 0)),
    "set_device_index_none": lambda A, m: A.set_device_index(None),
    "synchronize": lambda A, m: A.synchronize(),
    "synchronize_cpu": lambda A, m: A.synchronize("cpu"),
    "synchronize_neg": lambda A, m: A.synchronize(-1),
    "synchronize_bad": lambda A, m: A.synchronize("foo"),
    "capability": lambda A, m: A.get_device_capability(),
    "capability_meta": lambda A, m: A.get_device_capability("meta"),
    "device_index_none": lambda A, m: A.device_index(None).__enter__(),
    "device_index_0": lambda A, m: A.device_index(0).__enter__(),
    "device_index_exit": lambda A, m: A.device_index(None).__exit__(None, None, None),
    "empty_cache": lambda A, m: A.empty_cache(),
    "empty_host_cache": lambda A, m: A.empty_host_cache(),
    "memory_stats_cpu": lambda A, m: A.memory_stats("cpu"),
    "memory_allocated": lambda A, m: A.memory_allocated(),
    "max_memory_allocated": lambda A, m: A.max_memory_allocated(0),
    "memory_reserved": lambda A, m: A.memory_reserved(None),
    "max_memory_reserved": lambda A, m: A.max_memory_reserved("cuda"),
    "reset_accumulated": lambda A, m: A.reset_accumulated_memory_stats(),
    "reset_peak": lambda A, m: A.reset_peak_memory_stats(3),
    "get_memory_info": lambda A, m: A.get_memory_info(0),
    "get_memory_info_cpu": lambda A, m: A.get_memory_info("cpu"),
    "memory_module": lambda A, m: (sorted(A.memory.__all__), A.memory.memory_stats is A.memory_stats),
    "availability": lambda A, m: (A.is_available(), A.device_count(), A.current_accelerator()),
}


@pytest.mark.parametrize("call", ACCEL_CALLS.values(), ids=ACCEL_CALLS.keys())
def test_accelerator_without_one(call):
    same_text(lambda m: call(m.accelerator, m))


@pytest.mark.parametrize("name,args", [("current_device_idx", ()), ("set_device_idx", (-1,)), ("set_device_idx", (2,))])
def test_accelerator_deprecated_spellings(name, args):
    import warnings

    def run(m):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            try:
                out = repr(getattr(m.accelerator, name)(*args))
            except RuntimeError as e:
                out = f"RuntimeError: {e}"
        return out, [(x.category.__name__, str(x.message)) for x in w]
    same_text(run)

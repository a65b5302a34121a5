"""Parity pins for real_sf (HuggingFace diffusers on tiny random configs: UNet2DModel /
UNet2DConditionModel, the DDPM / DDIM / Euler / DPM-Solver / PNDM / ... scheduler loops, AutoencoderKL,
VQModel, the "train a diffusion model" tutorial loop, DDPM / DDIM / PNDM pipelines).

Fixed in glasstorch:
- ``torch.distributed`` imports its ``device_mesh``, ``rpc``, ``algorithms`` and ``constants``
  submodules eagerly, as torch's package does, so ``torch.distributed.device_mesh.DeviceMesh`` in an
  annotation resolves without an explicit import (diffusers' ``models/_modeling_parallel.py`` failed
  at import: "module 'torch.distributed' has no attribute 'device_mesh'");
- ``torch.Stream`` and ``torch.Event`` exist (diffusers' ``hooks/group_offloading.py`` annotates with
  ``torch.cuda.Stream | torch.Stream``): on the host a stream is the in-order host queue, so
  ``query()`` is True and ``synchronize()`` / ``wait_event`` do nothing; recording an event raises
  torch's "cpu backend doesn't support events."; the reprs, ``device`` / ``device_type`` (the
  c10::DeviceType number) / ``device_index`` / ``stream_id``, equality and hashing, the errors for an
  accelerator device ("PyTorch is not linked with support for cuda devices", a bare index: "Cannot
  access accelerator device when none is available."), for bad arguments, for ``native_handle`` and
  for ``elapsed_time`` / ``ipc_handle`` are torch's (glasstorch/_stream_event.py); and, found beside
  them, ``torch.cpu.Stream`` / ``Event`` / ``StreamContext`` / ``stream`` / ``current_stream`` (torch's
  no-op stand-ins for device-agnostic code, with the current stream swapped inside
  ``with torch.cpu.stream(s):``) exist (glasstorch/_cpu_streams.py);
- ``torch.accelerator`` has the rest of its API on a build without an accelerator
  (``current_device_index``, ``set_device_index`` (a no-op for a negative index), ``current_stream``,
  ``set_stream``, ``synchronize``, ``get_device_capability``, ``device_index``, the deprecated
  ``*_idx`` spellings with their FutureWarning, and ``torch.accelerator.memory``'s statistics): each
  raises torch's "Cannot access accelerator device when none is available.", a device string /
  ``torch.device`` first gets "Accelerator expected" where torch parses it first; diffusers' and
  accelerate's memory helpers call ``torch.accelerator.get_memory_info`` / ``max_memory_allocated`` /
  ``reset_peak_memory_stats`` (glasstorch/_accelerator_api.py; pinned in test_real_sf_accel.py);
- ``torch.distributed.fsdp`` has FSDP1's ``CPUOffload`` and ``MixedPrecision`` records and the
  ``torch.distributed.fsdp.wrap`` module (``always_wrap_policy``, ``lambda_auto_wrap_policy``,
  ``transformer_auto_wrap_policy``, ``size_based_auto_wrap_policy``, ``ModuleWrapPolicy``,
  ``CustomPolicy``, ``enable_wrap`` / ``wrap``): diffusers' ``training_utils`` (EMAModel,
  compute_snr) imports them at module level and failed with "cannot import name 'CPUOffload'"
  (glasstorch/distributed/fsdp/api.py, glasstorch/distributed/fsdp/wrap.py).
"""
import subprocess
import sys

import pytest
from hypothesis import given, settings, strategies as st

from tests.parity._helpers import MODS


def _outcome(fn, m):
    """What ``fn(m)`` gives, as text: its repr (the library's name made torch's), or its exception."""
    try:
        r = fn(m)
    except Exception as e:      # noqa: BLE001 - torch's error is the expectation
        return f"{type(e).__name__}: {e}"
    return repr(r).replace("glasstorch", "torch")


def same_text(fn):
    want, got = (_outcome(fn, m) for m in MODS)
    assert got == want, f"torch {want!r} vs glasstorch {got!r}"


# ---- torch.Stream ----------------------------------------------------------------------------------
STREAM_MAKERS = {
    "default": lambda m: m.Stream(),
    "None": lambda m: m.Stream(None),
    "cpu": lambda m: m.Stream("cpu"),
    "cpu:1": lambda m: m.Stream(device="cpu:1"),
    "device": lambda m: m.Stream(m.device("cpu", 0)),
    "meta": lambda m: m.Stream("meta"),
    "priority": lambda m: m.Stream(device="cpu", priority=-1),
    "triple": lambda m: m.Stream(stream_id=3, device_index=0, device_type=0),
    "triple_meta": lambda m: m.Stream(stream_id=1, device_index=-1, device_type=14),
    "cuda": lambda m: m.Stream("cuda"),
    "cuda:0": lambda m: m.Stream("cuda:0"),
    "mps": lambda m: m.Stream("mps"),
    "xpu": lambda m: m.Stream(device="xpu"),
    "index": lambda m: m.Stream(1),
    "index_kw": lambda m: m.Stream(device=0),
    "two_positional": lambda m: m.Stream("cpu", 0),
    "both_device": lambda m: m.Stream("cpu", device="cpu"),
    "unknown_kw": lambda m: m.Stream(foo=1),
    "stream_id_alone": lambda m: m.Stream(stream_id=1),
    "priority_str": lambda m: m.Stream(priority="a"),
    "priority_bool": lambda m: m.Stream(priority=True),
    "priority_none": lambda m: m.Stream("cpu", priority=None),
    "device_float": lambda m: m.Stream(device=3.5),
    "device_float_pos": lambda m: m.Stream(2.5),
    "device_bool": lambda m: m.Stream(True),
}


@pytest.mark.parametrize("make", STREAM_MAKERS.values(), ids=STREAM_MAKERS.keys())
def test_stream_construction(make):
    same_text(make)


STREAM_USES = {
    "repr": lambda s, m: repr(s),
    "str": lambda s, m: str(s),
    "device": lambda s, m: s.device,
    "device_type": lambda s, m: (s.device_type, type(s.device_type).__name__),
    "device_index": lambda s, m: s.device_index,
    "stream_id": lambda s, m: s.stream_id,
    "query": lambda s, m: s.query(),
    "synchronize": lambda s, m: s.synchronize(),
    "is_capturing": lambda s, m: s.is_capturing(),
    "native_handle": lambda s, m: s.native_handle,
    "record_event": lambda s, m: s.record_event(),
    "record_given_event": lambda s, m: s.record_event(m.Event()),
    "wait_event": lambda s, m: s.wait_event(m.Event()),
    "wait_stream": lambda s, m: s.wait_stream(m.Stream()),
    "eq_same": lambda s, m: s == m.Stream(),
    "eq_meta": lambda s, m: s == m.Stream("meta"),
    "eq_other": lambda s, m: (s == 1, s != 1),
    "hash": lambda s, m: hash(s) == hash(m.Stream()),
    "dict_key": lambda s, m: {s: 1}.get(m.Stream()),
    "with": lambda s, m: [s.__enter__(), s.__exit__(None, None, None)],
}


@pytest.mark.parametrize("device", ["cpu", "meta"])
@pytest.mark.parametrize("use", STREAM_USES.values(), ids=STREAM_USES.keys())
def test_stream_methods(use, device):
    same_text(lambda m: use(m.Stream(device), m))


def test_stream_as_context_manager():
    def run(m):
        out = []
        with m.Stream() as s:
            out.append(s)
            out.append(m.ones(2).add(1).tolist())
        return out
    same_text(run)


# ---- torch.Event -----------------------------------------------------------------------------------
EVENT_MAKERS = {
    "default": lambda m: m.Event(),
    "None": lambda m: m.Event(None),
    "cpu": lambda m: m.Event("cpu"),
    "meta": lambda m: m.Event("meta"),
    "timing": lambda m: m.Event("cpu", enable_timing=True),
    "flags": lambda m: m.Event(enable_timing=False, blocking=True, interprocess=True),
    "cuda": lambda m: m.Event("cuda"),
    "index": lambda m: m.Event(1),
    "two_positional": lambda m: m.Event("cpu", 1),
    "unknown_kw": lambda m: m.Event(foo=1),
    "timing_int": lambda m: m.Event(enable_timing=2),
    "timing_float": lambda m: m.Event(enable_timing=1.0),
    "device_float_pos": lambda m: m.Event(1.5),
}


@pytest.mark.parametrize("make", EVENT_MAKERS.values(), ids=EVENT_MAKERS.keys())
def test_event_construction(make):
    same_text(make)


EVENT_USES = {
    "repr": lambda e, m: repr(e),
    "device": lambda e, m: e.device,
    "event_id": lambda e, m: e.event_id,
    "query": lambda e, m: e.query(),
    "synchronize": lambda e, m: e.synchronize(),
    "wait": lambda e, m: e.wait(),
    "wait_stream": lambda e, m: e.wait(m.Stream()),
    "record": lambda e, m: e.record(),
    "record_stream": lambda e, m: e.record(m.Stream()),
    "ipc_handle": lambda e, m: e.ipc_handle(),
    "elapsed_untimed": lambda e, m: e.elapsed_time(m.Event()),
    "elapsed_timed": lambda e, m: e.elapsed_time(m.Event(enable_timing=True)),
}


@pytest.mark.parametrize("timing", [False, True])
@pytest.mark.parametrize("use", EVENT_USES.values(), ids=EVENT_USES.keys())
def test_event_methods(use, timing):
    same_text(lambda m: use(m.Event(enable_timing=timing), m))


@settings(max_examples=25, deadline=None)
@given(stream_id=st.integers(0, 2 ** 40), index=st.integers(-1, 7), kind=st.sampled_from([0, 14]),
       other=st.integers(0, 3))
def test_stream_triple_roundtrip(stream_id, index, kind, other):
    def run(m):
        s = m.Stream(stream_id=stream_id, device_index=index, device_type=kind)
        t = m.Stream(stream_id=other, device_index=index, device_type=kind)
        return (repr(s), s.stream_id, s.device_index, s.device_type, s.device, s == t, hash(s) == hash(t),
                s == m.Stream(stream_id=s.stream_id, device_index=s.device_index, device_type=s.device_type))
    same_text(run)


def test_stream_event_are_plain_classes():
    same_text(lambda m: (m.Stream.__name__, m.Event.__name__, m.Stream.__module__, m.Event.__module__,
                         isinstance(m.Stream(), m.Stream), isinstance(m.Event(), m.Event)))


# ---- torch.distributed's eager submodules ----------------------------------------------------------
SNIPPET = ("import {lib} as torch\n"
           "import typing\n"
           "def f(mesh: 'torch.distributed.device_mesh.DeviceMesh | None' = None): pass\n"
           "hint = torch.distributed.device_mesh.DeviceMesh | None\n"
           "print(hint.__args__[0].__name__, torch.distributed.device_mesh.init_device_mesh.__name__)\n"
           "print(torch.distributed.rpc.__name__.split('.')[-1], torch.distributed.algorithms.Join.__name__,\n"
           "      torch.distributed.constants.__name__.split('.')[-1])\n"
           "print(typing.get_type_hints(f)['mesh'])\n")


def test_distributed_submodules_without_import():
    """A fresh interpreter, so no earlier test has imported the submodules already."""
    outs = [subprocess.run([sys.executable, "-c", SNIPPET.format(lib=lib)], capture_output=True, text=True)
            for lib in ("torch", "glasstorch")]
    assert outs[0].returncode == 0, outs[0].stderr
    assert outs[1].returncode == 0, outs[1].stderr
    assert outs[1].stdout.replace("glasstorch", "torch") == outs[0].stdout


PAIRS = {
    "record_event": lambda m, a, b: m.Stream(a).record_event(m.Event(b)),
    "record": lambda m, a, b: m.Event(a).record(m.Stream(b)),
    "record_default": lambda m, a, b: m.Event(a).record(),
    "wait_event": lambda m, a, b: m.Stream(a).wait_event(m.Event(b)),
    "wait": lambda m, a, b: m.Event(a).wait(m.Stream(b)),
    "wait_stream": lambda m, a, b: m.Stream(a).wait_stream(m.Stream(b)),
    "elapsed": lambda m, a, b: m.Event(a).elapsed_time(m.Event(b)),
    "elapsed_timed": lambda m, a, b: m.Event(a, enable_timing=True).elapsed_time(m.Event(b, enable_timing=True)),
    "record_event_not_event": lambda m, a, b: m.Stream(a).record_event("x"),
    "elapsed_not_event": lambda m, a, b: m.Event(a).elapsed_time(m.Stream(b)),
}


@pytest.mark.parametrize("b", ["cpu", "meta"])
@pytest.mark.parametrize("a", ["cpu", "meta"])
@pytest.mark.parametrize("use", PAIRS.values(), ids=PAIRS.keys())
def test_stream_event_device_pairs(use, a, b):
    same_text(lambda m: use(m, a, b))


# ---- torch.distributed.fsdp's FSDP1 records and wrap policies ---------------------------------------
def _fsdp(m):
    """``m.distributed.fsdp`` (imported: a fresh torch does not have it as an attribute)."""
    import importlib
    return importlib.import_module(f"{m.__name__}.distributed.fsdp.wrap") and m.distributed.fsdp


FSDP_USES = {
    "cpu_offload": lambda m: [_fsdp(m).CPUOffload(), _fsdp(m).CPUOffload(True),
                              _fsdp(m).CPUOffload(offload_params=True) == _fsdp(m).CPUOffload(True)],
    "mixed_precision": lambda m: _fsdp(m).MixedPrecision(m.float16, reduce_dtype=m.float32,
                                                                   cast_forward_inputs=True),
    "mixed_precision_default": lambda m: _fsdp(m).MixedPrecision(),
    "mixed_precision_ignored": lambda m: [c.__name__ for c in _fsdp(m).MixedPrecision()._module_classes_to_ignore],
    "mixed_precision_unhashable": lambda m: hash(_fsdp(m).MixedPrecision()),
    "records_module": lambda m: (_fsdp(m).CPUOffload.__module__, _fsdp(m).MixedPrecision.__module__),
    "sharding_strategy": lambda m: _fsdp(m).ShardingStrategy.FULL_SHARD,
    "in_all": lambda m: sorted({"CPUOffload", "MixedPrecision"} & set(_fsdp(m).__all__)),
    "wrap_attr": lambda m: (hasattr(_fsdp(m), "wrap"), hasattr(_fsdp(m), "api")),
}


@pytest.mark.parametrize("use", FSDP_USES.values(), ids=FSDP_USES.keys())
def test_fsdp_records(use):
    same_text(use)


def _tree(m):
    return m.nn.Sequential(m.nn.Linear(4, 8), m.nn.ReLU(),
                           m.nn.ModuleList([m.nn.Linear(8, 8), m.nn.MultiheadAttention(8, 2)]),
                           m.nn.TransformerEncoderLayer(8, 2, 16))


def _policy_table(m, policy):
    """For each module of the tree: (class name, recurse verdict, wrap verdict), with its numel."""
    out = []
    for mod in _tree(m).modules():
        n = sum(p.numel() for p in mod.parameters())
        out.append((type(mod).__name__, n, policy(mod, True, n), policy(mod, False, n)))
    return out


@settings(max_examples=15, deadline=None)
@given(min_params=st.integers(0, 2000))
def test_size_based_auto_wrap_policy(min_params):
    import functools
    same_text(lambda m: _policy_table(m, functools.partial(_fsdp(m).wrap.size_based_auto_wrap_policy,
                                                           min_num_params=min_params)))


POLICIES = {
    "always": lambda m: _fsdp(m).wrap.always_wrap_policy,
    "transformer": lambda m: __import__("functools").partial(
        _fsdp(m).wrap.transformer_auto_wrap_policy, transformer_layer_cls={m.nn.TransformerEncoderLayer}),
    "lambda": lambda m: __import__("functools").partial(
        _fsdp(m).wrap.lambda_auto_wrap_policy, lambda_fn=lambda mod: isinstance(mod, m.nn.Linear)),
    "module_policy": lambda m: _fsdp(m).wrap.ModuleWrapPolicy([m.nn.Linear, m.nn.ReLU]),
    "size_forced_leaf": lambda m: __import__("functools").partial(
        _fsdp(m).wrap.size_based_auto_wrap_policy, min_num_params=10, force_leaf_modules={m.nn.Linear},
        exclude_wrap_modules=set()),
}


@pytest.mark.parametrize("policy", POLICIES.values(), ids=POLICIES.keys())
def test_wrap_policies(policy):
    same_text(lambda m: _policy_table(m, policy(m)))


def test_module_wrap_policy_run():
    def run(m):
        w = _fsdp(m).wrap
        tree = _tree(m)
        names = {id(mod): n for n, mod in tree.named_modules()}
        got = w.ModuleWrapPolicy({m.nn.Linear})._run_policy(tree, {tree[0]}, {"a": 1})
        custom = w.CustomPolicy(lambda mod: {"b": 2} if isinstance(mod, m.nn.ReLU) else isinstance(mod, m.nn.LayerNorm))
        got2 = custom._run_policy(tree, set(), {"a": 1})
        return (sorted((names[id(k)], sorted(v.items())) for k, v in got.items()),
                sorted((names[id(k)], sorted(v.items())) for k, v in got2.items()))
    same_text(run)


def test_custom_policy_bad_return():
    same_text(lambda m: _fsdp(m).wrap.CustomPolicy(lambda mod: 3)._run_policy(m.nn.ReLU(), set(), {}))


def test_enable_wrap_and_wrap():
    def run(m):
        w = _fsdp(m).wrap
        lin = m.nn.Linear(2, 2)
        outside = w.wrap(lin) is lin

        class Box:
            def __init__(self, module, **kw):
                self.module, self.kw = module, kw
        with w.enable_wrap(wrapper_cls=Box, x=1, y=2):
            boxed = w.wrap(lin, y=3)
            try:
                with w.enable_wrap(wrapper_cls=Box):
                    pass
                nested = "entered"
            except NotImplementedError as e:
                nested = str(e)
        after = w.wrap(lin) is lin
        return outside, type(boxed).__name__, boxed.module is lin, sorted(boxed.kw.items()), nested, after
    same_text(run)


def test_size_based_defaults():
    same_text(lambda m: (sorted(c.__name__ for c in _fsdp(m).wrap.size_based_auto_wrap_policy.EXCLUDE_WRAP_MODULES),
                         sorted(c.__name__ for c in _fsdp(m).wrap.size_based_auto_wrap_policy.FORCE_LEAF_MODULES),
                         sorted(_fsdp(m).wrap.__all__)))


# ---- torch.cpu's stream stand-ins ------------------------------------------------------------------
CPU_STREAM_USES = {
    "default_is_current": lambda m: m.cpu.current_stream() is m.cpu._default_cpu_stream,
    "current_ignores_device": lambda m: m.cpu.current_stream("cpu") is m.cpu.current_stream(0),
    "not_torch_stream": lambda m: (isinstance(m.cpu.Stream(), m.Stream), hasattr(m.cpu.Stream(), "query")),
    "priority": lambda m: type(m.cpu.Stream(priority=0)).__name__,
    "too_many": lambda m: m.cpu.Stream(1, 2),
    "noops": lambda m: [m.cpu.Stream().record_event(), m.cpu.Stream().wait_stream(m.cpu.Stream()),
                        m.cpu.Stream().wait_event(m.cpu.Event()), m.cpu.Event().query(), m.cpu.Event().record(),
                        m.cpu.Event().synchronize(), m.cpu.Event().wait(m.cpu.Stream())],
    "event_args": lambda m: m.cpu.Event(enable_timing=True),
    "names": lambda m: [(c.__module__, c.__qualname__) for c in (m.cpu.Stream, m.cpu.Event, m.cpu.StreamContext)],
    "none_context": lambda m: m.cpu.StreamContext(None).__enter__(),
}


@pytest.mark.parametrize("use", CPU_STREAM_USES.values(), ids=CPU_STREAM_USES.keys())
def test_cpu_stream_standins(use):
    same_text(use)


def test_cpu_stream_context_swaps_current():
    def run(m):
        s, t = m.cpu.Stream(), m.cpu.Stream()
        seen = [m.cpu.current_stream() is m.cpu._default_cpu_stream]
        with m.cpu.stream(s) as r:
            seen += [r, m.cpu.current_stream() is s]
            with m.cpu.StreamContext(t):
                seen.append(m.cpu.current_stream() is t)
            seen.append(m.cpu.current_stream() is s)
            with m.cpu.stream(None):
                seen.append(m.cpu.current_stream() is s)
        seen.append(m.cpu.current_stream() is m.cpu._default_cpu_stream)
        try:
            with m.cpu.stream(s):
                raise KeyError("x")
        except KeyError:
            seen.append(m.cpu.current_stream() is m.cpu._default_cpu_stream)
        return seen
    same_text(run)

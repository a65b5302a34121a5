"""Parity pins for sweep27f (Hugging Face style model files: configs, PreTrainedModel-like bases,
attention masks, KV caches and generation, ModelOutput and training plumbing, Llama-style blocks).

Fixed in glasstorch:
- ``torch.device(...)`` binds its arguments as torch does: a string must match c10's
  ``([a-zA-Z_]+)(?::([1-9]\\d*|0))?`` ("Invalid device string: 'cpu '" for spaces, signs, leading
  zeros; "Device string must not be empty"; "Could not parse device index ..." past int32), only
  torch's device types ('metal' is refused, 'mkldnn' warns once), the (type, index) form refuses an
  index in the string even when index is None and a negative index ("Device index must not be
  negative"), the index wraps as c10's int8 DeviceIndex (repr casts it to uint16), an int names an
  accelerator ("Cannot access accelerator device when none is available."), and wrong types get the
  parser's TypeError; ``torch.zeros(2, device=0)`` / ``x.to(0)`` raise that accelerator error too
  (_device.py, _device_parse.py);
- the autocast state functions: the device type is parsed as a device string ("cuda:0" is cuda),
  only torch's ten autocast device types keep an enabled flag ("unknown device type for autocast in
  get_autocast_dispatch_key_from_device_type"; meta is not one), dtypes default as torch 2.13's
  (xpu and mtia float16, hip float16 too) and a type with none raises "unsupported scalarType";
  arguments are checked as torch's parser and CPython builtins check them
  (``set_autocast_enabled(bool)`` is cuda's, "enabled must be a bool (got int)", "takes no
  arguments (1 given)" ...); ``torch.amp.is_autocast_available`` parses the string too
  (amp/_state.py, amp/autocast_mode.py);
- the deprecated per-device accessors (``get_autocast_gpu_dtype``, ``set_autocast_cpu_enabled``,
  the ipu / xla ones, 14 in all) exist and give torch's DeprecationWarning at every call, after their
  argument check; ``autocast_increment_nesting`` / ``autocast_decrement_nesting`` exist
  (amp/_state_legacy.py, amp/_state.py);
- ``torch.autocast`` checks as torch: dtype lookup first ("unsupported scalarType" for meta / lazy),
  then availability ("User specified an unsupported autocast device_type 'hip'"), privateuseone's
  AssertionError, the "In HPU autocast, but the target dtype is not supported" warning for every
  device; an enabled region on a non-CPU device type (xpu, mps, "cuda:0") is entered and sets that
  device's flag, as it casts nothing on CPU tensors; ``enabled`` / ``cache_enabled`` that are not
  bools raise torch's TypeError on entry (amp/autocast_mode.py);
- the parser names bfloat16's type "torch.dtype" in its errors (_arg_parser.py);
- inside ``inference_mode``, ``enable_grad`` / ``set_grad_enabled(True)`` turn the grad mode on
  (``is_grad_enabled()`` is True) but ops still record nothing, as torch excludes the autograd keys
  there: ``a * 2`` of a tensor requiring grad has no grad_fn; a custom ``autograd.Function`` does
  record, as torch's asks the grad mode; scaled_dot_product_attention does not (autograd/grad_mode.py,
  autograd/function.py, nn/_ops/attention.py);
- ``torch.backends.cuda.sdp_kernel(...)`` warns its FutureWarning when called, not when entered
  (_sdp.py); ``torch.utils._pytree`` and ``torch.utils.dlpack`` are reachable without their own
  import, as Hugging Face's ModelOutput registration uses them (utils/__init__.py).

The fixes of torch.load's map_location, the meta device and the accelerator moves are pinned in
test_sweep27f_meta.py.
"""
import subprocess
import sys
import textwrap

import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import eval_outcome

MODS = (torch, glasstorch)


def _env(m):
    return {"t": m, "torch": m}


def _same(expr, warnings_too=True):
    want = eval_outcome(expr, _env(torch))
    got = eval_outcome(expr, _env(glasstorch))
    got = (got[0].replace("glasstorch", "torch"), [(c, s.replace("glasstorch", "torch")) for c, s in got[1]])
    if not warnings_too:
        want, got = want[0], got[0]
    assert got == want, f"{expr}\ntorch:      {want}\nglasstorch: {got}"


# ---- torch.device ---------------------------------------------------------------------------------
DEVICE_EXPRS = [
    't.device("cpu")', 't.device("cuda:1")', 't.device("cpu ")', 't.device(" cpu")', 't.device("cpu:-1")',
    't.device("cpu:01")', 't.device("cpu:00")', 't.device("cpu:0")', 't.device("cuda:1:2")', 't.device("cpu:")',
    't.device("")', 't.device("cuda:+1")', 't.device("cuda:1 ")', 't.device("Cpu")', 't.device("CPU:1")',
    't.device("metal")', 't.device("cu da")', 't.device("é")', 't.device(":1")', 't.device("cuda_x:1")',
    't.device("cuda", -1)', 't.device("cuda", -2)', 't.device("cpu", 1)', 't.device("cuda:0", 0)',
    't.device("cuda:1", -1)', 't.device("foo", -1)', 't.device("foo:1", 1)', 't.device("cuda:x", 1)',
    't.device(0)', 't.device(1)', 't.device(-1)', 't.device(True)', 't.device(None)', 't.device(1.5)',
    't.device()', 't.device("cpu", 0, 1)', 't.device("cpu", "0")', 't.device("cpu", 1.0)',
    't.device("cpu", True)', 't.device("cuda", None)', 't.device("cuda:9", None)', 't.device("cuda:9", index=None)',
    't.device(type="cuda:9")', 't.device(type="cuda")', 't.device(type="cuda", index=3)', 't.device(device="cpu:0")',
    't.device(device=3)', 't.device(device="cpu", index=1)', 't.device("cpu", idx=1)',
    't.device(t.device("cuda:1"), 2)', 't.device(t.device("cuda:1"))', 't.device(type=t.device("cpu"))',
    't.device("cuda:99999999999999999999")', 't.device("cuda:2147483647")', 't.device("cuda:2147483648")',
    't.device("cuda", 2**63)', 't.device(2**63)', 't.device(-2**63 - 5)', 't.device("cuda", 2**40)',
    'repr(t.device("cuda", 128))', 'str(t.device("cuda", 200))', 't.device("cuda", 200).index',
    't.device("cuda", 255)', 't.device("cuda:300")', 't.device("privateuseone:1")', 't.device("xla:3")',
    't.device("cuda", 1) == t.device("cuda:1")', 'hash(t.device("cuda", 1)) == hash(t.device("cuda:1"))',
    't.device("cpu").__reduce__()[1]', 't.device("cuda", 2).__reduce__()[1]',
    't.zeros(2, device="cpu ")', 't.zeros(2, device="cpu:0").device', 't.zeros(2).to("cpu:01")',
    't.zeros(2, device=0)', 't.zeros(2, device=1)', 't.zeros(2, device=-1)', 't.zeros(2).to(0)', 't.zeros(2).to(-1)',
    't.zeros(2).to("cuda:1")', 't.ones(1).to(device="cpu:0").device',
]


@pytest.mark.parametrize("expr", DEVICE_EXPRS)
def test_device_constructor(expr):
    _same(expr)


_DEVICE_CHARS = st.sampled_from(list("cpuda:0123456789 _-+xX"))
_DEVICE_STRINGS = st.one_of(
    st.text(_DEVICE_CHARS, max_size=8),
    st.builds(lambda n, i: f"{n}:{i}", st.sampled_from(["cpu", "cuda", "xpu", "meta", "mps", "lazy", "hpu"]),
              st.text(st.sampled_from(list("0123456789-+ ")), max_size=4)),
)


@settings(max_examples=150, deadline=None)
@given(_DEVICE_STRINGS)
def test_device_strings_hypothesis(s):
    _same(f"t.device({s!r})", warnings_too=False)
    _same(f"t.device({s!r}, 1)", warnings_too=False)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["cpu", "cuda", "xpu", "mps", "cuda:1", "meta"]),
       st.one_of(st.none(), st.integers(-3, 700), st.sampled_from([2 ** 31, 2 ** 40 + 5, -2 ** 63, 2 ** 63])))
def test_device_index_hypothesis(name, index):
    _same(f"(lambda d: (repr(d), str(d), d.index, d.type))(t.device({name!r}, {index!r}))", warnings_too=False)


def test_mkldnn_device_warns_once():
    # a fresh process each: torch's TORCH_WARN_ONCE keys the warning to the process
    code = textwrap.dedent("""
        import sys, warnings
        import {mod} as t
        warnings.simplefilter("always")
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            print(repr(t.device("mkldnn")), repr(t.device("mkldnn:1")), repr(t.device("mkldnn")))
        print([(x.category.__name__, str(x.message)) for x in w])
    """)
    outs = [subprocess.run([sys.executable, "-c", code.format(mod=m.__name__)], capture_output=True, text=True,
                           check=True).stdout for m in MODS]
    assert outs[1] == outs[0]
    assert "mkldnn" in outs[0]


# ---- the autocast state ------------------------------------------------------------------------------
_TYPES = ["cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia", "xla",
          "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone", "cuda:0", "cpu:1", "cpu ", "", "CPU"]


@pytest.fixture(autouse=True)
def _restore_autocast_state():
    """Each test leaves both libraries' autocast state as it found it."""
    import warnings
    saved = []
    for m in MODS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            saved.append((m, {d: (m.is_autocast_enabled(d), m.get_autocast_dtype(d))
                              for d in ("cpu", "cuda", "ipu", "xpu", "hpu", "xla", "mps", "mtia", "maia",
                                        "privateuseone")}, m.is_autocast_cache_enabled()))
    yield
    for m, state, cache in saved:
        for d, (en, dt) in state.items():
            m.set_autocast_enabled(d, en)
            m.set_autocast_dtype(d, dt)
        m.set_autocast_cache_enabled(cache)


@pytest.mark.parametrize("device", _TYPES)
def test_autocast_state_per_device_type(device):
    d = repr(device)
    _same(f"t.is_autocast_enabled({d})")
    _same(f"t.get_autocast_dtype({d})")
    _same(f"t.amp.is_autocast_available({d})")
    _same(f"(t.set_autocast_enabled({d}, True), t.is_autocast_enabled({d}), t.set_autocast_enabled({d}, False))")
    _same(f"(t.set_autocast_dtype({d}, t.float64), t.get_autocast_dtype({d}))")


AUTOCAST_CALLS = [
    "t.is_autocast_enabled()", "t.is_autocast_enabled(1)", "t.is_autocast_enabled(True)",
    "t.is_autocast_enabled('cpu', 'cuda')", "t.is_autocast_enabled(device_type='cpu')",
    "t.is_autocast_enabled(device_type=1)",
    "t.set_autocast_enabled(1, True)", "t.set_autocast_enabled('cpu', 1)", "t.set_autocast_enabled('cpu', None)",
    "t.set_autocast_enabled('cpu', enabled=1)", "t.set_autocast_enabled()", "t.set_autocast_enabled(device_type='cpu')",
    "(t.set_autocast_enabled(True), t.is_autocast_enabled(), t.is_autocast_enabled('cuda'))",
    "(t.set_autocast_enabled(enabled=True), t.is_autocast_enabled('cuda:1'))",
    "t.get_autocast_dtype()", "t.get_autocast_dtype(1)", "t.get_autocast_dtype('cpu', 'x')",
    "t.get_autocast_dtype(device_type='cpu')",
    "t.set_autocast_dtype('cpu')", "t.set_autocast_dtype(1, t.float16)", "t.set_autocast_dtype('cpu', 1)",
    "t.set_autocast_dtype('cpu', 'float16')", "t.set_autocast_dtype('foo', t.float16)",
    "(t.set_autocast_dtype('cpu', float), t.get_autocast_dtype('cpu'))",
    "(t.set_autocast_dtype('cpu', t.int32), t.get_autocast_dtype('cpu'))",
    "(t.set_autocast_dtype(device_type='cuda', dtype=t.bfloat16), t.get_autocast_dtype('cuda'))",
    "t.set_autocast_cache_enabled(1)", "t.set_autocast_cache_enabled()", "t.set_autocast_cache_enabled(True, False)",
    "t.set_autocast_cache_enabled(enabled=True)",
    "(t.set_autocast_cache_enabled(False), t.is_autocast_cache_enabled())",
    "t.is_autocast_cache_enabled(1)", "t.clear_autocast_cache(1)", "t.clear_autocast_cache(x=1)",
    "t.clear_autocast_cache(1, x=1)",
    "(t.autocast_increment_nesting(), t.autocast_increment_nesting(), t.autocast_decrement_nesting(), "
    "t.autocast_decrement_nesting())",
    "t.autocast_increment_nesting(1)", "t.autocast_decrement_nesting(x=2)",
    "t.amp.is_autocast_available(3)", "t.amp.is_autocast_available('cuda:3')",
]


@pytest.mark.parametrize("expr", AUTOCAST_CALLS)
def test_autocast_state_arguments(expr):
    _same(expr)


LEGACY = [
    ("get_autocast_cpu_dtype", ()), ("get_autocast_gpu_dtype", ()), ("get_autocast_ipu_dtype", ()),
    ("get_autocast_xla_dtype", ()), ("is_autocast_cpu_enabled", ()), ("is_autocast_ipu_enabled", ()),
    ("is_autocast_xla_enabled", ()), ("set_autocast_cpu_dtype", ("t.float16",)),
    ("set_autocast_gpu_dtype", ("t.bfloat16",)), ("set_autocast_ipu_dtype", ("t.float16",)),
    ("set_autocast_xla_dtype", ("t.float64",)), ("set_autocast_cpu_enabled", ("False",)),
    ("set_autocast_ipu_enabled", ("True",)), ("set_autocast_xla_enabled", ("True",)),
]


@pytest.mark.parametrize("name,args", LEGACY)
def test_deprecated_autocast_accessors(name, args):
    _same(f"t.{name}({', '.join(args)})")
    _same(f"(t.{name}({', '.join(args)}), t.{name}({', '.join(args)}))")       # a warning at every call
    _same(f"t.{name}(1, 2)")
    _same(f"t.{name}(x=1)")
    if args:
        _same(f"t.{name}(1)")
        _same(f"t.{name}(float)")
        _same(f"t.{name}()")
    else:
        _same(f"t.{name}(1)")


def test_deprecated_accessors_act_on_their_device():
    _same("(t.set_autocast_cpu_dtype(t.float16), t.get_autocast_dtype('cpu'), t.get_autocast_cpu_dtype())")
    _same("(t.set_autocast_xla_enabled(True), t.is_autocast_enabled('xla'), t.is_autocast_xla_enabled())")
    _same("(t.set_autocast_gpu_dtype(t.int64), t.get_autocast_dtype('cuda'), t.get_autocast_gpu_dtype())")
    _same("(t.set_autocast_ipu_enabled(True), t.is_autocast_ipu_enabled(), t.set_autocast_ipu_enabled(False), "
          "t.is_autocast_enabled('ipu'))")


def _region(m, device, **kw):
    out = []
    with m.autocast(device, **kw):
        out.append((m.is_autocast_enabled(device), m.get_autocast_dtype(device), m.autocast_increment_nesting(),
                    m.autocast_decrement_nesting(), m.is_autocast_cache_enabled()))
        with m.autocast("cpu", enabled=False):
            out.append(m.is_autocast_enabled("cpu"))
        out.append((m.ones(2, 3) @ m.ones(3)).dtype)
    out.append((m.is_autocast_enabled(device), m.get_autocast_dtype(device), m.is_autocast_cache_enabled()))
    return out


REGIONS = [
    ("xpu", {}), ("mps", {"dtype": "bfloat16"}), ("cuda:0", {}), ("cuda", {}), ("cpu", {"enabled": False}),
    ("cpu", {"dtype": "float32"}), ("hpu", {"dtype": "float64"}), ("xla", {"cache_enabled": False}),
    ("cpu", {"enabled": 1}), ("xpu", {"enabled": 1}), ("cpu", {"enabled": False, "cache_enabled": 0}),
    ("mtia", {"enabled": 0}), ("maia", {}), ("ipu", {}), ("cpu:0", {"enabled": False}), ("meta", {}),
    ("hip", {}), ("privateuseone", {}), ("lazy", {"enabled": False}), ("cpu ", {}),
]


@pytest.mark.parametrize("device,kw", REGIONS)
def test_autocast_regions(device, kw):
    def fn(m):
        k = {a: getattr(m, v) if a == "dtype" else v for a, v in kw.items()}
        return _region(m, device, **k)
    env = {m: {"fn": fn, "m": m} for m in MODS}
    want = eval_outcome("fn(m)", env[torch])
    got = eval_outcome("fn(m)", env[glasstorch])
    assert got == want


def test_autocast_decorator_on_another_device():
    def fn(m):
        @m.autocast("xpu")
        def g(x):
            return m.is_autocast_enabled("xpu"), (x * 2).tolist()
        return g(m.ones(1)), m.is_autocast_enabled("xpu")
    assert fn(glasstorch) == fn(torch)


def test_parser_names_bfloat16_a_dtype():
    _same("t.ones(2).sum(dim=t.bfloat16)")
    _same("t.set_autocast_enabled('cpu', t.bfloat16)")


# ---- torch.backends.cuda.sdp_kernel, torch.utils._pytree ---------------------------------------------
def test_sdp_kernel_warns_when_called():
    import warnings

    def fn(m):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            cm = m.backends.cuda.sdp_kernel(enable_flash=False, enable_mem_efficient=False)
            at_call = [(x.category.__name__, str(x.message), x.filename.rsplit("/", 1)[-1]) for x in w]
            with cm:
                inside = (m.backends.cuda.flash_sdp_enabled(), m.backends.cuda.mem_efficient_sdp_enabled(),
                          m.backends.cuda.math_sdp_enabled())
            return at_call, len(w), inside, m.backends.cuda.flash_sdp_enabled()
    assert fn(glasstorch) == fn(torch)


def test_utils_pytree_needs_no_import():
    code = textwrap.dedent("""
        from collections import OrderedDict
        import {mod} as t
        class Out(OrderedDict):
            pass
        t.utils._pytree.register_pytree_node(Out, lambda o: (list(o.values()), list(o.keys())),
                                             lambda v, c: Out(zip(c, v)), serialized_type_name="Out")
        leaves, spec = t.utils._pytree.tree_flatten(Out(a=1, b=[2, 3]))
        print(leaves, spec)
        print(t.utils._pytree.tree_map(lambda x: x * 2, Out(a=1, b=(2,))))
        print(hasattr(t.utils, "dlpack"), hasattr(t.utils, "_nope"))
    """)
    outs = [subprocess.run([sys.executable, "-c", code.format(mod=m.__name__)], capture_output=True, text=True,
                           check=True).stdout for m in MODS]
    assert outs[1] == outs[0]


# ---- inference mode and grad mode ---------------------------------------------------------------------
def _inference_report(m):
    m.manual_seed(0)
    a = m.ones(2, requires_grad=True)
    lin = m.nn.Linear(2, 2)
    q = m.randn(1, 2, 3, 4, requires_grad=True)

    class Sq(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return 2 * x * g

    def row(t):
        return (t.requires_grad, None if t.grad_fn is None else type(t.grad_fn).__name__, t.is_inference())
    out = []
    with m.inference_mode():
        out.append(m.is_grad_enabled())
        with m.enable_grad():
            out += [m.is_grad_enabled(), row(a * 2), row(lin(a)), row(a.view(2)), row(a.detach()),
                    row(m.ones(1, requires_grad=True) * 2), row(Sq.apply(a)),
                    row(m.nn.functional.scaled_dot_product_attention(q, q, q)),
                    row(m.nn.functional.scaled_dot_product_attention(q, q, q, is_causal=True))]
            try:
                m.autograd.grad((a * 3).sum(), a)
            except RuntimeError as e:
                out.append(str(e))
        with m.set_grad_enabled(True):
            out += [m.is_grad_enabled(), row(a + 1)]
        out.append(m.is_grad_enabled())
        m.set_grad_enabled(True)
        out += [m.is_grad_enabled(), row(a * 2)]
        with m.no_grad():
            out.append(m.is_grad_enabled())
            with m.enable_grad():
                out.append(m.is_grad_enabled())
        with m.inference_mode(False):
            out += [m.is_grad_enabled(), m.is_inference_mode_enabled(), row(a * 2)]
        out.append(m.is_grad_enabled())
    out += [m.is_grad_enabled(), row(a * 2)]
    with m.no_grad():
        with m.inference_mode():
            out.append(m.is_grad_enabled())
            with m.inference_mode(False):
                out += [m.is_grad_enabled(), row(a * 2)]
            out.append(m.is_grad_enabled())
        out.append(m.is_grad_enabled())

    @m.enable_grad()
    def f():
        return m.is_grad_enabled(), row(a * 2)
    with m.inference_mode():
        out.append(f())
    out.append(m.is_grad_enabled())
    return out


def test_enable_grad_inside_inference_mode_records_nothing():
    assert _inference_report(glasstorch) == _inference_report(torch)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["inference", "no_inference", "no_grad", "enable_grad", "grad_on", "grad_off"]),
                min_size=1, max_size=4))
def test_grad_mode_nesting_hypothesis(stack):
    """Any nesting of the grad-mode managers: the same is_grad_enabled / inference flags and the same
    recording of an op, at every depth and after each exit."""
    def run(m):
        a = m.ones(2, requires_grad=True)
        seen = []

        def cm(name):
            return {"inference": lambda: m.inference_mode(), "no_inference": lambda: m.inference_mode(False),
                    "no_grad": m.no_grad, "enable_grad": m.enable_grad,
                    "grad_on": lambda: m.set_grad_enabled(True), "grad_off": lambda: m.set_grad_enabled(False)}[name]()

        def go(rest):
            seen.append((m.is_grad_enabled(), m.is_inference_mode_enabled(), (a * 2).requires_grad))
            if rest:
                with cm(rest[0]):
                    go(rest[1:])
                seen.append((m.is_grad_enabled(), m.is_inference_mode_enabled()))
        go(stack)
        return seen
    assert run(glasstorch) == run(torch)

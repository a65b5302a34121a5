"""Parity pins for the real-program sweep sp (HuggingFace peft: LoRA, IA3, prefix/prompt tuning,
AdaLoRA on tiny GPT2/Llama/Bert models and on a plain nn.Sequential MLP).

Fixed in glasstorch:
- ``import torch`` imports ``torch.jit``, whose ``TracerWarning`` filters
  (``warnings.filterwarnings``) go in at import.  glasstorch loaded ``jit`` on first use, so the
  filters went in mid-program (transformers calls ``torch.jit.is_tracing()`` in every forward); a
  change to the filter list resets Python's once-per-location registry, and a deprecation warning
  already shown (transformers' ``is_gradient_checkpointing``, read by peft's ``PeftModel``) was
  printed a second time.  ``glasstorch.jit`` is now imported with glasstorch (glasstorch/__init__.py).
  Shown by peft's LoRA GPT2 run (get_peft_model, then PeftModel.from_pretrained).
- ``torch.utils.cpp_extension`` was missing (ModuleNotFoundError), so peft's BOFT, which tries
  ``load(...)`` of its CUDA kernel and falls back to Python on any exception, could not be built.
  It now exists with a CPU-only build's behaviour: ``CUDA_HOME``/``ROCM_HOME`` None, torch's
  ``__all__``, ``is_ninja_available``/``verify_ninja_availability``, ``get_default_build_root``, and
  ``load``/``load_inline`` raising where a CPU-only torch raises (torch's ValueError for
  is_python_module with is_standalone, its AssertionError for CUDA with SYCL sources, its OSError
  "CUDA_HOME environment variable is not set. ..." for CUDA sources); C++ sources, which torch
  would compile against libtorch, raise a RuntimeError (glasstorch has no libtorch)
  (glasstorch/utils/cpp_extension.py).  Shown by peft's BOFTConfig on a custom MLP.
"""
import subprocess
import sys
import textwrap

import pytest
import torch

import glasstorch
from tests.parity._helpers import same_error
from hypothesis import given, settings, strategies as st

ROOT = __file__.rsplit("/tests/", 1)[0]


def _fresh(lib, body):
    """``body`` in a new interpreter after ``import <lib> as torch``: (stdout, stderr)."""
    code = f"import {lib} as torch\n" + textwrap.dedent(body)
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert p.returncode == 0, p.stderr
    return p.stdout, p.stderr


def _same_fresh(body):
    t = _fresh("torch", body)
    g = _fresh("glasstorch", body)
    assert g == t
    return t


def test_jit_loaded_with_torch():
    out, _ = _same_fresh("""
        import sys
        print(any(m.endswith('.jit') and m.split('.')[0] in ('torch', 'glasstorch') for m in sys.modules))
    """)
    assert out.strip() == "True"


def test_tracer_warning_filters_in_at_import():
    _same_fresh("""
        import warnings
        print([(f[0], getattr(f[1], 'pattern', None), f[2].__name__) for f in warnings.filters
               if f[2].__name__ == 'TracerWarning' or getattr(f[1], 'pattern', '') == 'torch::jit::fuser::cuda'][:2])
    """)


@pytest.mark.parametrize("between", ["torch.jit.is_tracing()", "torch.jit.is_scripting()",
                                     "torch.jit.TracerWarning", "torch.jit.unused(lambda: 0)"])
def test_once_per_location_warning_not_repeated_after_jit_use(between):
    _, err = _same_fresh(f"""
        import warnings
        def f():
            warnings.warn('old name', FutureWarning)
        f()
        {between}
        f()
    """)
    assert err.count("old name") == 1


@settings(max_examples=3, deadline=None)
@given(st.sampled_from([DeprecationWarning, FutureWarning, UserWarning]), st.integers(2, 4))
def test_repeated_warning_count_with_jit_calls(cat, n):
    _, err = _same_fresh(f"""
        import warnings
        warnings.simplefilter('default')
        def f():
            warnings.warn('once here', {cat.__name__})
        for _ in range({n}):
            f()
            torch.jit.is_tracing()
    """)
    assert err.count("once here") == 1


def test_cpp_extension_module_constants():
    import torch.utils.cpp_extension as tc
    import glasstorch.utils.cpp_extension as gc
    assert (gc.CUDA_HOME, gc.ROCM_HOME) == (tc.CUDA_HOME, tc.ROCM_HOME)
    assert gc.__all__ == tc.__all__
    assert gc.is_ninja_available() == tc.is_ninja_available()
    assert gc.get_default_build_root() == tc.get_default_build_root()
    assert gc._is_cuda_file("k.cu") == tc._is_cuda_file("k.cu") is True


@pytest.mark.parametrize("sources", [["a.cpp", "b.cu"], "k.cuh", ["a.cu", "b.sycl"]])
@pytest.mark.parametrize("kw", [{}, {"is_standalone": True}, {"with_sycl": True}])
@pytest.mark.parametrize("exist", [True, False])
def test_cpp_extension_load_errors(tmp_path, sources, kw, exist):
    paths = [str(tmp_path / s) for s in ([sources] if isinstance(sources, str) else sources)]
    if exist:
        for p in paths:
            open(p, "w").write("int f() { return 0; }\n")

    def fn(m):
        m.utils.cpp_extension.load("gt_sp_ext", paths, build_directory=str(tmp_path), **kw)
    same_error(fn)


@pytest.mark.parametrize("kw", [{"cuda_sources": "__global__ void k() {}"},
                                {"cuda_sources": ["x"], "with_sycl": True}])
def test_cpp_extension_load_inline_errors(tmp_path, kw):
    def fn(m):
        m.utils.cpp_extension.load_inline("gt_sp_inl", "int f();", build_directory=str(tmp_path), **kw)
    same_error(fn)


def test_cpp_extension_import_probe_falls_back():
    # the pattern peft's BOFT uses: any exception from load means "use the Python path"
    def probe(m):
        from importlib import import_module
        try:
            import_module(f"{m.__name__}.utils.cpp_extension").load("gt_sp_probe", ["k.cu"], build_directory="/tmp")
        except Exception as e:  # noqa: BLE001
            return type(e).__name__, str(e)
    assert probe(glasstorch) == probe(torch)


def test_cpp_extension_star_import_and_build_helpers():
    # every name of torch's __all__ exists (a star import worked only on torch), and CUDAExtension fails
    # on a CPU-only build as torch's does
    import torch.utils.cpp_extension as t_ext
    import glasstorch.utils.cpp_extension as g_ext
    assert [n for n in t_ext.__all__ if not hasattr(g_ext, n)] == []
    ns = {}
    exec("from glasstorch.utils.cpp_extension import *", ns)
    assert set(t_ext.__all__) <= set(ns)

    def err(m):
        try:
            m.CUDAExtension("ext", ["k.cu"])
        except Exception as e:          # noqa: BLE001  (the type and text are what is compared)
            return type(e).__name__, str(e)
        return None
    assert err(t_ext) == err(g_ext) is not None

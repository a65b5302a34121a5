"""``torch.__config__``: how the build was configured, as text.

Libraries read it to pick code paths (PyTorch Geometric looks for ``'USE_MKL=OFF'`` in ``show()``),
so it describes glasstorch's own "build" in torch's words and agrees with ``torch.backends``: no MKL,
no oneDNN, no OpenMP (``backends.mkl/mkldnn/openmp.is_available()`` are False), LAPACK present
(NumPy's), and the CPU capability ``backends.cpu.get_cpu_capability()`` names.
"""
import os

__all__ = ["show", "parallel_info"]


def show():
    """The configuration summary: one line per component, then the build settings, as torch's
    ``torch._C._show_config()`` lays it out."""
    from ._runtime import backends
    from .torch_version import internal_version
    settings = ["BLAS_INFO=numpy", "BUILD_TYPE=Release", "CXX_FLAGS=" + _cxx_flags(), "LAPACK_INFO=numpy",
                "TORCH_VERSION=" + internal_version.split("+")[0], "USE_CUDA=0", "USE_CUDNN=OFF",
                "USE_CUSPARSELT=OFF", "USE_GFLAGS=OFF", "USE_GLOG=OFF", "USE_GLOO=OFF", "USE_MKL=OFF",
                "USE_MKLDNN=OFF", "USE_MPI=OFF", "USE_NCCL=OFF", "USE_NNPACK=OFF", "USE_OPENMP=OFF",
                "USE_ROCM=OFF", "USE_ROCM_KERNEL_ASSERT=OFF", "USE_XCCL=OFF", "USE_XPU=OFF"]
    return ("PyTorch built with:\n"
            "  - LAPACK is enabled (usually provided by MKL)\n"
            f"  - CPU capability usage: {backends.cpu.get_cpu_capability()}\n"
            "  - Build settings: " + "".join(s + ", " for s in settings) + "\n")


def parallel_info():
    """The threading summary torch's ``at::get_parallel_info()`` prints (native thread pool: no OpenMP)."""
    from ._runtime import get_num_threads, get_num_interop_threads
    env = "".join(f"\t{name} : {os.environ.get(name, '[not set]')}\n"
                  for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"))
    return ("ATen/Parallel:\n"
            f"\tat::get_num_threads() : {get_num_threads()}\n"
            f"\tat::get_num_interop_threads() : {get_num_interop_threads()}\n"
            f"std::thread::hardware_concurrency() : {os.cpu_count()}\n"
            "Environment variables:\n" + env +
            "ATen parallel backend: native thread pool\n")


def _cxx_flags():
    """The C++ flags of the build: glasstorch compiles nothing."""
    return ""

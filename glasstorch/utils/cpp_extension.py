"""torch.utils.cpp_extension: just-in-time C++/CUDA extensions.

glasstorch has no libtorch to compile against, so nothing is ever built; what is kept is the part of
torch's behaviour that programs rely on to fall back to Python: the CPU-only build's module constants
(``CUDA_HOME`` is None because torch was not compiled with CUDA), the ninja probes, the build folder,
and ``load``/``load_inline`` failing where a CPU-only torch fails: a CUDA source raises torch's
``OSError`` about ``CUDA_HOME`` (peft's BOFT catches it and uses its Python path).
"""
import os
import subprocess
import sys

__all__ = ["get_default_build_root", "check_compiler_ok_for_platform", "get_compiler_abi_compatibility_and_version",
           "BuildExtension", "CppExtension", "CUDAExtension", "SyclExtension", "include_paths", "library_paths",
           "load", "load_inline", "is_ninja_available", "verify_ninja_availability",
           "remove_extension_h_precompiler_headers", "get_cxx_compiler", "check_compiler_is_gcc"]

# a CPU-only build: torch sets these only when compiled with CUDA / ROCm / SYCL
CUDA_HOME = None
ROCM_HOME = None
SYCL_HOME = None
IS_HIP_EXTENSION = False
IS_WINDOWS = sys.platform == "win32"
IS_MACOS = sys.platform.startswith("darwin")
IS_LINUX = sys.platform.startswith("linux")


def _is_cuda_file(path):
    return os.path.splitext(path)[1] in (".cu", ".cuh")


def _is_sycl_file(path):
    return os.path.splitext(path)[1] in (".sycl",)


def _join_cuda_home(*paths):
    if CUDA_HOME is None:
        raise OSError('CUDA_HOME environment variable is not set. '
                      'Please set it to your CUDA install root.')
    return os.path.join(CUDA_HOME, *paths)


def get_cxx_compiler():
    return os.environ.get("CXX", "cl" if IS_WINDOWS else "c++")


def is_ninja_available():
    """Return ``True`` if the ninja build system is available on the system, ``False`` otherwise."""
    try:
        subprocess.check_output(["ninja", "--version"])
    except Exception:  # noqa: BLE001 - torch's probe: any failure means "not available"
        return False
    return True


def verify_ninja_availability():
    """Raise ``RuntimeError`` if ninja is not available on the system, does nothing otherwise."""
    if not is_ninja_available():
        raise RuntimeError("Ninja is required to load C++ extensions (pip install ninja to get it)")


def get_default_build_root():
    """The per-user cache folder extensions are built under (torch's appdirs ``user_cache_dir``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return os.path.realpath(os.path.join(base, "torch_extensions"))


def _get_build_directory(name, verbose):
    root = os.environ.get("TORCH_EXTENSIONS_DIR")
    if root is None:
        py = f'py{sys.version_info.major}{sys.version_info.minor}{getattr(sys, "abiflags", "")}'
        root = os.path.join(get_default_build_root(), f"{py}_cpu")
    build_directory = os.path.join(root, name)
    os.makedirs(build_directory, exist_ok=True)
    return build_directory


def _jit_compile(name, sources, extra_ldflags, with_cuda, with_sycl, is_python_module, is_standalone):
    # torch's order of checks: the flags, then (while building) ninja, then the CUDA paths for the link
    if is_python_module and is_standalone:
        raise ValueError("`is_python_module` and `is_standalone` are mutually exclusive.")
    if with_cuda is None:
        with_cuda = any(map(_is_cuda_file, sources))
    if with_sycl is None:
        with_sycl = any(map(_is_sycl_file, sources))
    if with_sycl and with_cuda:
        raise AssertionError("cannot have both SYCL and CUDA files in the same extension")
    for path in sources:       # torch's versioner hashes every source before building: a missing one fails here
        with open(path) as f:
            f.read()
    verify_ninja_availability()
    if with_cuda or any("cudnn" in f for f in extra_ldflags or []):
        _join_cuda_home("lib64")
    raise RuntimeError(f"Error building extension '{name}': glasstorch has no libtorch to build C++ "
                       "extensions against")


def load(name, sources, extra_cflags=None, extra_cuda_cflags=None, extra_sycl_cflags=None, extra_ldflags=None,
         extra_include_paths=None, build_directory=None, verbose=False, with_cuda=None, with_sycl=None,
         is_python_module=True, is_standalone=False, keep_intermediates=True):
    """Build and load a C++/CUDA extension: never possible here (see the module docstring)."""
    sources = [sources] if isinstance(sources, str) else sources
    build_directory or _get_build_directory(name, verbose)
    return _jit_compile(name, sources, extra_ldflags, with_cuda, with_sycl, is_python_module, is_standalone)


def load_inline(name, cpp_sources, cuda_sources=None, sycl_sources=None, functions=None, extra_cflags=None,
                extra_cuda_cflags=None, extra_sycl_cflags=None, extra_ldflags=None, extra_include_paths=None,
                build_directory=None, verbose=False, with_cuda=None, with_sycl=None, is_python_module=True,
                with_pytorch_error_handling=True, keep_intermediates=True, use_pch=False, no_implicit_headers=False):
    """Build and load an extension from source strings: never possible here."""
    build_directory or _get_build_directory(name, verbose)
    if with_cuda is None:
        with_cuda = bool(cuda_sources)
    if with_sycl is None:
        with_sycl = bool(sycl_sources)
    return _jit_compile(name, [], extra_ldflags, with_cuda, with_sycl, is_python_module, False)


# The ahead-of-time build helpers (setup.py's BuildExtension, CppExtension, CUDAExtension ...) need
# torch's headers and libraries, which glasstorch has none of: each refuses when called, so that
# `from torch.utils.cpp_extension import *` works and a build stops with a reason.
def _no_libtorch(name):
    def refuse(*args, **kwargs):
        raise RuntimeError(f"torch.utils.cpp_extension.{name}: glasstorch has no libtorch to build C++ "
                           "extensions against")
    refuse.__name__ = refuse.__qualname__ = name
    return refuse


for _name in ("check_compiler_ok_for_platform", "get_compiler_abi_compatibility_and_version", "BuildExtension",
              "CppExtension", "SyclExtension", "include_paths", "library_paths", "check_compiler_is_gcc"):
    globals()[_name] = _no_libtorch(_name)
del _name


def CUDAExtension(name, sources, *args, **kwargs):
    """A CPU-only build has no CUDA install: torch's fails looking for it, with this error."""
    _join_cuda_home("lib64")


def remove_extension_h_precompiler_headers():
    """torch deletes its precompiled extension.h headers; glasstorch has none."""

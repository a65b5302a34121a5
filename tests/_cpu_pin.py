"""The suite's reference machine: torch 2.13 and NumPy on their AVX2 code paths.

glasstorch models the kernels torch runs on an AVX2 x86 CPU (its AVX2 capability, oneDNN's AVX2 code)
and computes with NumPy's AVX2 loops. On a CPU with AVX-512 all three take other paths with other
roundings: torch's AVX512 kernels and oneDNN's AVX-512 code, and NumPy's AVX-512 loops for exp,
log, sin, pow, ... (measured on an AMD Zen 5: 138 of the suite's bit-for-bit comparisons then differ
in the last bits -- docs/differences.md). So that the suite checks the same thing on every x86 machine,
the test processes run all three on AVX2, through the switches each library reads at start-up:
``ATEN_CPU_CAPABILITY``, ``ONEDNN_MAX_CPU_ISA`` and ``NPY_DISABLE_CPU_FEATURES``. A value already in
the environment is kept. ``tests/parity/test_cpu_capability.py`` runs what glasstorch models of the
AVX-512 machine (it runs AVX2 kernels there too, for arange and grid_sample) without the pins.

This module imports nothing heavy: NumPy must not be loaded before the pins are set.
"""
import os
import platform
import subprocess
import sys

PINS = ("ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA", "NPY_DISABLE_CPU_FEATURES")


def _has_avx512():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return "avx512f" in line.split()
    except OSError:
        pass
    return False


def _numpy_avx512_groups():
    """The AVX-512 groups this NumPy dispatches to (their names change between NumPy releases), asked
    of a child interpreter so that this one has not loaded NumPy yet."""
    code = ("import numpy as n\nc = getattr(n, '_core', None) or n.core\n"
            "print(' '.join(c._multiarray_umath.__cpu_dispatch__))")
    env = {k: v for k, v in os.environ.items() if k != "NPY_DISABLE_CPU_FEATURES"}
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                             timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [g for g in out.split() if g.startswith("AVX512") or g == "X86_V4"]


def pin_avx2(environ=os.environ):
    """Set the three switches (where unset) on an x86 CPU with AVX-512; returns what was set."""
    if platform.machine().lower() not in ("x86_64", "amd64") or not _has_avx512():
        return {}
    done = {}
    if "ATEN_CPU_CAPABILITY" not in environ:
        done["ATEN_CPU_CAPABILITY"] = "avx2"
    if "ONEDNN_MAX_CPU_ISA" not in environ:
        done["ONEDNN_MAX_CPU_ISA"] = "AVX2"
    if "NPY_DISABLE_CPU_FEATURES" not in environ:
        groups = _numpy_avx512_groups()
        if groups:
            done["NPY_DISABLE_CPU_FEATURES"] = " ".join(groups)
    environ.update(done)
    return done

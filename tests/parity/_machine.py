"""Whether this machine is the one optim/_blas_order.py's summation orders were measured on.

torch's dot and sqrt go through MKL, which picks a kernel per CPU; the orders glasstorch
reproduces are those of torch's x86-64 wheel on an AMD CPU with torch's AVX2 kernels."""
import os
import platform

import torch


def mkl_order_machine():
    try:
        with open("/proc/cpuinfo") as f:
            amd = "AuthenticAMD" in f.read()
    except OSError:
        amd = False
    return (platform.machine() == "x86_64" and amd and torch.backends.mkl.is_available()
            and torch.backends.cpu.get_cpu_capability() == "AVX2")


# GT_FORCE_INEXACT=1 runs the other-CPU checks here too
EXACT = mkl_order_machine() and not os.environ.get("GT_FORCE_INEXACT")

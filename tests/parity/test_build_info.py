"""torch.compiled_with_cxx11_abi, init_num_threads, get_device_module and the has_* build flags
(environment-report scripts print them); glasstorch had none of them.  has_mkl / has_openmp are
glasstorch's own answers (False: it computes with NumPy), kept equal to backends.mkl/openmp."""
import glasstorch
import torch

from ._helpers import same_error


def test_device_modules_and_abi():
    def run(m):
        return [m.get_device_module().__name__, m.get_device_module("cpu").__name__,
                m.get_device_module(m.device("cpu")).__name__, m.get_device_module("cuda").__name__,
                m.compiled_with_cxx11_abi(), m.init_num_threads(), m.has_lapack, m.has_spectral]
    assert run(torch) == [n.replace("glasstorch", "torch") if isinstance(n, str) else n for n in run(glasstorch)]
    same_error(lambda m: m.get_device_module("foo"))


def test_has_flags_agree_with_backends():
    assert glasstorch.has_mkl is glasstorch.backends.mkl.is_available() is False
    assert glasstorch.has_openmp is glasstorch.backends.openmp.is_available() is False

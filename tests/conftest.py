import os

from tests._cpu_pin import pin_avx2

pin_avx2()      # before NumPy or torch loads: the suite's reference is their AVX2 code (see _cpu_pin.py)

import pytest  # noqa: E402

from hypothesis import HealthCheck, settings  # noqa: E402

# CI draws the same examples on every run (derandomize): a stop must not fail on a draw no one saw
# before. The fuzzers' search for new cases runs under "explore" (fresh random draws, more of them):
#   make fuzz
settings.register_profile("ci", deadline=None, max_examples=60, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("explore", deadline=None, max_examples=200,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("fast", deadline=None, max_examples=15,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _torch_function_switched_off_after_each_test():
    """A test that defines a Tensor subclass or imports ``glasstorch.overrides`` switches glasstorch's
    ``__torch_function__`` checks on for the rest of the process (see glasstorch/_torch_function.py);
    later tests in the same worker must see the library as a plain program does."""
    yield
    from glasstorch import _torch_function
    if _torch_function.STATE.active:
        _torch_function.deactivate()


@pytest.fixture(autouse=True)
def _distribution_validation_restored_after_each_test():
    """torch.compile switches torch's distribution argument validation off for the rest of the process
    (Dynamo's patcher calls Distribution.set_default_validate_args(False)), and glasstorch.compile does
    the same; a later test in the same worker comparing validation errors would then find both raising
    nothing."""
    yield
    import glasstorch
    import torch
    torch.distributions.Distribution.set_default_validate_args(True)
    glasstorch.distributions.Distribution.set_default_validate_args(True)

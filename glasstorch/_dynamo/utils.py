"""``torch._dynamo.utils``: only ``is_compile_supported``, which libraries ask before taking a path
meant for ``torch.compile`` (torchvision's roi_align then runs its pure-Python version)."""


def is_compile_supported(device_type):
    """torch's answer: True for the CPU (torch.compile runs there; in glasstorch it runs eagerly), and
    for CUDA/XPU/MTIA only with Triton, which glasstorch never has."""
    from .._device import device
    return device(device_type).type == "cpu"

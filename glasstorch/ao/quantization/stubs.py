"""``QuantStub`` / ``DeQuantStub``: the markers where static quantization will quantize and
dequantize.  Before ``prepare``/``convert`` they pass their input through unchanged (glasstorch has no
static quantization to swap them for; models that hold them, such as torchvision's quantizable ones,
build and run in float)."""
from ...nn.modules.module import Module


class QuantStub(Module):
    """Identity until ``convert`` would swap it for a ``Quantize``."""

    def __init__(self, qconfig=None):
        super().__init__()
        if qconfig:
            self.qconfig = qconfig

    def forward(self, x):
        return x


class DeQuantStub(Module):
    """Identity until ``convert`` would swap it for a ``DeQuantize``."""

    def __init__(self, qconfig=None):
        super().__init__()
        if qconfig:
            self.qconfig = qconfig

    def forward(self, x):
        return x


QuantStub.__module__ = DeQuantStub.__module__ = "torch.ao.quantization.stubs"

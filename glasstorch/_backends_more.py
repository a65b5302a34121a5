"""``torch.backends.quantized``, ``nnpack`` and ``xnnpack``: the switches quantization and mobile
tutorials set.  glasstorch's quantized ops run one NumPy implementation whatever the engine, and it
has neither NNPACK nor XNNPACK (so they say unavailable, as ``backends.mkl`` does)."""
import contextlib
import types

_ENGINES = ["qnnpack", "onednn", "x86", "fbgemm"]


class QuantizedEngine(types.ModuleType):
    """``torch.backends.quantized``: ``engine`` is checked against torch's x86 build's engines."""

    def __init__(self, name):
        super().__init__(name)
        self._engine = "x86"
        self.supported_engines = list(_ENGINES)

    @property
    def engine(self):
        return self._engine

    @engine.setter
    def engine(self, value):
        if value not in _ENGINES:
            raise RuntimeError(f"{value} is not a valid value for quantized engine")
        self._engine = value


quantized = QuantizedEngine("torch.backends.quantized")

nnpack = types.ModuleType("torch.backends.nnpack")
nnpack.is_available = lambda: False
nnpack.enabled = False


def _nnpack_set_flags(_enabled):
    old = (nnpack.enabled,)
    nnpack.enabled = _enabled
    return old


@contextlib.contextmanager
def _nnpack_flags(enabled=False):
    old = _nnpack_set_flags(enabled)
    try:
        yield
    finally:
        _nnpack_set_flags(old[0])


nnpack.set_flags, nnpack.flags = _nnpack_set_flags, _nnpack_flags

xnnpack = types.ModuleType("torch.backends.xnnpack")
xnnpack.enabled = False

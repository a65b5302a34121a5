"""``torch._C.DispatchKey``, ``DispatchKeySet`` and ``_ExcludeDispatchKeyGuard``.

glasstorch has no dispatcher, so nothing routes through these; libraries build them at import
(torchvision's autocast wrappers exclude the autocast keys while they run), and the guard is then
a context manager that changes nothing.

A key set is torch's 64-bit word: bits 0-15 are the backends (CPU, CUDA, ..., Meta), bit 15 + f is
functionality f (Dense = 1, ..., AutocastCPU = 24).  A per-backend key (CPU, AutogradCPU, QuantizedCUDA)
sets its block's functionality bit and its backend's bit; a set lists, for each functionality in
order, the backends it holds (functionalities that are not per-backend list once).
"""
import enum

# torch's numbering.  Where two names share a value, the one torch prints comes first here.
_KEYS = (
    "Undefined=0 Dense=1 Quantized=5 Sparse=8 SparseCsr=9 NestedTensor=10 BackendSelect=11 Python=13 "
    "FuncTorchDynamicLayerBackMode=14 Functionalize=15 Conjugate=16 Negative=17 ZeroTensor=18 "
    "ADInplaceOrView=19 AutogradOther=20 AutogradFunctionality=21 AutogradNestedTensor=22 AutocastCPU=24 "
    "AutocastXPU=27 AutocastIPU=28 AutocastHPU=29 AutocastMPS=31 AutocastCUDA=32 AutocastPrivateUse1=33 "
    "FuncTorchBatched=34 FuncTorchVmapMode=36 FuncTorchGradWrapper=39 PythonTLSSnapshot=41 "
    "FuncTorchDynamicLayerFrontMode=42 PreDispatch=45 PythonDispatcher=46 StartOfDenseBackends=48 CPU=49 "
    "CUDA=50 HIP=51 XLA=52 MPS=53 IPU=54 XPU=55 HPU=56 VE=57 Lazy=58 MTIA=59 MAIA=60 PrivateUse1=61 "
    "PrivateUse2=62 PrivateUse3=63 Meta=64 EndOfDenseBackends=64 StartOfQuantizedBackends=65 "
    "QuantizedCPU=66 QuantizedCUDA=67 QuantizedHIP=68 QuantizedXLA=69 QuantizedMPS=70 QuantizedIPU=71 "
    "QuantizedXPU=72 QuantizedHPU=73 QuantizedVE=74 QuantizedLazy=75 QuantizedMTIA=76 QuantizedMAIA=77 "
    "QuantizedPrivateUse1=78 QuantizedPrivateUse2=79 QuantizedPrivateUse3=80 QuantizedMeta=81 "
    "EndOfQuantizedBackends=81 StartOfSparseBackends=82 SparseCPU=83 SparseCUDA=84 SparseHIP=85 SparseXLA=86 "
    "SparseMPS=87 SparseIPU=88 SparseXPU=89 SparseHPU=90 SparseVE=91 SparseLazy=92 SparseMTIA=93 "
    "SparseMAIA=94 SparsePrivateUse1=95 SparsePrivateUse2=96 SparsePrivateUse3=97 SparseMeta=98 "
    "EndOfSparseBackends=98 StartOfSparseCsrBackends=99 SparseCsrCPU=100 SparseCsrCUDA=101 SparseCsrHIP=102 "
    "SparseCsrXLA=103 SparseCsrMPS=104 SparseCsrIPU=105 SparseCsrXPU=106 SparseCsrHPU=107 "
    "SparseCsrVE=108 SparseCsrLazy=109 SparseCsrMTIA=110 SparseCsrMAIA=111 SparseCsrPrivateUse1=112 "
    "SparseCsrPrivateUse2=113 SparseCsrPrivateUse3=114 SparseCsrMeta=115 EndOfSparseCsrBackends=115 "
    "StartOfNestedTensorBackends=116 NestedTensorCPU=117 NestedTensorCUDA=118 NestedTensorHIP=119 "
    "NestedTensorXLA=120 NestedTensorMPS=121 NestedTensorIPU=122 NestedTensorXPU=123 NestedTensorHPU=124 "
    "NestedTensorVE=125 NestedTensorLazy=126 NestedTensorMTIA=127 NestedTensorMAIA=128 "
    "NestedTensorPrivateUse1=129 NestedTensorPrivateUse2=130 NestedTensorPrivateUse3=131 "
    "NestedTensorMeta=132 EndOfNestedTensorBackends=132 StartOfAutogradFunctionalityBackends=133 "
    "AutogradCPU=134 AutogradCUDA=135 AutogradHIP=136 AutogradXLA=137 AutogradMPS=138 AutogradIPU=139 "
    "AutogradXPU=140 AutogradHPU=141 AutogradVE=142 AutogradLazy=143 AutogradMTIA=144 AutogradMAIA=145 "
    "AutogradPrivateUse1=146 AutogradPrivateUse2=147 AutogradPrivateUse3=148 AutogradMeta=149 "
    "EndOfAutogradFunctionalityBackends=149 Autograd=150 CompositeImplicitAutograd=151 "
    "FuncTorchBatchedDecomposition=152 CompositeImplicitAutogradNestedTensor=153 "
    "CompositeExplicitAutograd=154 CompositeExplicitAutogradNonFunctional=155")

class _PybindEnumType(enum.EnumMeta):
    """The class prints as torch's pybind11 class does: ``<class 'torch.DispatchKey'>``."""

    def __repr__(cls):
        return f"<class '{cls.__module__}.{cls.__name__}'>"


_members = _PybindEnumType.__prepare__("DispatchKey", (enum.Enum,))
for _k, _v in (kv.split("=") for kv in _KEYS.split()):
    _members[_k] = int(_v)
_members["__module__"] = "glasstorch"
DispatchKey = _PybindEnumType("DispatchKey", (enum.Enum,), _members)
DispatchKey.__int__ = DispatchKey.__index__ = lambda self: self.value

_N_BACKENDS = 16
# the start value of each per-backend block -> its functionality
_BLOCKS = {48: 1, 65: 5, 82: 8, 99: 9, 116: 10, 133: 21}
_PER_BACKEND = {f: start for start, f in _BLOCKS.items()}
_LAST_FUNCTIONALITY = 46          # keys above this (but per-backend ones) are aliases: no bits


def _bits(key):
    v = key.value
    for start in _BLOCKS:
        if start <= v <= start + _N_BACKENDS:        # (the block's start key: its functionality alone)
            return (1 << (v - start - 1) if v > start else 0) | (1 << (_N_BACKENDS - 1 + _BLOCKS[start]))
    if 0 < v <= _LAST_FUNCTIONALITY:
        return 1 << (_N_BACKENDS - 1 + v)
    return 0


class DispatchKeySet:
    """A set of dispatch keys, as torch's bit word."""

    def __init__(self, key):
        if not isinstance(key, DispatchKey):
            raise TypeError("__init__(): incompatible constructor arguments. The following argument types are "
                            "supported:\n    1. torch._C.DispatchKeySet(arg0: torch._C.DispatchKey)\n\n"
                            f"Invoked with: {key!r}")
        self._repr = _bits(key)

    @classmethod
    def from_raw_repr(cls, raw):
        s = cls.__new__(cls)
        s._repr = int(raw)
        return s

    def raw_repr(self):
        return self._repr

    def _keys(self):
        backends = self._repr & ((1 << _N_BACKENDS) - 1)
        for f in range(1, _LAST_FUNCTIONALITY + 1):
            if not self._repr >> (_N_BACKENDS - 1 + f) & 1:
                continue
            if f in _PER_BACKEND:
                for b in range(_N_BACKENDS):
                    if backends >> b & 1:
                        yield DispatchKey(_PER_BACKEND[f] + b + 1)
            else:
                yield DispatchKey(f)

    def has(self, key):
        bits = _bits(key)
        return self._repr & bits == bits           # (an alias key has no bits: every set "has" it, as in torch)

    def add(self, key):
        return DispatchKeySet.from_raw_repr(self._repr | _bits(key))

    def remove(self, key):
        # as torch: only the functionality bit goes, the backend bit stays for the set's other keys
        return DispatchKeySet.from_raw_repr(self._repr & ~(_bits(key) & ~((1 << _N_BACKENDS) - 1)))

    def highestPriorityTypeId(self):
        # torch's rule: the highest functionality bit, and for a per-backend one the highest backend bit
        # (none: the block's start key, e.g. StartOfAutogradFunctionalityBackends)
        functionality = self._repr >> (_N_BACKENDS - 1)
        f = min(functionality.bit_length() - 1, _LAST_FUNCTIONALITY) if functionality > 1 else 0
        while f and not functionality >> f & 1:
            f -= 1
        if not f:
            return DispatchKey.Undefined
        if f not in _PER_BACKEND:
            return DispatchKey(f)
        return DispatchKey(_PER_BACKEND[f] + (self._repr & ((1 << _N_BACKENDS) - 1)).bit_length())

    def __or__(self, other):
        return DispatchKeySet.from_raw_repr(self._repr | other._repr)

    def __and__(self, other):
        return DispatchKeySet.from_raw_repr(self._repr & other._repr)

    def __sub__(self, other):
        return DispatchKeySet.from_raw_repr(self._repr & ~(other._repr & ~((1 << _N_BACKENDS) - 1)))

    def __eq__(self, other):
        return isinstance(other, DispatchKeySet) and self._repr == other._repr

    def __hash__(self):
        return hash(self._repr)

    def __repr__(self):
        return f"DispatchKeySet({', '.join(k.name for k in self._keys())})"

    __str__ = __repr__


DispatchKeySet.__module__ = "glasstorch"


class _ExcludeDispatchKeyGuard:
    """Excludes keys from dispatch while held: with no dispatcher, nothing to exclude."""

    def __init__(self, keyset):
        if not isinstance(keyset, DispatchKeySet):
            raise TypeError("__init__(): incompatible constructor arguments. The following argument types are "
                            "supported:\n    1. torch._C._ExcludeDispatchKeyGuard(arg0: torch._C.DispatchKeySet)"
                            f"\n\nInvoked with: {keyset!r}")

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


_ExcludeDispatchKeyGuard.__module__ = "glasstorch._C"

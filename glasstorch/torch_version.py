"""``torch.__version__``: the torch release glasstorch follows, as a string that also compares with
version strings and tuples by release number (``torch.__version__ >= "2.0"``, ``>= (2, 1)``), as
torch's ``TorchVersion`` does.  glasstorch's own release is ``GLASSTORCH_VERSION``."""
import re

__all__ = ["TorchVersion", "internal_version", "GLASSTORCH_VERSION"]

GLASSTORCH_VERSION = "0.1.0"
internal_version = "2.13.0+cpu"


def _key(v):
    """(release numbers, has a local part) of a version string, tuple or packaging ``Version``."""
    release = getattr(v, "release", None)
    if release is not None:
        return tuple(release), bool(getattr(v, "local", None))
    if isinstance(v, str):
        public, _, local = v.partition("+")
        nums = re.match(r"v?(\d+(?:\.\d+)*)", public.strip())
        if nums is None:
            raise ValueError(f"Invalid version: '{v}'")
        return tuple(int(n) for n in nums.group(1).split(".")), bool(local)
    return tuple(int(n) for n in v), False


def _cmp(a, b):
    (ra, la), (rb, lb) = _key(a), _key(b)
    n = max(len(ra), len(rb))
    ra, rb = ra + (0,) * (n - len(ra)), rb + (0,) * (n - len(rb))
    return (ra > rb) - (ra < rb) or (la > lb) - (la < lb)      # a local version sorts after its public one


class TorchVersion(str):
    """A version string that orders by release numbers against strings, tuples and ``Version``s."""
    __slots__ = ()

    def __gt__(self, other):
        return _cmp(self, other) > 0

    def __ge__(self, other):
        return _cmp(self, other) >= 0

    def __lt__(self, other):
        return _cmp(self, other) < 0

    def __le__(self, other):
        return _cmp(self, other) <= 0

    def __eq__(self, other):
        if isinstance(other, str):
            return str.__eq__(self, other)
        try:
            return _cmp(self, other) == 0
        except (TypeError, ValueError):
            return False

    __hash__ = str.__hash__


__version__ = TorchVersion(internal_version)

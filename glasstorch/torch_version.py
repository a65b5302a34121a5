"""``torch.__version__``: the torch release glasstorch follows, as a string that also compares with
version strings and tuples as PEP 440 versions (``torch.__version__ >= "2.0"``, ``>= (2, 1)``), as
torch's ``TorchVersion`` does.  glasstorch's own release is ``GLASSTORCH_VERSION``."""
import re

__all__ = ["TorchVersion", "internal_version", "GLASSTORCH_VERSION"]

GLASSTORCH_VERSION = "0.1.0"
internal_version = "2.13.0+cpu"


# PEP 440, as packaging.version (vendored in torch) reads it; case-insensitive, surrounding space allowed
_PEP440 = re.compile(r"""
    \s*v?
    (?:(?P<epoch>[0-9]+)!)?
    (?P<release>[0-9]+(?:\.[0-9]+)*)
    (?P<pre>[-_\.]?(?P<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_\.]?(?P<pre_n>[0-9]+)?)?
    (?P<post>(?:-(?P<post_n1>[0-9]+))|(?:[-_\.]?(?P<post_l>post|rev|r)[-_\.]?(?P<post_n2>[0-9]+)?))?
    (?P<dev>[-_\.]?(?P<dev_l>dev)[-_\.]?(?P<dev_n>[0-9]+)?)?
    (?:\+(?P<local>[a-z0-9]+(?:[-_\.][a-z0-9]+)*))?
    \s*""", re.VERBOSE | re.IGNORECASE)
_PRE = {"alpha": "a", "a": "a", "beta": "b", "b": "b", "c": "rc", "pre": "rc", "preview": "rc", "rc": "rc"}


class _InvalidVersion(ValueError):
    pass


def _key(text):
    """packaging's sort key of a version string: (epoch, release, pre, post, dev, local)."""
    m = _PEP440.fullmatch(text)
    if m is None:
        raise _InvalidVersion(text)
    release = tuple(int(n) for n in m["release"].split("."))
    while release and release[-1] == 0:             # 1.0 == 1.0.0
        release = release[:-1]
    pre = (1, _PRE[m["pre_l"].lower()], int(m["pre_n"] or 0)) if m["pre_l"] else None
    post = m["post_n1"] or m["post_n2"] or ("0" if m["post_l"] else None)
    dev = (1, int(m["dev_n"] or 0)) if m["dev_l"] else (2,)
    if pre is None:                                 # a bare dev release sorts before its pre-releases
        pre = (0,) if post is None and m["dev_l"] else (2,)
    local = (0,) if m["local"] is None else (1, tuple(
        (1, int(p), "") if p.isdigit() else (0, 0, p.lower()) for p in re.split(r"[-_.]", m["local"])))
    return int(m["epoch"] or 0), release, pre, (0,) if post is None else (1, int(post)), dev, local


def _other_key(other):
    """torch converts a str or an iterable (joined with dots) to a Version; anything else is invalid."""
    if isinstance(other, str):
        return _key(other)
    try:
        parts = iter(other)
    except TypeError:
        raise _InvalidVersion(other) from None
    return _key(".".join(str(p) for p in parts))


def _compare(method):
    def cmp(self, other):
        # an invalid version falls back to plain string comparison (NotImplemented for non-strings,
        # so Python tries the other operand's reflected method), as torch's TorchVersion does
        try:
            a, b = _key(self), _other_key(other)
        except _InvalidVersion:
            return getattr(str, method)(self, other)
        return getattr(a, method)(b)
    cmp.__name__ = method
    return cmp


class TorchVersion(str):
    """A version string that orders as a PEP 440 version against strings and tuples."""
    __slots__ = ()

    __gt__ = _compare("__gt__")
    __ge__ = _compare("__ge__")
    __lt__ = _compare("__lt__")
    __le__ = _compare("__le__")
    __eq__ = _compare("__eq__")
    __hash__ = str.__hash__


__version__ = TorchVersion(internal_version)

"""``torch.utils.serialization.config``: ``load`` and ``save`` settings, read by ``torch.load`` and
``torch.save`` at each call and set by attribute (``config.save.compute_crc32 = False``) or through
the ``torch.serialization`` setters.  As torch's config module, a name it does not define is an
AttributeError on reading and on writing.
"""
import sys


class _Section:
    """One group of settings (torch's ``SubConfigProxy``): known names only."""

    def __init__(self, prefix, **defaults):
        object.__setattr__(self, "_prefix", prefix)
        object.__setattr__(self, "_values", dict(defaults))

    def __getattr__(self, name):
        values = object.__getattribute__(self, "_values")
        if name not in values:
            raise AttributeError(f"torch.utils.serialization.config.{self._prefix}{name} does not exist")
        return values[name]

    def __setattr__(self, name, value):
        if name not in self._values:
            raise AttributeError(f"torch.utils.serialization.config.{self._prefix}{name} does not exist")
        self._values[name] = value


# mmap_flags: MAP_PRIVATE (2), None on Windows, where the flags cannot be chosen
load = _Section("load.", mmap=False, endianness=None, mmap_flags=None if sys.platform == "win32" else 2,
                calculate_storage_offsets=False)
save = _Section("save.", compute_crc32=True, use_pinned_memory_for_d2h=False, storage_alignment=64)


def get_config_copy():
    return {"_TYPE_CHECKING": False, **{"load." + k: v for k, v in load._values.items()}, **{"save." + k: v for k, v in save._values.items()}}


def __getattr__(name):
    raise AttributeError(f"torch.utils.serialization.config.{name} does not exist")

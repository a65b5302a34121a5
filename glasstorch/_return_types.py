"""``torch.return_types``: the named tuples several functions return (``max``, ``linalg_qr`` ...).

torch prints them as ``torch.return_types.NAME(`` with one ``field=value`` line per field."""
import collections

from . import _class_paths
from . import return_types as _home


def return_type(name, fields):
    """The class ``torch.return_types.<name>``: made once, and kept in ``return_types.py``, where pickle
    looks for it (``__module__`` names that module, see ``_class_paths``)."""
    cls = vars(_home).get(name)
    if cls is not None and cls._fields == tuple(fields):
        return cls
    cls = collections.namedtuple(name, fields)
    cls.__repr__ = lambda s: (f"torch.return_types.{name}(\n"
                              + ",\n".join(f"{f}={v!r}" for f, v in zip(fields, s)) + ")")
    _class_paths.place(cls, "torch.return_types")
    setattr(_home, name, cls)
    return cls

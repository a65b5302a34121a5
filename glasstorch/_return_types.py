"""``torch.return_types``: the named tuples several functions return (``max``, ``linalg_qr`` ...).

torch prints them as ``torch.return_types.NAME(`` with one ``field=value`` line per field."""
import collections


def return_type(name, fields):
    cls = collections.namedtuple(name, fields)
    cls.__repr__ = lambda s: (f"torch.return_types.{name}(\n"
                              + ",\n".join(f"{f}={v!r}" for f, v in zip(fields, s)) + ")")
    cls.__module__ = "torch.return_types"
    return cls

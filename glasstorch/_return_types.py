"""``torch.return_types``: the named tuples several functions return (``max``, ``linalg_qr`` ...).

torch makes them as C "struct sequences" (like ``os.stat_result``), not ``collections.namedtuple``:
a tuple subclass whose fields are read-only attributes, with ``n_fields`` /
``n_sequence_fields`` / ``n_unnamed_fields`` and no ``_fields`` / ``_asdict`` / ``_replace``;
built from one sequence (``torch.return_types.max((values, indices))``); printed as
``torch.return_types.NAME(`` with one ``field=value`` line per field. ``_StructSeq`` is that
class in Python. glasstorch's own ops build results as ``cls(values, indices)`` (one argument
per field), which the constructor also takes."""
import operator

from . import _class_paths
from . import return_types as _home


class _StructSeq:
    """The methods every return type has; each class is made straight from ``tuple`` with them (its
    ``__mro__`` is (cls, tuple, object), as torch's)."""

    def __new__(cls, *args):
        # torch's form is (sequence, dict=None); ours, one argument per field (every return type
        # has two fields or more, and no field is a dict, so the two cannot be confused)
        if len(args) == 1 or (len(args) == 2 and isinstance(args[1], dict)):
            seq = args[0]
            try:
                seq = tuple(seq)
            except TypeError:
                raise TypeError("constructor requires a sequence") from None
        else:
            seq = args
        if len(seq) != cls.n_fields:
            raise TypeError(f"torch.return_types.{cls.__name__}() takes a {cls.n_fields}-sequence "
                            f"({len(seq)}-sequence given)")
        return tuple.__new__(cls, seq)

    def __repr__(self):
        return (f"torch.return_types.{type(self).__name__}(\n"
                + ",\n".join(f"{f}={v!r}" for f, v in zip(self._names, self)) + ")")

    def __reduce__(self):
        return type(self), (tuple(self), {})

    # torch's messages name the C type, "torch.return_types.sort" (``__name__`` is just "sort")
    def __getattr__(self, name):
        raise AttributeError(f"'torch.return_types.{type(self).__name__}' object has no attribute '{name}'")

    def __setattr__(self, name, value):
        if name in type(self)._names:
            raise AttributeError("readonly attribute")
        raise AttributeError(f"'torch.return_types.{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        self.__setattr__(name, None)


def return_type(name, fields):
    """The class ``torch.return_types.<name>``: made once, and kept in ``return_types.py``, where pickle
    looks for it (``__module__`` names that module, see ``_class_paths``)."""
    fields = tuple(fields)
    cls = vars(_home).get(name)
    if cls is not None and cls._names == fields:
        return cls
    body = {f: property(operator.itemgetter(i)) for i, f in enumerate(fields)}
    body.update(__slots__=(), _names=fields, n_fields=len(fields), n_sequence_fields=len(fields),
                n_unnamed_fields=0, __new__=_StructSeq.__new__, __repr__=_StructSeq.__repr__,
                __reduce__=_StructSeq.__reduce__, __getattr__=_StructSeq.__getattr__,
                __setattr__=_StructSeq.__setattr__, __delattr__=_StructSeq.__delattr__, _struct_seq=True)
    cls = type(name, (tuple,), body)
    _class_paths.place(cls, "torch.return_types")
    setattr(_home, name, cls)
    return cls


def is_struct_seq(x):
    """A ``torch.return_types`` value (rebuilt field by field as ``type(x)(*fields)``)."""
    return getattr(type(x), "_struct_seq", False)

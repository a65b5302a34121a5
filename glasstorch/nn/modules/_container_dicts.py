"""What ``ModuleDict`` and ``ParameterDict`` share: ``update`` from a mapping or from key-value pairs,
and ParameterDict's dict methods (``copy``, ``setdefault``, ``popitem``, ``fromkeys``, ``|``)."""
from collections import OrderedDict
from collections.abc import Iterable, Mapping


def update_from_pairs(d, pairs, cls_name):
    """``d[k] = v`` for each pair ``(k, v)`` of ``pairs``, checking each pair as torch does."""
    for j, p in enumerate(pairs):
        if not isinstance(p, Iterable):
            raise TypeError(f"{cls_name} update sequence element #{j} should be Iterable; is{type(p).__name__}")
        if not len(p) == 2:
            raise ValueError(f"{cls_name} update sequence element #{j} has length {len(p)}; 2 is required")
        d[p[0]] = p[1]


def check_iterable(arg, what):
    if not isinstance(arg, Iterable):
        raise TypeError(f"{what}.update should be called with an iterable of key/value pairs, "
                        f"but got {type(arg).__name__}")


class ParameterDictMethods:
    """The dict-like methods of ``ParameterDict`` beyond get/set/del (mixed into it)."""

    def _key_to_attr(self, key):
        if not isinstance(key, str):
            raise TypeError("Index given to ParameterDict cannot be used as a key as it is not a string "
                            f"(type is '{type(key).__name__}'). Open an issue on github if you need "
                            "non-string keys.")
        return key

    def update(self, parameters):
        """An OrderedDict or ParameterDict keeps its order; any other mapping is added in sorted key
        order; anything else must be an iterable of (key, value) pairs."""
        check_iterable(parameters, "ParametersDict")
        if isinstance(parameters, (OrderedDict, ParameterDictMethods)):
            for key, p in parameters.items():
                self[key] = p
        elif isinstance(parameters, Mapping):
            for key, p in sorted(parameters.items()):
                self[key] = p
        else:
            update_from_pairs(self, parameters, "ParameterDict")

    def __reversed__(self):
        return reversed(self._keys)

    def copy(self):
        return type(self)(OrderedDict((k, self[k]) for k in self._keys))

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def popitem(self):
        k, _ = self._keys.popitem()
        self._keys[k] = None        # back in, so that ``self[k]`` and ``del self[k]`` find it
        val = self[k]
        del self[k]
        return k, val

    def fromkeys(self, keys, default=None):
        return type(self)((k, default) for k in keys)

    def __or__(self, other):
        out = self.copy()
        out.update(other)
        return out

    def __ror__(self, other):
        out = other.copy()
        out.update(self)
        return out

    def __ior__(self, other):
        self.update(other)
        return self

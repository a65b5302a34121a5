"""The functional in-place forms of the pointwise ops (``torch.acos_(x)``, ``torch.round_(x, decimals=1)``):
x = op(x) in place, recorded with op's node.  Like torch's, they take no ``out=``: a form whose op takes
nothing but the input takes nothing more (Python's own TypeError, named as torch's: "acos_() got an
unexpected keyword argument 'out'"); one with more parameters (round_'s decimals) passes them on and
refuses ``out`` itself."""
import inspect

from .inplace import commit
from .inplace_more import original


def inplace_form(fn):
    name = fn.__name__ + "_"
    if len(inspect.signature(fn).parameters) > 2:       # more than (input, *, out)
        def method(self, *args, **kwargs):
            if "out" in kwargs:
                raise TypeError(f"{name}() got an unexpected keyword argument 'out'")
            return commit(self, lambda: fn(original(self), *args, **kwargs), fn.__name__)
    else:
        def method(self):
            return commit(self, lambda: fn(original(self)), fn.__name__)
    method.__name__ = method.__qualname__ = name
    return method

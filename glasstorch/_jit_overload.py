"""``torch.jit._overload`` / ``_overload_method``: TorchScript's typed overload declarations.

Eagerly they only record the declaration and hand it back (the plain definition that follows
replaces it), as torch does outside the compiler; a declaration whose body is anything but ``pass``
or ``...`` is refused with torch's message.
"""
import ast
import inspect
import textwrap
import warnings

_overloaded_fns = {}
_overloaded_methods = {}

_OVERLOAD_EXAMPLE = """
Example usage of overload function:
@torch.jit._overload
def my_function(x: type0) -> type0: # decl 1
    pass

@torch.jit._overload
def my_function(x: type1) -> type1: # decl 2
    pass

def my_function(x):                 # implementation
    if isinstance(x, type0):
        return x
    elif isinstance(x, type1):
        return x
"""


def _check_overload_body(func):
    try:
        source = "".join(inspect.getsourcelines(func)[0])
    except OSError:
        warnings.warn(f"Unable to retrieve source for @torch.jit._overload function: {func}.", stacklevel=2)
        return
    body = ast.parse(textwrap.dedent(source)).body[0].body      # (the message shows the source as written)
    only = body[0] if len(body) == 1 else None
    if not (isinstance(only, ast.Pass) or (isinstance(only, ast.Expr) and isinstance(only.value, ast.Constant)
                                           and only.value.value is Ellipsis)):
        msg = "Only `pass` statement or `...` can be the body of overload declaration:\n"
        msg += "\n".join(source.split("\n")[:3])
        msg += " <- Expecting `pass` or `...` here!\n" + _OVERLOAD_EXAMPLE
        raise RuntimeError(msg)


def _qualified_name(func):
    """TorchScript's name of ``func``: its module under ``__torch__`` (``__main__`` is ``__torch__``)."""
    name = "_lambda" if func.__name__ == "<lambda>" else func.__name__
    module = func.__module__
    return ("__torch__" if module == "__main__" else "__torch__." + module) + "." + name


def _overload(func):
    _check_overload_body(func)
    _overloaded_fns.setdefault(_qualified_name(func), []).append(func)
    return func


def _overload_method(func):
    _check_overload_body(func)
    cls_name = func.__qualname__.rsplit(".", 1)[0] if "." in func.__qualname__ else None
    _overloaded_methods.setdefault(_qualified_name(func), {}).setdefault(cls_name, []).append(func)
    return func


def _get_fn_overloads(qual_name):
    return _overloaded_fns.get(qual_name)


def _clear_fn_overloads(qual_name):
    del _overloaded_fns[qual_name]

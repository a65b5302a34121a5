"""Operator schemas for ``torch.library``: inferred from a function's type hints, parsed from a
schema string, and checked against the arguments of a call (with the dispatcher's messages).

A schema is ``ns::name(Tensor x, SymInt n=2, *, float eps=1e-05) -> Tensor``.  ``FunctionSchema`` keeps its
arguments as ``Arg`` rows; ``bind`` turns a call's ``*args, **kwargs`` into one positional list in
schema order (defaults filled in), refusing what torch's dispatcher refuses.
"""
import collections.abc
import inspect
import typing
from types import GenericAlias

_UNKNOWN = "unknown"


def _seq_types(t):
    """The four spellings of "a sequence of t" that torch accepts."""
    return (typing.Sequence[t], typing.List[t], GenericAlias(collections.abc.Sequence, (t,)), GenericAlias(list, (t,)))


def _param_types():
    """{annotation: schema type}, in torch's order (its "valid types" message lists them so)."""
    from ._device import device
    from ._dtype import dtype
    from ._tensor import Tensor
    from .distributed.distributed_c10d import GroupName
    from .types import Number
    rows = [(Tensor, "Tensor", True, True, False), (int, "SymInt", True, False, True),
            (float, "float", True, False, True), (bool, "bool", True, False, True), (str, "str", False, False, False),
            (Number, "Scalar", True, False, False), (dtype, "ScalarType", False, False, False),
            (device, "Device", False, False, False), (GroupName, "str", False, False, False)]
    table = []
    for base, name, seq, seq_of_optional, optional_seq in rows:
        table += [(base, name), (typing.Optional[base], name + "?")]
        if seq:
            table += [(s, name + "[]") for s in _seq_types(base)]
        if seq_of_optional:
            table += [(s, name + "?[]") for s in _seq_types(typing.Optional[base])]
        if optional_seq:
            table += [(typing.Optional[s], name + "[]?") for s in _seq_types(base)]
    return dict(table)


def _return_types():
    from ._tensor import Tensor
    from .types import Number
    return {Tensor: "Tensor", typing.List[Tensor]: "Tensor[]", list[Tensor]: "Tensor[]", int: "SymInt",
            float: "float", bool: "bool", Number: "Scalar"}


def infer_schema(prototype_function, /, *, mutates_args, op_name=None, tags=()):
    """The schema of ``prototype_function`` from its type hints, e.g. ``(Tensor x) -> Tensor``."""
    sig = inspect.signature(prototype_function)
    if type(mutates_args) is not str:
        mutates_args = tuple(mutates_args)

    def fail(what):
        raise ValueError(f"infer_schema(func): {what} Got func with signature {sig})")

    def resolve(ann):
        # string annotations (``from __future__ import annotations``) are evaluated where the function lives
        if isinstance(ann, str):
            try:
                return eval(ann, prototype_function.__globals__)
            except Exception as e:
                fail(f"Unsupported type annotation {ann}. It is not a type. ({type(e).__name__}: {e})")
        return ann

    params_table = _param_types()
    params, seen, kw_only_started = [], set(), False
    for idx, (name, p) in enumerate(sig.parameters.items()):
        if p.kind not in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
            fail("We do not support positional-only args, varargs, or varkwargs.")
        if p.kind == p.KEYWORD_ONLY and not kw_only_started:
            params.append("*")
            kw_only_started = True
        if p.annotation is p.empty:
            fail(f"Parameter {name} must have a type annotation.")
        ann = resolve(p.annotation)
        if ann not in params_table:
            fail(f"Parameter {name} has unsupported type {p.annotation}. The valid types are: {params_table.keys()}.")
        stype = params_table[ann]
        if type(mutates_args) is str:
            if mutates_args != _UNKNOWN:
                raise ValueError("mutates_args must either be a sequence of the names of the arguments that are "
                                 "mutated or the string 'unknown'. ")
            if stype.startswith("Tensor"):
                stype = f"Tensor(a{idx}!){stype[6:]}"
        elif name in mutates_args:
            if not stype.startswith("Tensor"):
                fail(f"Parameter {name} is in mutable_args but only Tensors or collections of Tensors can be mutated")
            stype = f"Tensor(a{idx}!){stype[6:]}"
        seen.add(name)
        if p.default is p.empty:
            params.append(f"{stype} {name}")
        else:
            params.append(f"{stype} {name}={_default_text(p.default, name, fail)}")
    if mutates_args != _UNKNOWN:
        missing = set(mutates_args) - seen
        if missing:
            fail(f"{missing} in mutates_args were not found in the custom op's signature. mutates_args should "
                 f"contain the names of all args that the custom op mutates, or just the string 'unknown' if "
                 f"you don't know.")
    ret = _return_text(resolve(sig.return_annotation), fail)
    return f"{op_name or ''}({', '.join(params)}) -> {ret}"


def _default_text(value, name, fail):
    from ._device import device
    from ._dtype import dtype
    if value is None or isinstance(value, (int, float, bool)):
        return str(value)
    if isinstance(value, (str, device)):
        return f'"{value}"'
    if isinstance(value, dtype):
        return str(value)[len("torch."):]
    fail(f"Parameter {name} has an unsupported default value type {type(value)}. Please file an issue on GitHub "
         f"so we can prioritize this.")


def _return_text(ann, fail):
    table = _return_types()
    if ann is None:
        return "()"
    if ann is inspect.Parameter.empty:
        fail("No return type annotation was provided. Please add one.")
    if typing.get_origin(ann) is not tuple:
        if ann not in table:
            fail(f"Return has unsupported type {ann}. The valid types are: {table}.")
        return table[ann]
    items = typing.get_args(ann)
    if any(a not in table for a in items):
        fail(f"Return has unsupported type {ann}. The valid types are: {table}.")
    inner = ", ".join(table[a] for a in items)
    return f"(({inner}))" if len(items) == 1 else f"({inner})"


# ---------------------------------------------------------------------- parsed schemas

class Arg:
    __slots__ = ("name", "type", "written", "default", "has_default", "kw_only", "mutable")

    def __init__(self, name, type_, default_text, kw_only):
        self.name, self.kw_only, self.written = name, kw_only, type_
        self.mutable = "!" in type_
        # the type without its alias annotation: Tensor(a1!)[] -> Tensor[]
        self.type = type_.split("(")[0] + type_.split(")")[1] if "(" in type_ else type_
        self.has_default = default_text is not None
        self.default = _parse_default(default_text) if self.has_default else None

    def __str__(self):
        return f"{self.written} {self.name}" + (f"={_show_default(self.default, self.type)}" if self.has_default else "")


def _parse_default(text):
    if text in ("None", "True", "False"):
        return {"None": None, "True": True, "False": False}[text]
    if text.startswith('"') or text.startswith("'"):
        return text[1:-1]
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text                     # a dtype name (ScalarType) or similar


def _show_default(v, type_):
    if isinstance(v, float):
        r = repr(v)
        return r[:-1] if r.endswith(".0") else r       # torch's schema printer writes 2.0 as "2."
    if isinstance(v, str) and not type_.startswith("ScalarType"):
        return f'"{v}"'
    return str(v)


class FunctionSchema:
    """A parsed ``ns::name(args) -> returns``; ``str()`` prints it as torch's FunctionSchema does."""

    def __init__(self, qualname, text):
        self.name = qualname
        head, _, self.returns = text.partition("->")
        self.returns = self.returns.strip()
        inside = head.strip()[head.index("(") + 1: head.rindex(")")] if "(" in head else ""
        self.arguments, kw_only = [], False
        for part in _split_top(inside):
            part = part.strip()
            if not part:
                continue
            if part == "*":
                kw_only = True
                continue
            decl, _, default = part.partition("=")
            type_, name = decl.strip().rsplit(" ", 1)
            self.arguments.append(Arg(name, type_, default.strip() if default else None, kw_only))

    def __str__(self):
        parts, starred = [], False
        for a in self.arguments:
            if a.kw_only and not starred:
                parts.append("*")
                starred = True
            parts.append(str(a))
        return f"{self.name}({', '.join(parts)}) -> {self.returns}"

    def split(self, values):
        """Bound ``values`` (schema order) as the kernel takes them: (positional list, keyword-only dict)."""
        positional = [v for v, a in zip(values, self.arguments) if not a.kw_only]
        return positional, {a.name: v for v, a in zip(values, self.arguments) if a.kw_only}

    def bind(self, args, kwargs):
        """The call's values in schema order, as torch's dispatcher checks them."""
        n = len(self.arguments)
        if len(args) + len(kwargs) > n or len(args) > sum(not a.kw_only for a in self.arguments):
            raise RuntimeError(f"{self.name}() expected at most {n} argument(s) but received "
                               f"{len(args) + len(kwargs)} argument(s). Declaration: {self}")
        values = []
        for i, a in enumerate(self.arguments):
            if i < len(args):
                v = args[i]
            elif a.name in kwargs:
                v = kwargs[a.name]
            elif a.has_default:
                v = a.default
            else:
                raise RuntimeError(f"{self.name}() is missing value for argument '{a.name}'. Declaration: {self}")
            self._check(a, i, v)
            values.append(v)
        names = {a.name for a in self.arguments}
        for k in kwargs:
            if k not in names:
                raise RuntimeError(f"Unknown keyword argument '{k}' for operator '{self.name}'. Schema: {self}")
        return values

    def _check(self, a, i, v):
        from ._tensor import Tensor
        base = a.type.rstrip("?")
        if v is None and a.type.endswith("?"):
            return
        if base == "Tensor" and not isinstance(v, Tensor):
            self._type_error(a, i, v, "Tensor", f"Unable to cast {v!r} to Tensor")
        if base == "SymInt" and (isinstance(v, float) or not isinstance(v, int)):
            self._type_error(a, i, v, "int", f"Unable to cast Python instance of type {type(v)} to C++ type '?' "
                                             "(#define PYBIND11_DETAILED_ERROR_MESSAGES or compile in debug mode "
                                             "for details)")

    def _type_error(self, a, i, v, want, detail):
        raise RuntimeError(f"{self.name}() Expected a value of type '{want}' for argument '{a.name}' but instead "
                           f"found type '{type(v).__name__}'.\nPosition: {i}\nValue: {v!r}\nDeclaration: {self}\n"
                           f"Cast error details: {detail}")


def _split_top(text):
    """Split at the commas outside brackets (``Tensor(a!)[]`` has none, but defaults like ``[1, 2]`` do)."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    return parts + [cur]

"""How FX names things: node names (``add_1``, ``getattr_1``, ``input_1``) and the names functions
print under (``torch.relu``, ``torch.nn.functional.relu``, ``torch._C._nn.linear``, ``operator.add``).

Node names come from a ``_Namespace``: a candidate (the function's name, snake_cased) is used as is
when free, else gets the next ``_N`` suffix; a name may not shadow a keyword or builtin (``sum`` ->
``sum_1``).  Functions of glasstorch print as torch's: the name torch's own function of that name has.
"""
import builtins
import functools
import inspect
import keyword
import math
import re
import types

# ---- operators as printed in generated code -------------------------------------------------------
reflectable_magic_methods = {
    "add": "{} + {}", "sub": "{} - {}", "mul": "{} * {}", "floordiv": "{} // {}", "truediv": "{} / {}",
    "div": "{} / {}", "mod": "{} % {}", "pow": "{} ** {}", "lshift": "{} << {}", "rshift": "{} >> {}",
    "and_": "{} & {}", "or_": "{} | {}", "xor": "{} ^ {}", "getitem": "{}[{}]", "matmul": "{} @ {}",
}
magic_methods = {"eq": "{} == {}", "ne": "{} != {}", "lt": "{} < {}", "gt": "{} > {}", "le": "{} <= {}",
                 "ge": "{} >= {}", "pos": "+{}", "neg": "-{}", "invert": "~{}", **reflectable_magic_methods}
inplace_methods = {"iadd": "{} += {}", "iand": "{} &= {}", "ifloordiv": "{} //= {}", "ilshift": "{} <<= {}",
                   "imod": "{} %= {}", "imul": "{} *= {}", "imatmul": "{} @= {}", "ior": "{} |= {}",
                   "ipow": "{} **= {}", "irshift": "{} >>= {}", "isub": "{} -= {}", "itruediv": "{} /= {}",
                   "ixor": "{} ^= {}", "setitem": "{}[{}] = {}"}


# ---- the names generated code may not take --------------------------------------------------------
class _Reserved:
    """A stand-in for torch's pytree modules: generated code reserves their names."""

    def __init__(self, name):
        self.name = name


def _torch_root():
    import glasstorch
    return glasstorch


def _live(path, default=AttributeError):
    """What ``torch.a.b`` (``path``) is in glasstorch now."""
    found = _torch_root()
    for part in path.split(".")[1:]:
        if default is AttributeError:
            found = getattr(found, part)
        else:
            found = getattr(found, part, default)
    return found


def custom_builtins():
    """name -> object every generated forward has in its globals (torch's ``_custom_builtins``)."""
    import glasstorch
    return {"inf": math.inf, "nan": math.nan, "NoneType": type(None), "torch": _torch_root(),
            "device": glasstorch.device, "fx_pytree": _FX_PYTREE, "pytree": _PYTREE}


_FX_PYTREE, _PYTREE = _Reserved("fx_pytree"), _Reserved("pytree")
_illegal_names = {k: object() for k in keyword.kwlist}
_illegal_names.update(builtins.__dict__)


def _illegal(name):
    if name in ("inf", "nan", "NoneType", "torch", "device", "fx_pytree", "pytree"):
        return custom_builtins()[name]
    return _illegal_names.get(name, _MISSING)


_MISSING = object()
_snake_case_sub = functools.partial(re.compile(r"(?<=[a-z])([A-Z])").sub, r"_\1")
_illegal_char_regex = re.compile("[^0-9a-zA-Z_]+")
_name_regex = re.compile(r"^([a-zA-Z_][0-9a-zA-Z_]*?)(?:_(\d+))?$")


def snake_case(s):
    """``pascalCase`` -> ``pascal_case``."""
    return _snake_case_sub(s).lower()


class _Namespace:
    """Unique names: one per object, none twice, none shadowing a builtin the object is not."""

    def __init__(self):
        self._obj_to_name = {}
        self._used_names = set()
        self._base_count = {}

    def create_name(self, candidate, obj):
        if obj is not None and obj in self._obj_to_name:
            return self._obj_to_name[obj]
        match = _name_regex.match(candidate)
        if match is None:
            candidate = _illegal_char_regex.sub("_", candidate) or "_unnamed"
            if candidate[0].isdigit():
                candidate = f"_{candidate}"
            match = _name_regex.match(candidate)
        base, num = match.group(1, 2)
        if num is None or candidate in self._used_names:
            num = self._base_count.get(base, 0)
            found = _illegal(candidate)
            if found is not _MISSING and found is not obj:
                num += 1
                candidate = f"{base}_{num}"
        else:
            num = int(num)
        while candidate in self._used_names:
            num += 1
            candidate = f"{base}_{num}"
        self._used_names.add(candidate)
        self._base_count[base] = num
        if obj is not None:
            self._obj_to_name[obj] = candidate
        return candidate

    def associate_name_with_obj(self, name, obj):
        if self._obj_to_name.setdefault(obj, name) is not name:
            raise AssertionError("obj is already associated")

    def _rename_object(self, obj, name):
        self._obj_to_name[obj] = name
        self._used_names.add(name)


# ---- torch's name for a glasstorch function --------------------------------------------------------
# torch.functional's Python functions, and the torch.nn.functional names torch binds to C++ functions
_TORCH_FUNCTIONAL = set("""atleast_1d atleast_2d atleast_3d block_diag broadcast_shapes broadcast_tensors cartesian_prod
cdist chain_matmul einsum lu meshgrid norm split stft tensordot unique unique_consecutive unravel_index""".split())
_F_IN_TORCH = set("""adaptive_avg_pool1d avg_pool1d bilinear celu_ channel_shuffle conv1d conv2d conv3d conv_tbc
conv_transpose1d conv_transpose2d conv_transpose3d cosine_similarity hardshrink native_channel_shuffle
pairwise_distance pdist pixel_shuffle pixel_unshuffle prelu relu_ rrelu_ selu_ threshold_""".split())
_F_IN_C_NN = {n: n for n in """avg_pool2d avg_pool3d elu_ gelu hardtanh_ leaky_relu_ linear one_hot
scaled_dot_product_attention softplus softshrink""".split()}
_F_IN_C_NN["logsigmoid"] = "log_sigmoid"
_TORCH_RENAMED = {"segment_reduce": "_segment_reduce"}


def _public_name(space, name):
    """torch's qualified name for ``<space>.<name>`` (space: torch, torch.nn.functional ...)."""
    if space == "torch":
        if name in _TORCH_FUNCTIONAL:
            return f"torch.functional.{name}"
        return f"torch.{name}"
    if space == "torch.nn.functional":
        if name in _F_IN_TORCH:
            return f"torch.{name}"
        if name in _F_IN_C_NN:
            return f"torch._C._nn.{_F_IN_C_NN[name]}"
        if name == "threshold":
            return "torch.nn.functional._threshold"
        return f"torch.nn.functional.{name}"
    short = space[len("torch."):]
    return f"torch._C._{short}.{short}_{name}"


_SPACES = (("glasstorch", "torch"), ("glasstorch.nn.functional", "torch.nn.functional"),
           ("glasstorch.linalg", "torch.linalg"), ("glasstorch.fft", "torch.fft"),
           ("glasstorch.special", "torch.special"))
_INDEX = {}


def _index():
    if not _INDEX:
        import importlib
        for modname, space in reversed(_SPACES):      # torch's top level wins (torch.relu, not F's)
            mod = importlib.import_module(modname)
            for name, fn in list(vars(mod).items()):
                if name.startswith("_") or isinstance(fn, (type, types.ModuleType)) or not callable(fn):
                    continue
                _INDEX[id(getattr(fn, "_tf_original", fn))] = (fn, _public_name(space, name))
    return _INDEX


def register_torch_name(fn, qualified_name):
    """Print ``fn`` as torch's ``qualified_name`` (a function glasstorch keeps outside its namespaces)."""
    _index()[id(fn)] = (fn, qualified_name)


def _unwrap(fn):
    return getattr(fn, "_tf_original", fn)


def torch_qualified_name(fn):
    """torch's name for a glasstorch function or Tensor method (None when ``fn`` is not ours)."""
    from .._tensor import Tensor
    if op_qualified_name(fn) is not None:
        return None                 # (its node is named from its own __name__: add.Tensor -> add_tensor)
    hit = _index().get(id(_unwrap(fn)))
    if hit is not None:
        return hit[1]
    name = getattr(fn, "__name__", None)
    if isinstance(name, str):
        member = inspect.getattr_static(Tensor, name, None)
        if member is not None and _unwrap(member) is _unwrap(fn):
            return f"torch.Tensor.{name}"
    module = getattr(fn, "__module__", None) or ""
    if module.partition(".")[0] in ("glasstorch", "torch") and isinstance(name, str):
        return "torch" + module[module.index("."):] + "." + name if "." in module else f"torch.{name}"
    return None


def op_qualified_name(fn):
    """``torch.ops.<namespace>.<op>[.<overload>]`` for a ``torch.ops`` operator, else None."""
    from .._op_namespaces import OpOverload, OpOverloadPacket
    if isinstance(fn, (OpOverload, OpOverloadPacket)):
        return f"torch.ops.{fn.__module__[len('torch._ops.'):]}.{fn.__name__}"
    return None


def function_name(fn):
    """The ``__name__`` torch's function has (node names start from it): ``linalg_norm``, ``relu``."""
    q = torch_qualified_name(fn)
    if q is not None and not q.startswith("torch.Tensor."):
        last = q.rsplit(".", 1)[1]
        return "segment_reduce" if last == "_segment_reduce" else last
    return fn.__name__


def get_qualified_name(func):
    """``torch.relu``, ``operator.add`` style name of a callable (torch's ``_get_qualified_name``)."""
    if getattr(builtins, func.__name__, None) is func:
        return func.__name__
    q = op_qualified_name(func) or torch_qualified_name(func)
    if q is not None:
        return q
    name = func.__name__
    if name == "<lambda>":
        try:
            name = inspect.getsource(func).split("=")[0].strip()
        except Exception as e:
            raise RuntimeError("Unable to represent lambda") from e
    return f"{func.__module__}.{name}"


def type_repr(obj):
    """``repr`` of an annotation: types as ``module.Qualname`` (builtins bare)."""
    if isinstance(obj, type) and not isinstance(obj, types.GenericAlias):
        if obj.__module__ == "builtins":
            return obj.__qualname__
        return f"{obj.__module__}.{obj.__qualname__}"
    if obj is ...:
        return "..."
    if isinstance(obj, types.FunctionType):
        return obj.__name__
    return repr(obj)


class _TorchRef:
    """``torch`` in generated code: ``torch.relu`` and ``torch._C._nn.linear`` lead to the functions the
    graph's nodes hold (glasstorch has no ``torch._C._nn``), any other ``torch.X`` to glasstorch's X."""

    def __init__(self, table, path="torch"):
        object.__setattr__(self, "_table", table)
        object.__setattr__(self, "_path", path)

    def __getattr__(self, name):
        path = f"{self._path}.{name}"
        if path in self._table:
            found = self._table[path]
        elif any(k.startswith(path + ".") for k in self._table):
            found = _TorchRef(self._table, path)
        else:
            found = _live(path)
        if isinstance(found, types.FunctionType):
            # while __torch_function__ checks are on (code re-traced: fx over a GraphModule, unpickling),
            # a torch function is its checking wrapper, which sees Proxies; so functions are never kept
            short = path.rsplit(".", 1)[-1]
            for where in (path, f"torch.nn.functional.{short}", f"torch.{short}"):  # torch._C._nn.linear: F's
                live = _live(where, None)
                if getattr(live, "_tf_original", None) is found:
                    return live
            return found
        object.__setattr__(self, name, found)      # next time ordinary lookup finds it
        return found

    def __repr__(self):
        return f"<module 'torch' as generated code sees it: {self._path}>"

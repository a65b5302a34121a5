"""``torch.library.opcheck``: the checks torch runs on a custom operator, as far as they mean
something without a tracing compiler.

* test_schema: the operator changes no argument outside ``mutates_args`` (checked on copies);
* test_autograd_registration: with inputs that require grad, the result is differentiable or the
  operator says how (``register_autograd``);
* test_faketensor: a fake implementation exists and gives the real result's shapes and dtypes;
* test_aot_dispatch_dynamic: torch traces the operator with symbolic shapes; glasstorch has no
  tracer, so it checks what the trace needs first: that a fake implementation exists and runs.
"""
from ._op_namespaces import OpOverload, OpOverloadPacket

_TESTS = ("test_schema", "test_autograd_registration", "test_faketensor", "test_aot_dispatch_dynamic")


class OpCheckError(Exception):
    pass


class MetadataMismatchError(RuntimeError):
    pass


OpCheckError.__module__ = "torch.testing._internal.optests.generate_tests"
MetadataMismatchError.__module__ = "torch._subclasses.fake_tensor"


def opcheck(op, args, kwargs=None, *, test_utils=_TESTS, raise_exception=True, atol=None, rtol=None):
    from .library import _find
    definition = _find(op if not isinstance(op, (OpOverload, OpOverloadPacket)) else op)
    kwargs = kwargs or {}
    if isinstance(test_utils, str):
        test_utils = (test_utils,)
    results = {}
    for name in _TESTS:
        if name not in test_utils:
            continue
        try:
            _CHECKS[name](definition, args, kwargs)
            results[name] = "SUCCESS"
        except Exception as e:
            if raise_exception:
                raise OpCheckError(f"opcheck(op, ...): {name} failed with {e} (scroll up for stack trace)") from e
            results[name] = e
    return results


def _copies(values):
    from ._tensor import Tensor
    return [v.detach().clone().requires_grad_(v.requires_grad) if isinstance(v, Tensor)
            else [t.detach().clone() if isinstance(t, Tensor) else t for t in v] if isinstance(v, (list, tuple))
            else v for v in values]


def _schema(definition, args, kwargs):
    from ._tensor import Tensor
    from .autograd.grad_mode import no_grad
    values = definition._schema.bind(args, kwargs)
    before = _copies(values)
    with no_grad():
        definition._call(*_copies(values))
        work = _copies(values)
        definition._call(*work)
    for a, old, new in zip(definition._schema.arguments, before, work):
        if isinstance(old, Tensor) and not a.mutable and not old.detach().equal(new.detach()):
            raise RuntimeError(f"{definition._schema.name}: argument '{a.name}' is not defined as mutable but was "
                               "mutated")


def _autograd_registration(definition, args, kwargs):
    from ._tensor import Tensor
    values = _copies(definition._schema.bind(args, kwargs))
    if not any(isinstance(v, Tensor) and v.requires_grad for v in values):
        return
    out = definition._call(*values)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    diff = [o for o in outs if isinstance(o, Tensor) and o.dtype.is_floating_point]
    if diff and not any(o.requires_grad for o in diff) and getattr(definition, "_backward_fn", None) is None:
        raise AssertionError(f"{definition._schema.name}: an input requires grad but the outputs do not; "
                             "register an autograd formula (register_autograd)")


def _fake_exists(definition, args, kwargs):
    _faketensor(definition, args, kwargs, compare=False)


def _faketensor(definition, args, kwargs, compare=True):
    from ._tensor import Tensor
    from .autograd.grad_mode import no_grad
    values = definition._schema.bind(args, kwargs)
    with no_grad():
        real = definition._call(*_copies(values))
        fake_fn = definition._abstract_fn
        if fake_fn is None:
            if not any(isinstance(o, Tensor) for o in (real if isinstance(real, (tuple, list)) else (real,))):
                return
            name = definition._qualname.split("::")[1]
            raise RuntimeError(f"There was no fake impl registered for {definition!r}. This is necessary for "
                               f"torch.compile/export/fx tracing to work. Please use `{name}.register_fake` to add "
                               "an fake impl.")
        positional = [v for v, a in zip(_copies(values), definition._schema.arguments) if not a.kw_only]
        keyword = {a.name: v for v, a in zip(_copies(values), definition._schema.arguments) if a.kw_only}
        fake = fake_fn(*positional, **keyword)
    if not compare:
        return
    reals = real if isinstance(real, (tuple, list)) else (real,)
    fakes = fake if isinstance(fake, (tuple, list)) else (fake,)
    for r, f in zip(reals, fakes):
        if not isinstance(r, Tensor):
            continue
        where = f"When comparing the output of {definition._opoverload} on FakeTensor and concrete Tensors, " \
                "found mismatched tensor metadata: "
        if not isinstance(f, Tensor):
            raise MetadataMismatchError(where + f"expected a Tensor from the fake impl, got {type(f).__name__}")
        if f.shape != r.shape:
            raise MetadataMismatchError(where + f"Shapes {r.shape} and {f.shape} are not equal!")
        if f.dtype != r.dtype:
            raise MetadataMismatchError(where + f"Dtypes {r.dtype} and {f.dtype} are not equal!")


_CHECKS = {"test_schema": _schema, "test_autograd_registration": _autograd_registration,
           "test_faketensor": _faketensor, "test_aot_dispatch_dynamic": _fake_exists}

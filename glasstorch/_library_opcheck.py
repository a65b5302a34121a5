"""``torch.library.opcheck``: the checks torch runs on a custom operator, as far as they mean
something without a tracing compiler.  Each runs the operator on copies of the arguments, as often,
in the same order and with the same grad mode as torch's (a kernel that prints shows it):

* test_schema: one call; no argument outside ``mutates_args`` may change;
* test_autograd_registration: a custom_op always has its autograd kernel; an operator from
  ``define`` must give differentiable results when an input requires grad;
* test_faketensor: the fake implementation (grad off), then the real kernel: same shapes and dtypes;
* test_aot_dispatch_dynamic: torch runs the op eagerly (and with backward, when an input requires
  grad), traces forward and joint graph on fake tensors, then runs the compiled forward; glasstorch
  has no tracer and runs the same steps with the fake implementation as the kernel.
"""
from ._library_fake import running
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


def _copies(values, detach=False):
    from ._tensor import Tensor

    def copy(t):
        return t.detach().clone().requires_grad_(t.requires_grad and not detach) if isinstance(t, Tensor) else t
    return [[copy(t) for t in v] if isinstance(v, (list, tuple)) else copy(v) for v in values]


def _flat(values):
    return [t for v in values for t in (v if isinstance(v, (list, tuple)) else (v,))]


def _needs_grad(values):
    from ._tensor import Tensor
    return any(isinstance(t, Tensor) and t.requires_grad for t in _flat(values))


def _trivial_fake(schema):
    """torch's ``can_generate_trivial_fake_impl``: an operator that mutates an argument and returns
    nothing needs no registered fake implementation (there is no output metadata to describe)."""
    return any(a.mutable for a in schema.arguments) and schema.returns.strip() == "()"


def _return_none(*args, **kwargs):
    return None


class _FakeKernel:
    """``with _FakeKernel(op, fake):`` the op's kernel is its fake implementation (torch's FakeTensor
    run); ``get_ctx()`` answers inside it."""

    def __init__(self, definition, fake):
        self.definition, self.fake = definition, fake

    def __enter__(self):
        if self.fake is None and _trivial_fake(self.definition._parsed):
            self.fake = _return_none
        if self.fake is None:
            d = self.definition
            raise RuntimeError(f"There was no fake impl registered for {d!r}. This is necessary for torch.compile/"
                               f"export/fx tracing to work. Please use `{d._qualname.split('::')[1]}.register_fake` "
                               "to add an fake impl.")
        self.saved = self.definition.__dict__.get("_kernel", _FakeKernel)
        self.definition._kernel = self.fake
        self.ctx = running(self.definition)
        return self.ctx.__enter__()

    def __exit__(self, *exc):
        self.ctx.__exit__(*exc)
        if self.saved is _FakeKernel:
            del self.definition._kernel
        else:
            self.definition._kernel = self.saved


def _run(definition, values, backward=False, grad=True):
    """One call of the operator on copies of ``values`` (as torch's opcheck makes them), then, if
    asked, a backward from the sum of its differentiable outputs.  ``grad=False``: grad mode off
    and inputs that do not require grad."""
    from ._tensor import Tensor
    from .autograd.grad_mode import enable_grad, no_grad
    args = _copies(values) if grad else _copies(values, detach=True)
    positional, keyword = definition._parsed.split(args)
    with enable_grad() if grad else no_grad():
        out = definition._call(*positional, **keyword)
        outs = [o for o in (out if isinstance(out, (tuple, list)) else (out,))
                if isinstance(o, Tensor) and o.requires_grad]
        if backward and outs:
            sum(o.sum() for o in outs).backward()
    return args, out


def _schema(definition, args, kwargs):
    """One call; an argument that changed must be declared mutable (torch's SchemaCheckMode)."""
    from ._tensor import Tensor
    values = definition._parsed.bind(args, kwargs)
    work, _ = _run(definition, values)
    for a, old, new in zip(definition._parsed.arguments, values, work):
        if isinstance(old, Tensor) and not a.mutable and not old.detach().equal(new.detach()):
            raise RuntimeError(f"Argument {a.name} is not defined as mutable but was mutated")


def _autograd_registration(definition, args, kwargs):
    """A custom_op always has its (generated) autograd kernel; an operator from ``define`` has none,
    so its kernel must at least give differentiable results."""
    from ._tensor import Tensor
    values = definition._parsed.bind(args, kwargs)
    if hasattr(definition, "_init_fn") or not _needs_grad(values):
        return
    _, out = _run(definition, values)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    diff = [o for o in outs if isinstance(o, Tensor) and o.dtype.is_floating_point]
    if diff and not any(o.requires_grad for o in diff) and definition._backward_fn is None:
        raise AssertionError(f"{definition._parsed.name}: an input requires grad but the outputs do not; "
                             "register an autograd formula (register_autograd)")


def _aot_dispatch_dynamic(definition, args, kwargs):
    """torch's sequence: the eager op, the eager op with backward (inputs requiring grad), a trace of
    forward and joint graph on fake tensors, then the compiled forward (grad off)."""
    values = definition._parsed.bind(args, kwargs)
    grad = _needs_grad(values)
    _run(definition, values)
    if grad:
        _run(definition, values, backward=True)
    for backward in (False, grad):
        with _FakeKernel(definition, definition._abstract_fn):
            _run(definition, values, backward=backward)
    _run(definition, values, grad=False)


def _faketensor(definition, args, kwargs):
    """The fake implementation gives the real result's shapes and dtypes."""
    from ._tensor import Tensor
    values = definition._parsed.bind(args, kwargs)
    with _FakeKernel(definition, definition._abstract_fn) as ctx:
        _, fake = _run(definition, values, grad=False)
    _, real = _run(definition, values)
    reals = real if isinstance(real, (tuple, list)) else (real,)
    fakes = fake if isinstance(fake, (tuple, list)) else (fake,)
    for r, f in zip(reals, fakes):
        if not isinstance(r, Tensor):
            continue
        where = f"When comparing the output of {definition._opoverload} on FakeTensor and concrete Tensors, " \
                "found mismatched tensor metadata: "
        if not isinstance(f, Tensor):
            raise MetadataMismatchError(where + f"expected a Tensor from the fake impl, got {type(f).__name__}")
        if f.shape != r.shape and not (ctx.made_dynamic_size and f.dim() == r.dim()):
            raise MetadataMismatchError(where + f"Shapes {r.shape} and {f.shape} are not equal!")
        if f.dtype != r.dtype:
            raise MetadataMismatchError(where + f"Dtypes {r.dtype} and {f.dtype} are not equal!")


_CHECKS = {"test_schema": _schema, "test_autograd_registration": _autograd_registration,
           "test_faketensor": _faketensor, "test_aot_dispatch_dynamic": _aot_dispatch_dynamic}

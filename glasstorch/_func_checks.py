"""torch.func's checks on what a transformed function takes and returns (torch/_functorch/eager_transforms.py),
with its messages: the transforms here (func.py, _func_jac.py) run them where functorch does."""

JVP = "jvp(f, primals, tangents)"
VJP = "vjp(f, *primals)"


def _is_tensor(x):
    from ._tensor import Tensor
    return isinstance(x, Tensor)


def differentiable(x):
    """``_create_differentiable``: only tensors can be differentiated."""
    if not _is_tensor(x):
        raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")


def tensor_outputs(flat, api):
    """``assert_non_empty_tensor_output``: the flattened outputs are tensors, and there is at least one."""
    if (len(flat) == 1 and flat[0] is None) or len(flat) < 1:
        raise RuntimeError(f"{api}: Expected f to be a function that has non-empty output (got output = {flat})")
    for o in flat:
        if not _is_tensor(o):
            raise RuntimeError(f"{api}: expected f(*primals) to return only tensors, got unsupported type {type(o)}")


def vjp_outputs(flat):
    """vjp's outputs: tensors, floating point or complex (their cotangents must be)."""
    tensor_outputs(flat, VJP)
    for o in flat:
        if not (o.is_floating_point() or o.is_complex()):
            raise RuntimeError(f"vjp(f, ...): All outputs of f must be floating-point or complex Tensors, got "
                               f"Tensor with dtype {o.dtype}")


def dual_pairs(primals, tangents):
    """jvp's primals and tangents (flattened): tensors, at least one, each tangent of its primal's size
    (``make_dual``'s check)."""
    for flat, name in ((primals, "primals"), (tangents, "tangents")):
        if not flat:
            raise RuntimeError(f"{JVP}: Expected {name} to contain at least one Tensor.")
        for x in flat:
            if not _is_tensor(x):
                raise RuntimeError(f"{JVP}: Expected {name} to only contain Tensors, got {type(x)}")
    for p, t in zip(primals, tangents):
        if tuple(p.shape) != tuple(t.shape):
            raise RuntimeError("Trying to set a forward gradient that has a different size than that of the original "
                               f"Tensor, this is not supported. Tensor is of size {list(p.shape)} while the given "
                               f"forward gradient is of size {list(t.shape)}.")


def grad_output(out):
    """grad / grad_and_value: f returns one 0-d tensor."""
    if not _is_tensor(out):
        raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got {type(out)}")
    if out.dim() != 0:
        raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor "
                           f"with {out.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs instead?")


class _Asterisk:
    def __repr__(self):
        return "*"


def _pprint(x):
    """``treespec_pprint``: the structure with each leaf shown as ``*``."""
    star = _Asterisk()

    def build(v):
        if isinstance(v, dict):
            return {k: build(w) for k, w in v.items()}
        if isinstance(v, (list, tuple)):
            kids = [build(w) for w in v]
            return type(v)(*kids) if hasattr(type(v), "_fields") else type(v)(kids)
        return star
    return repr(build(x))


def _structure(x):
    if isinstance(x, dict):
        return (dict, tuple((k, _structure(v)) for k, v in x.items()))
    if isinstance(x, (list, tuple)):
        return (type(x), tuple(_structure(v) for v in x))
    return None


def same_structure(cotangents, outputs):
    """vjp_fn: the cotangents have the outputs' pytree structure."""
    if _structure(cotangents) != _structure(outputs):
        raise RuntimeError("Expected pytree structure of cotangents to be the same as pytree structure of outputs to "
                           f"the function. cotangents: {_pprint(cotangents)}, primal output: {_pprint(outputs)}")

"""``torch.masked._ops``: reductions and normalizations that ignore masked-out elements (strided tensors).

Each op replaces the masked-out elements by the identity of its reduction (0 for sum, 1 for prod, -inf /
the dtype's minimum for amax ...) with ``torch.where`` and runs the ordinary op, as torch does, so values,
dtypes and grad_fn chains are the ordinary ops'.  A mask broadcasts to the input (never from more dims) and
is cast to bool.  mean/var/std divide by the count of masked-in elements: nan where none is."""
import builtins

import glasstorch as torch

__all__ = ["sum", "prod", "cumsum", "cumprod", "amax", "amin", "argmax", "argmin", "mean", "median",
           "logsumexp", "logaddexp", "norm", "var", "std", "softmax", "log_softmax", "softmin", "normalize"]


def _promoted_int(dtype):
    """sum/prod's default dtype: small integers and bool accumulate in int64."""
    if dtype in (torch.uint8, torch.bool, torch.int8, torch.int16, torch.int32):
        return torch.int64
    return dtype


def _reduction_identity(op_name, input, *args):
    """The value that leaves the reduction unchanged (None where it depends on the data)."""
    dtype = input.dtype
    if op_name in {"sum", "cumsum"}:
        return torch.tensor(0, dtype=dtype)
    if op_name in {"prod", "cumprod"}:
        return torch.tensor(1, dtype=dtype)
    if op_name in {"amax", "argmax", "logaddexp", "logsumexp"}:
        if torch.is_floating_point(input):
            return torch.tensor(-torch.inf, dtype=dtype)
        if op_name == "logsumexp" and torch.is_complex(input):
            return torch.tensor(-torch.inf + 0j, dtype=dtype)
        if dtype.is_signed or dtype == torch.uint8:
            return torch.tensor(torch.iinfo(dtype).min, dtype=dtype)
    elif op_name in {"amin", "argmin"}:
        if torch.is_floating_point(input):
            return torch.tensor(torch.inf, dtype=dtype)
        if dtype.is_signed or dtype == torch.uint8:
            return torch.tensor(torch.iinfo(dtype).max, dtype=dtype)
    elif op_name in {"mean", "var", "std"}:
        return None
    elif op_name == "norm":
        ord = args[0] if args else 2
        if ord == float("-inf"):
            if not torch.is_floating_point(input):
                raise AssertionError(f"input must be floating point, got {input.dtype}")
            return torch.tensor(torch.inf, dtype=dtype)
        return torch.tensor(0, dtype=dtype)
    elif op_name == "median":
        # nanmedian skips nan, so nan is its identity
        return torch.tensor(torch.nan, dtype=dtype if torch.is_floating_point(input) else torch.float)
    raise NotImplementedError(f"identity of {op_name} on {dtype} input")


def _canonical_dim(dim, ndim):
    """dim as a sorted tuple of non-negative dims; None and () mean all dims."""
    if dim == ():
        dim = None
    if dim is None:
        return tuple(range(ndim))
    ndim = builtins.max(ndim, 1)
    dims = []
    for d in ((dim,) if isinstance(dim, int) else dim):
        if d in dims:
            raise RuntimeError(f"dim={d} appears multiple times in the list of dims")
        if d >= ndim or d < -ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {d})")
        dims.append(d % ndim)
    return tuple(sorted(dims))


def _input_mask(input, *args, **kwargs):
    """The mask broadcast to the input's shape, as bool."""
    if input.layout != torch.strided:
        raise ValueError(f"_input_mask expects strided or sparse COO or sparse CSR tensor but got {input.layout}")
    mask = kwargs.get("mask")
    if mask is None:
        raise ValueError("_input_mask requires explicit mask")
    if mask.shape != input.shape:
        if mask.ndim > input.ndim:
            raise IndexError("_input_mask expected broadcastable mask (got mask dimensionality higher than of the "
                             "input)")
        mask = torch.broadcast_to(mask.clone(), input.shape).to(dtype=torch.bool)
    if mask.layout != input.layout:
        mask = mask.to_dense()
    return mask.to(dtype=torch.bool)


def _combine_input_and_mask(op_name, input, mask, *args):
    """input with its masked-out elements replaced by the op's identity."""
    if mask is None:
        return input
    return torch.where(_input_mask(input, mask=mask), input, _reduction_identity(op_name, input, *args))


def _strided_only(name, t):
    if t.layout != torch.strided:
        raise ValueError(f"masked {name} expects strided tensor (got {t.layout} tensor)")


def sum(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    dtype = _promoted_int(input.dtype) if dtype is None else dtype
    dim_ = _canonical_dim(dim, input.ndim)
    mask_input = _combine_input_and_mask("sum", input, mask)
    _strided_only("sum", mask_input)
    return torch.sum(mask_input, dim_, bool(keepdim), dtype=dtype)


def prod(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    dtype = _promoted_int(input.dtype) if dtype is None else dtype
    dim_ = _canonical_dim(dim, input.ndim)
    result = _combine_input_and_mask("prod", input, mask)
    _strided_only("prod", result)
    result = result.to(dtype=dtype)
    for d in reversed(dim_):        # prod takes one dim at a time; the last first keeps the others' numbers
        result = result.prod(dim=d, keepdim=bool(keepdim))
    return result


def cumsum(input, dim, *, dtype=None, mask=None):
    dtype = input.dtype if dtype is None else dtype
    dim_ = _canonical_dim(dim, input.ndim)[0]
    mask_input = _combine_input_and_mask("sum", input, mask)
    _strided_only("cumsum", mask_input)
    return torch.cumsum(mask_input, dim_, dtype=dtype).to(dtype=dtype)


def cumprod(input, dim, *, dtype=None, mask=None):
    dtype = input.dtype if dtype is None else dtype
    dim_ = _canonical_dim(dim, input.ndim)[0]
    mask_input = _combine_input_and_mask("prod", input, mask)
    _strided_only("cumprod", mask_input)
    return torch.cumprod(mask_input, dim_, dtype=dtype).to(dtype=dtype)


def amax(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    dtype = input.dtype if dtype is None else dtype
    mask_input = _combine_input_and_mask("amax", input, mask)
    dim_ = _canonical_dim(dim, mask_input.ndim)
    _strided_only("amax", mask_input)
    return torch.amax(mask_input, dim_, bool(keepdim)).to(dtype=dtype)


def amin(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    dtype = input.dtype if dtype is None else dtype
    mask_input = _combine_input_and_mask("amin", input, mask)
    dim_ = _canonical_dim(dim, mask_input.ndim)
    _strided_only("amin", mask_input)
    return torch.amin(mask_input, dim_, bool(keepdim)).to(dtype=dtype)


def argmax(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    dtype = input.dtype if dtype is None else dtype
    mask_input = _combine_input_and_mask("argmax", input, mask)
    _strided_only("argmax", mask_input)
    return torch.argmax(mask_input, dim, bool(keepdim)).to(dtype=dtype)


def argmin(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    dtype = input.dtype if dtype is None else dtype
    mask_input = _combine_input_and_mask("argmin", input, mask)
    _strided_only("argmin", mask_input)
    return torch.argmin(mask_input, dim, bool(keepdim)).to(dtype=dtype)


def mean(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    source = "Optional"
    if dtype is None:
        dtype, source = input.dtype, "Input"
    if not (dtype.is_floating_point or dtype.is_complex):
        raise ValueError(f"mean(): Could not infer output dtype. {source} dtype must be either "
                         f"a floating point or complex dtype. Got: {dtype}")
    if input.layout != torch.strided:
        raise ValueError(f"masked mean expects strided or sparse_csr tensor (got {input.layout} tensor)")
    if mask is None:
        count = sum(torch.ones(input.shape, dtype=torch.int64), dim, keepdim=keepdim)
        total = sum(input, dim, keepdim=keepdim, dtype=dtype)
    else:
        inmask = _input_mask(input, mask=mask)
        count = inmask.sum(dim=dim, keepdim=bool(keepdim))
        total = sum(input, dim, keepdim=keepdim, dtype=dtype, mask=inmask)
    return total / count


def median(input, dim=-1, *, keepdim=False, dtype=None, mask=None):
    dtype = input.dtype if dtype is None else dtype
    dim_ = _canonical_dim(dim, input.ndim)[0]
    is_float = torch.is_floating_point(input)
    if not is_float:
        input = input.to(dtype=torch.float)
    mask_input = _combine_input_and_mask("median", input, mask)
    _strided_only("median", mask_input)
    output = torch.nanmedian(mask_input, dim_, keepdim).values
    if is_float:
        return output
    if not torch.isnan(output).any():
        return output.to(dtype=dtype)
    raise ValueError("masked median expects no fully masked out rows if dtype is not floating point")


def logsumexp(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    dtype = input.dtype if dtype is None else dtype
    dim_ = _canonical_dim(dim, input.ndim)
    mask_input = _combine_input_and_mask("logsumexp", input, mask)
    _strided_only("logsumexp", mask_input)
    return torch.logsumexp(mask_input, dim_, keepdim=keepdim).to(dtype=dtype)


def logaddexp(input, other, *, dtype=None, input_mask=None, other_mask=None):
    """logaddexp(input, other, *, dtype=None, input_mask=None, other_mask=None) -> Tensor

    ``log(exp(input) + exp(other))`` with the masked-out elements of each side taken as -inf."""
    dtype = input.dtype if dtype is None else dtype
    if input.layout != torch.strided or other.layout != torch.strided:
        raise ValueError(f"masked logaddexp expects strided tensors (got {input.layout} tensor for input, "
                         f"{other.layout} for other)")
    mask_input = _combine_input_and_mask("logaddexp", input, input_mask)
    mask_other = _combine_input_and_mask("logaddexp", other, other_mask)
    return torch.logaddexp(mask_input, mask_other).to(dtype=dtype)


def norm(input, ord=2.0, dim=None, *, keepdim=False, dtype=None, mask=None):
    dtype = input.dtype if dtype is None else dtype
    mask_input = _combine_input_and_mask("norm", input, mask, ord)
    _strided_only("norm", mask_input)
    return torch.linalg.vector_norm(mask_input, ord, _canonical_dim(dim, input.ndim), bool(keepdim), dtype=dtype)


def _std_var(input, dim, unbiased, *, correction_opt, keepdim, dtype, mask, take_sqrt):
    """Sum of squared deviations from the masked mean over (count - correction), clamped at 0."""
    if unbiased is not None and correction_opt is not None:
        raise AssertionError("Only one of unbiased and correction may be given")
    correction = 1.0
    if unbiased is not None:
        correction = 1.0 if unbiased else 0.0
    if correction_opt is not None:
        correction = float(correction_opt)
    if dtype is None:
        dtype = input.dtype
        if not (dtype.is_floating_point or dtype.is_complex):
            dtype = torch.float32
    compute_dtype = dtype
    if not (compute_dtype.is_floating_point or compute_dtype.is_complex):
        compute_dtype = torch.float32
    if input.layout != torch.strided:
        raise ValueError(f"masked std/var expects strided tensor (got {input.layout} tensor)")
    if mask is None:
        count = sum(torch.ones(input.shape, dtype=torch.int64), dim, keepdim=True)
        sample_total = sum(input, dim, keepdim=True, dtype=dtype)
    else:
        inmask = _input_mask(input, mask=mask)
        count = inmask.sum(dim=dim, keepdim=True)
        sample_total = sum(input, dim, keepdim=True, dtype=dtype, mask=inmask)
    x = torch.subtract(input, torch.divide(sample_total, count))
    total = sum(x * x.conj(), dim, keepdim=keepdim, dtype=compute_dtype, mask=None if mask is None else inmask)
    if not keepdim:
        count = count.reshape(total.shape)
    if correction != 0:
        real_dtype = compute_dtype.to_real() if compute_dtype.is_complex else compute_dtype
        count = count.to(real_dtype)
        count = torch.subtract(count, correction)
        count = torch.maximum(count, count.new_zeros([]))
    output = torch.divide(total, count).to(dtype=dtype)
    return torch.sqrt(output) if take_sqrt else output


def var(input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None, mask=None):
    return _std_var(input=input, dim=dim, unbiased=unbiased, correction_opt=correction, keepdim=keepdim,
                    dtype=dtype, mask=mask, take_sqrt=False)


def std(input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None, mask=None):
    return _std_var(input=input, dim=dim, unbiased=unbiased, correction_opt=correction, keepdim=keepdim,
                    dtype=dtype, mask=mask, take_sqrt=True)


def _normalization(name, fill_like, input, dim, dtype, mask):
    """torch.masked's softmax family: masked-out places take ``fill_like``'s identity (-inf for amax,
    +inf for amin), then the plain function of that name runs over ``dim``."""
    dtype = input.dtype if dtype is None else dtype
    dim_ = _canonical_dim(dim, input.ndim)[0]
    mask_input = _combine_input_and_mask(fill_like, input, mask)
    _strided_only(name, mask_input)
    return getattr(torch.nn.functional, name)(mask_input, dim_, dtype=dtype)


def softmax(input, dim, *, dtype=None, mask=None):
    return _normalization("softmax", "amax", input, dim, dtype, mask)


def log_softmax(input, dim, *, dtype=None, mask=None):
    return _normalization("log_softmax", "amax", input, dim, dtype, mask)


def softmin(input, dim, *, dtype=None, mask=None):
    return _normalization("softmin", "amin", input, dim, dtype, mask)


def normalize(input, ord, dim, *, eps=1e-12, dtype=None, mask=None):
    dtype = input.dtype if dtype is None else dtype
    mask_input = _combine_input_and_mask("sum", input, mask)
    _strided_only("normalize", mask_input)
    nrm_ = norm(input, ord, dim, keepdim=True, dtype=dtype, mask=mask)
    denom = torch.maximum(nrm_, nrm_.new_full([], eps))
    return torch.divide(mask_input, denom)

"""torch.masked's operations on strided tensors, composed of ordinary tensor ops exactly as torch's
``torch/masked/_ops.py`` composes them, so values, dtypes and autograd graphs (grad_fn names) match.

Each reduction replaces the masked-out elements by the identity of the reduction (sum 0, prod 1,
amax / logsumexp / logaddexp -inf or the dtype's minimum, amin +inf or the maximum, norm 0 (+inf for
ord=-inf), median nan) with ``where(mask, input, identity)``, then reduces:

    masked.sum(x, d, mask=m)  = sum_d where(m, x, 0)
    masked.mean(x, d, mask=m) = masked.sum(x, d, mask=m) / count_d(m)     (nan where nothing is kept)
    masked.var(x, d, mask=m)  = masked.sum(|x - mean|^2, d, mask=m) / max(count_d(m) - correction, 0)

A mask of another shape is broadcast to the input's (one of more dimensions is an IndexError).
"""
import builtins

import glasstorch as torch

_INT_TO_LONG = ("uint8", "bool", "int8", "int16", "int32")


def _is_float(dtype):
    return dtype.is_floating_point


def _reduction_identity(op_name, input, *args):
    """The scalar that leaves the reduction ``op_name`` unchanged (None where it is not defined)."""
    dtype = input.dtype
    if op_name in {"sum", "cumsum"}:
        return torch.tensor(0, dtype=dtype)
    elif op_name in {"prod", "cumprod"}:
        return torch.tensor(1, dtype=dtype)
    elif op_name in {"amax", "argmax", "logaddexp"}:
        if torch.is_floating_point(input):
            return torch.tensor(-torch.inf, dtype=dtype)
        elif torch.is_signed(input) or dtype == torch.uint8:
            return torch.tensor(torch.iinfo(dtype).min, dtype=dtype)
    elif op_name == "logsumexp":
        if torch.is_floating_point(input):
            return torch.tensor(-torch.inf, dtype=dtype)
        elif torch.is_complex(input):
            return torch.tensor(-torch.inf + 0j, dtype=dtype)
        elif torch.is_signed(input) or dtype == torch.uint8:
            return torch.tensor(torch.iinfo(dtype).min, dtype=dtype)
    elif op_name in {"amin", "argmin"}:
        if torch.is_floating_point(input):
            return torch.tensor(torch.inf, dtype=dtype)
        elif torch.is_signed(input) or dtype == torch.uint8:
            return torch.tensor(torch.iinfo(dtype).max, dtype=dtype)
    elif op_name == "mean":
        return None
    elif op_name == "norm":
        ord = args[0] if args else 2
        if ord == float("-inf"):
            if not torch.is_floating_point(input):
                raise AssertionError(f"input must be floating point, got {input.dtype}")
            return torch.tensor(torch.inf, dtype=dtype)
        return torch.tensor(0, dtype=dtype)
    elif op_name == "median":
        dtype = input.dtype if torch.is_floating_point(input) else torch.float
        return torch.tensor(torch.nan, dtype=dtype)
    elif op_name in {"var", "std"}:
        return None
    raise NotImplementedError(f"identity of {op_name} on {dtype} input")


def _canonical_dim(dim, ndim):
    """``dim`` as a sorted tuple of non-negative dims (None and () mean all of them)."""
    dims = []
    if dim == ():
        dim = None
    if dim is None:
        return tuple(range(ndim))
    ndim = builtins.max(ndim, 1)
    dim_ = (dim,) if isinstance(dim, int) else dim
    for d in dim_:
        if d in dims:
            raise RuntimeError(f"dim={d} appears multiple times in the list of dims")
        if d >= ndim or d < -ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {d})")
        dims.append(d % ndim)
    return tuple(sorted(dims))


def _any(input, dim, keepdim):
    r = input
    for d in reversed(dim):
        r = r.any(dim=d, keepdim=keepdim)
    return r


def _strided_only(input, what):
    if input.layout != torch.strided:
        raise ValueError(f"{what} expects strided tensor (got {input.layout} tensor)")


def _input_mask(input, *args, **kwargs):
    """The mask broadcast to the input's shape, as bool."""
    if input.layout not in {torch.strided, torch.sparse_coo, torch.sparse_csr}:
        raise ValueError(f"_input_mask expects strided or sparse COO or sparse CSR tensor but got {input.layout}")
    mask = kwargs.get("mask")
    if mask is None:
        raise ValueError("_input_mask requires explicit mask")
    if mask.shape != input.shape:
        if mask.ndim > input.ndim:
            raise IndexError("_input_mask expected broadcastable mask (got mask dimensionality higher than of the input)")
        mask = torch.broadcast_to(mask.clone(), input.shape).to(dtype=torch.bool)
    if mask.layout != input.layout:
        mask = mask.to_dense()
    return mask.to(dtype=torch.bool)


def _combine_input_and_mask(op_name, input, mask, *args):
    if mask is None:
        return input
    canonical_mask = _input_mask(input, mask=mask)
    return torch.where(canonical_mask, input, _reduction_identity(op_name, input, *args))


def _sum_dtype(input, dtype):
    if dtype is None:
        dtype = input.dtype
        if str(input.dtype).split(".")[-1] in _INT_TO_LONG:      # integers sum as int64
            dtype = torch.int64
    return dtype


def sum(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """Sum of the kept elements of ``input`` over ``dim``: sum_d where(mask, input, 0)."""
    dtype = _sum_dtype(input, dtype)
    dim_ = _canonical_dim(dim, input.ndim)
    mask_input = _combine_input_and_mask("sum", input, mask)
    if mask_input.layout != torch.strided:
        raise ValueError(f"masked sum expects strided, sparse_coo or sparse_csr tensor (got {mask_input.layout} tensor)")
    return torch.sum(mask_input, dim_, bool(keepdim), dtype=dtype)


def prod(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """Product of the kept elements over ``dim`` (one dim at a time, the last first)."""
    dtype = _sum_dtype(input, dtype)
    dim_ = _canonical_dim(dim, input.ndim)
    mask_input = _combine_input_and_mask("prod", input, mask)
    _strided_only(mask_input, "masked prod")
    result = mask_input.to(dtype=dtype)
    for d in reversed(dim_):
        result = result.prod(dim=d, keepdim=bool(keepdim))
    return result


def cumsum(input, dim, *, dtype=None, mask=None):
    """Cumulative sum along ``dim`` with the masked-out elements counted as 0."""
    if dtype is None:
        dtype = input.dtype
    dim_ = _canonical_dim(dim, input.ndim)[0]
    mask_input = _combine_input_and_mask("sum", input, mask)
    _strided_only(mask_input, "masked cumsum")
    return torch.cumsum(mask_input, dim_, dtype=dtype).to(dtype=dtype)


def cumprod(input, dim, *, dtype=None, mask=None):
    """Cumulative product along ``dim`` with the masked-out elements counted as 1."""
    if dtype is None:
        dtype = input.dtype
    dim_ = _canonical_dim(dim, input.ndim)[0]
    mask_input = _combine_input_and_mask("prod", input, mask)
    _strided_only(mask_input, "masked cumprod")
    return torch.cumprod(mask_input, dim_, dtype=dtype).to(dtype=dtype)


def _extreme(name, fn, input, dim, keepdim, dtype, mask):
    if dtype is None:
        dtype = input.dtype
    mask_input = _combine_input_and_mask(name, input, mask)
    dim_ = _canonical_dim(dim, mask_input.ndim)
    if mask_input.layout != torch.strided:
        raise ValueError(f"masked {name} expects strided, sparse_coo or sparse_csr tensor "
                         f"(got {mask_input.layout} tensor)")
    return fn(mask_input, dim_, bool(keepdim)).to(dtype=dtype)


def amax(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """Maximum of the kept elements (-inf, or the dtype's minimum, where none is kept)."""
    return _extreme("amax", torch.amax, input, dim, keepdim, dtype, mask)


def amin(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """Minimum of the kept elements (+inf, or the dtype's maximum, where none is kept)."""
    return _extreme("amin", torch.amin, input, dim, keepdim, dtype, mask)


def argmax(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """Index of the largest kept element, cast to ``dtype`` (by default the input's, as torch does)."""
    if dtype is None:
        dtype = input.dtype
    mask_input = _combine_input_and_mask("argmax", input, mask)
    _strided_only(mask_input, "masked argmax")
    return torch.argmax(mask_input, dim, bool(keepdim)).to(dtype=dtype)


def argmin(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """Index of the smallest kept element, cast to ``dtype`` (by default the input's)."""
    if dtype is None:
        dtype = input.dtype
    mask_input = _combine_input_and_mask("argmin", input, mask)
    _strided_only(mask_input, "masked argmin")
    return torch.argmin(mask_input, dim, bool(keepdim)).to(dtype=dtype)


def mean(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """masked sum / number of kept elements (nan where none is kept)."""
    dtype_source = "Optional"
    if dtype is None:
        dtype = input.dtype
        dtype_source = "Input"
    if not (dtype.is_floating_point or dtype.is_complex):
        raise ValueError(f"mean(): Could not infer output dtype. {dtype_source} dtype must be either "
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
    """nanmedian of the input with the masked-out elements set to nan."""
    if dtype is None:
        dtype = input.dtype
    dim_ = _canonical_dim(dim, input.ndim)[0]
    is_float = torch.is_floating_point(input)
    if not is_float:
        input = input.to(dtype=torch.float)
    mask_input = _combine_input_and_mask("median", input, mask)
    _strided_only(mask_input, "masked median")
    output = torch.nanmedian(mask_input, dim_, keepdim).values
    if is_float:
        return output
    elif not torch.isnan(output).any():
        return output.to(dtype=dtype)
    raise ValueError("masked median expects no fully masked out rows if dtype is not floating point")


def logsumexp(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """log sum exp of the kept elements (-inf where none is kept)."""
    if dtype is None:
        dtype = input.dtype
    dim_ = _canonical_dim(dim, input.ndim)
    mask_input = _combine_input_and_mask("logsumexp", input, mask)
    _strided_only(mask_input, "masked logsumexp")
    return torch.logsumexp(mask_input, dim_, keepdim=keepdim).to(dtype=dtype)


def logaddexp(input, other, *, dtype=None, input_mask=None, other_mask=None):
    """log(exp(input) + exp(other)), each side's masked-out elements counted as -inf."""
    if dtype is None:
        dtype = input.dtype
    if input.layout != torch.strided or other.layout != torch.strided:
        raise ValueError(f"masked logaddexp expects strided tensors (got {input.layout} tensor for input, "
                         f"{other.layout} for other)")
    mask_input = _combine_input_and_mask("logaddexp", input, input_mask)
    mask_other = _combine_input_and_mask("logaddexp", other, other_mask)
    return torch.logaddexp(mask_input, mask_other).to(dtype=dtype)


def norm(input, ord=2.0, dim=None, *, keepdim=False, dtype=None, mask=None):
    """vector_norm of the input with the masked-out elements set to 0 (+inf for ord=-inf)."""
    if dtype is None:
        dtype = input.dtype
    mask_input = _combine_input_and_mask("norm", input, mask, ord)
    _strided_only(mask_input, "masked norm")
    dim_ = _canonical_dim(dim, input.ndim)
    return torch.linalg.vector_norm(mask_input, ord, dim_, bool(keepdim), dtype=dtype)


def _real_dtype(dtype):
    return {torch.complex64: torch.float32, torch.complex128: torch.float64}.get(dtype, dtype)


def _std_var(input, dim, unbiased, *, correction_opt, keepdim, dtype, mask, take_sqrt):
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
    sample_mean = torch.divide(sample_total, count)
    x = torch.subtract(input, sample_mean)
    if mask is None:
        total = sum(x * x.conj(), dim, keepdim=keepdim, dtype=compute_dtype)
    else:
        total = sum(x * x.conj(), dim, keepdim=keepdim, dtype=compute_dtype, mask=inmask)
    if not keepdim:
        count = count.reshape(total.shape)
    if correction != 0:
        count = count.to(_real_dtype(compute_dtype))
        count = torch.subtract(count, correction)
        count = torch.maximum(count, count.new_zeros([]))
    output = torch.divide(total, count).to(dtype=dtype)
    if take_sqrt:
        output = torch.sqrt(output)
    return output


def var(input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None, mask=None):
    """Sample variance of the kept elements (nan where none is kept)."""
    return _std_var(input, dim, unbiased, correction_opt=correction, keepdim=keepdim, dtype=dtype, mask=mask,
                    take_sqrt=False)


def std(input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None, mask=None):
    """Sample standard deviation of the kept elements: sqrt(masked var)."""
    return _std_var(input, dim, unbiased, correction_opt=correction, keepdim=keepdim, dtype=dtype, mask=mask,
                    take_sqrt=True)


def softmax(input, dim, *, dtype=None, mask=None):
    """softmax with the masked-out elements as -inf (they get probability 0)."""
    if dtype is None:
        dtype = input.dtype
    dim_ = _canonical_dim(dim, input.ndim)[0]
    mask_input = _combine_input_and_mask("amax", input, mask)
    _strided_only(mask_input, "masked softmax")
    return torch.nn.functional.softmax(mask_input, dim_, dtype=dtype)


def log_softmax(input, dim, *, dtype=None, mask=None):
    """log_softmax with the masked-out elements as -inf."""
    if dtype is None:
        dtype = input.dtype
    dim_ = _canonical_dim(dim, input.ndim)[0]
    mask_input = _combine_input_and_mask("amax", input, mask)
    _strided_only(mask_input, "masked log_softmax")
    return torch.nn.functional.log_softmax(mask_input, dim_, dtype=dtype)


def softmin(input, dim, *, dtype=None, mask=None):
    """softmin with the masked-out elements as +inf (they get probability 0)."""
    if dtype is None:
        dtype = input.dtype
    dim_ = _canonical_dim(dim, input.ndim)[0]
    mask_input = _combine_input_and_mask("amin", input, mask)
    _strided_only(mask_input, "masked softmin")
    return torch.nn.functional.softmin(mask_input, dim_, dtype=dtype)


def normalize(input, ord, dim, *, eps=1e-12, dtype=None, mask=None):
    """where(mask, input, 0) / max(masked norm over dim, eps)."""
    if dtype is None:
        dtype = input.dtype
    mask_input = _combine_input_and_mask("sum", input, mask)
    _strided_only(mask_input, "masked normalize")
    nrm_ = norm(input, ord, dim, keepdim=True, dtype=dtype, mask=mask)
    denom = torch.maximum(nrm_, nrm_.new_full([], eps))
    return torch.divide(mask_input, denom)

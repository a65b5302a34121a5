"""The torch-level functions of the wider op surface (views, indexing, reductions, linalg ...),
re-exported by ``glasstorch/__init__.py``."""
from .ops.shape import (view_as, reshape, ravel, flatten, unflatten, squeeze, unsqueeze, expand, broadcast_to,
                        broadcast_tensors, broadcast_shapes)
from .ops.views import (transpose, swapaxes, swapdims, t, permute, movedim, moveaxis, narrow, select, diagonal,
                        diagonal_scatter, unbind, split, chunk, tensor_split)
from .ops.join import (cat, concat, concatenate, stack, hstack, vstack, row_stack, dstack, column_stack, atleast_1d,
                       atleast_2d, atleast_3d, tile, repeat_interleave, flip, fliplr, flipud, roll, tril, triu, diag,
                       diag_embed, trace, meshgrid)
from .ops.gather import (index_select, gather, scatter, scatter_add, index_add, index_fill, masked_fill,
                         masked_select, take, nonzero, argwhere)
from .ops.select import where
from .ops.matmul import matmul, mm, bmm, mv, dot, vdot, outer, ger, addmm, addmv, baddbmm, tensordot, kron
from .ops.einsum import einsum
from .ops.reduce_more import (max, min, amax, amin, aminmax, argmax, argmin, prod, logsumexp, all, any,
                              count_nonzero)
from .ops.moments import var, std, var_mean, std_mean
from .ops.norms import norm, dist
from .ops.cumulative import cumsum, cumprod
from .ops.sorting import (sort, argsort, msort, topk, kthvalue, median, mode, unique, unique_consecutive, bincount,
                          histc)
from .ops.pointwise import (log2, log10, log1p, expm1, exp2, rsqrt, square, tan, asin, acos, atan, sinh, cosh,
                            asinh, acosh, atanh, arcsin, arccos, arctan, arcsinh, arccosh, arctanh, erf, erfc, erfinv,
                            deg2rad, rad2deg, floor, ceil, trunc, fix, round, frac)
from .ops.pointwise import (log2_, log10_, log1p_, expm1_, exp2_, rsqrt_, square_, tan_, asin_, acos_, atan_,
                            sinh_, cosh_, asinh_, acosh_, atanh_, erf_, erfc_, erfinv_, floor_, ceil_, trunc_,
                            round_, frac_, deg2rad_, rad2deg_)
from .ops.clamp import clamp, clip, clamp_min, clamp_max, clamp_, clip_, clamp_min_, clamp_max_
from .ops.binary_more import (maximum, minimum, fmax, fmin, fmod, remainder, atan2, arctan2, hypot, logaddexp, xlogy,
                              copysign)
from .ops.ternary import lerp, addcmul, addcdiv
from .ops.logical import (isnan, isinf, isfinite, isposinf, isneginf, isreal, signbit, nan_to_num, sgn, logical_and,
                          logical_or, logical_xor, logical_not, bitwise_and, bitwise_or, bitwise_xor, bitwise_not,
                          bitwise_left_shift, bitwise_right_shift, isclose, allclose)
from .ops.softmax import softmax, log_softmax
from .ops.pdist import pdist
from .ops.creation_more import result_type, can_cast, cdist, block_diag, cartesian_prod, diff, rot90, cross
from .ops.linalg_more import det, inverse, logdet, slogdet, pinverse, svd, matrix_power, cholesky, qr
from .ops.special_fns import lgamma, digamma, polygamma, logit, sinc, heaviside
from .ops.misc_more import (nansum, nanmean, searchsorted, bucketize, isin, triu_indices, tril_indices, take_along_dim,
                            inner)
from .ops.cumulative_more import cummax, cummin, logcumsumexp
from .ops.scatter_reduce import scatter_reduce, index_reduce
from .ops.index_put import index_put, index_put_, put, index_copy, masked_scatter
from .ops.stats import (cov, corrcoef, quantile, nanquantile, nanmedian, histogram, trapezoid, trapz,
                        cumulative_trapezoid, gradient)
from .ops.misc_math import float_power, frexp, ldexp, renorm, vander
from ._linalg_more import matrix_exp, geqrf, cholesky_solve, cholesky_inverse, householder_product as orgqr
from ._linalg_ormqr import ormqr
from . import linalg
from ._lowrank import svd_lowrank, pca_lowrank
from .ops.special_more import i0, igamma, igammac, logaddexp2
from .ops.unravel import unravel_index
from ._api_activations import (selu, celu, threshold, rrelu, hardshrink, prelu, selu_, celu_, threshold_,  # noqa: F401
                               rrelu_)

__all__ = [
    "view_as", "reshape", "flatten", "unflatten", "squeeze", "unsqueeze", "expand", "broadcast_to",
    "broadcast_tensors", "broadcast_shapes",
    "transpose", "swapaxes", "swapdims", "t", "permute", "movedim", "moveaxis", "narrow", "select", "diagonal",
    "diagonal_scatter", "unbind", "split", "chunk", "tensor_split",
    "cat", "concat", "concatenate", "stack", "hstack", "vstack", "row_stack", "dstack", "column_stack", "atleast_1d",
    "atleast_2d", "atleast_3d", "tile", "repeat_interleave", "flip", "fliplr", "flipud", "roll", "tril", "triu",
    "diag", "diag_embed", "trace", "meshgrid",
    "index_select", "gather", "scatter", "scatter_add", "index_add", "index_fill", "masked_fill", "masked_select",
    "take", "nonzero", "argwhere", "where",
    "matmul", "mm", "bmm", "mv", "dot", "vdot", "outer", "ger", "addmm", "addmv", "baddbmm", "tensordot", "kron",
    "einsum",
    "max", "min", "amax", "amin", "aminmax", "argmax", "argmin", "prod", "var", "std", "var_mean", "std_mean",
    "norm", "dist", "logsumexp", "cumsum", "cumprod", "all", "any", "count_nonzero",
    "sort", "argsort", "msort", "topk", "kthvalue", "median", "mode", "unique", "unique_consecutive", "bincount",
    "histc",
    "log2", "log10", "log1p", "expm1", "exp2", "rsqrt", "square", "tan", "asin", "acos", "atan", "sinh", "cosh",
    "asinh", "acosh", "atanh", "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "erf", "erfc",
    "erfinv", "deg2rad", "rad2deg", "floor", "ceil", "trunc", "fix", "round", "frac",
    "log2_", "log10_", "log1p_", "expm1_", "exp2_", "rsqrt_", "square_", "tan_", "asin_", "acos_", "atan_", "sinh_",
    "cosh_", "asinh_", "acosh_", "atanh_", "erf_", "erfc_", "erfinv_", "floor_", "ceil_", "trunc_", "round_",
    "frac_", "deg2rad_", "rad2deg_",
    "clamp", "clip", "clamp_min", "clamp_max", "maximum", "minimum", "fmax", "fmin", "fmod", "remainder", "atan2",
    "arctan2", "hypot", "logaddexp", "xlogy", "copysign", "lerp", "addcmul", "addcdiv", "clamp_", "clip_",
    "clamp_min_", "clamp_max_",
    "isnan", "isinf", "isfinite", "isposinf", "isneginf", "isreal", "signbit", "nan_to_num", "sgn", "logical_and",
    "logical_or", "logical_xor", "logical_not", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not",
    "bitwise_left_shift", "bitwise_right_shift", "isclose", "allclose",
    "softmax", "log_softmax",
    "result_type", "can_cast", "cdist", "pdist", "block_diag", "cartesian_prod", "diff", "rot90", "cross",
    "det", "inverse", "logdet", "slogdet", "pinverse", "svd", "matrix_power", "cholesky", "qr",
    "lgamma", "digamma", "polygamma", "logit", "sinc", "heaviside", "nansum", "nanmean", "searchsorted", "bucketize",
    "isin", "triu_indices", "tril_indices", "take_along_dim", "inner", "ravel",
    "linalg",
    "cummax", "cummin", "logcumsumexp", "scatter_reduce", "index_reduce", "index_put", "index_put_", "put",
    "index_copy", "masked_scatter", "cov", "corrcoef", "quantile", "nanquantile", "nanmedian", "histogram",
    "trapezoid", "trapz", "cumulative_trapezoid", "gradient", "float_power", "frexp", "ldexp", "renorm", "vander",
    "matrix_exp", "geqrf", "cholesky_solve", "cholesky_inverse", "orgqr", "ormqr", "svd_lowrank", "pca_lowrank",
    "i0", "igamma", "igammac", "logaddexp2",
    "selu", "celu", "threshold", "rrelu", "hardshrink", "prelu", "selu_", "celu_", "threshold_", "rrelu_",
    "unravel_index",
]

from ._numpy_names import install_in_namespace as _numpy_names  # noqa: E402
_numpy_names(globals(), __all__)    # torch.argmax(x, axis=1), as torch's argument parser allows

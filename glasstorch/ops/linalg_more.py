"""The linear algebra torch keeps at the top level and as Tensor methods: ``det``, ``inverse``,
``logdet``, ``slogdet``, ``pinverse``, ``svd`` (U, S, V), ``matrix_power``, and the deprecated
``cholesky`` / ``qr``.  Most are ``torch.linalg`` under their old names."""
import numpy as np

from .. import linalg
from .._return_types import return_type
from ._common import _wrap

slogdet_ret = return_type("slogdet", ["sign", "logabsdet"])
svd_ret = return_type("svd", ["U", "S", "V"])
qr_ret = return_type("qr", ["Q", "R"])


def det(input):
    return linalg.det(input)


def inverse(input):
    return linalg.inv(input)


def logdet(input):
    """log det(A) from slogdet: nan where det(A) < 0 (and -inf where it is 0), as torch; for complex A
    the complex log, log(sign) + log|det A|."""
    from .select import where
    from .._linalg_half import no_low_precision
    from .._linalg_errors import square_float_input
    a = input._data
    square_float_input(a, "logdet: ")   # torch's checks, in its order, named "logdet" (not "linalg.")
    no_low_precision(a, "logdet")
    sign, logabs = linalg.slogdet(input)
    if input.is_complex():
        return sign.log() + logabs
    return where(sign == -1, _wrap(np.asarray(np.nan, logabs._data.dtype)), logabs)


def slogdet(input):
    return slogdet_ret(*linalg.slogdet(input))


def pinverse(input, rcond=1e-15):
    return linalg.pinv(input, rtol=rcond)


def svd(input, some=True, compute_uv=True):
    """(U, S, V) with A = U diag(S) V^T; ``some=False`` gives square U and V.  Without compute_uv,
    U and V are zeros of the full shapes, as torch."""
    from .._typed_args import check_all
    check_all("svd", ("some", some, "bool", 2), ("compute_uv", compute_uv, "bool", 3))
    a = input._data
    if not compute_uv:
        m, n = a.shape[-2:]
        z = np.zeros(a.shape[:-2] + (m, m), a.dtype), np.zeros(a.shape[:-2] + (n, n), a.dtype)
        return svd_ret(_wrap(z[0]), linalg.svdvals(input), _wrap(z[1]))
    u, s, vh = linalg.svd(input, full_matrices=not some)
    return svd_ret(u, s, vh.mH)


def int_exponent(n, who, position):
    """``n`` as torch's argument parser reads an int (a 0-d integer tensor too), or its TypeError."""
    from .._arg_parser import tp_name
    from .._tensor import Tensor
    if isinstance(n, Tensor) and n.dim() == 0 and n._data.dtype.kind in "iu":
        return int(n.item())
    if isinstance(n, (int, np.integer)) and not isinstance(n, bool):
        return int(n)
    raise TypeError(f"{who}(): argument 'n' (position {position}) must be int, not {tp_name(n)}")


def _contiguous():
    import glasstorch
    return glasstorch.contiguous_format


def matrix_power(input, n):
    """A^n by repeated squaring (the products in torch's order); n < 0 inverts first, n = 0 gives I."""
    from .matmul import matmul
    n = int_exponent(n, "matrix_power", 2)
    a = linalg._square(input, "matrix_power")
    if n == 0:      # as torch: I copied into a clone of A (a CopyBackwards node, zero gradient)
        eye = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)
        return input.clone(memory_format=_contiguous()).copy_(_wrap(np.array(eye)))
    if n == -1:
        return linalg.inv(input)
    if n < 0:
        input, n = linalg.inv(input), -n
    if n == 1:
        return input.clone()
    if n == 2:
        return matmul(input, input)
    if n == 3:
        return matmul(matmul(input, input), input)
    z = result = None
    while n > 0:
        z = input if z is None else matmul(z, z)
        if n & 1:
            result = z if result is None else matmul(result, z)
        n >>= 1
    return result


_CHOLESKY_DEPRECATED = (
    "torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a future PyTorch "
    "release.\nL = torch.cholesky(A)\nshould be replaced with\nL = torch.linalg.cholesky(A)\nand\nU = "
    "torch.cholesky(A, upper=True)\nshould be replaced with\nU = torch.linalg.cholesky(A).mH\nThis transform "
    "will produce equivalent results for all valid (symmetric positive definite) inputs. (Triggered internally at "
    "/__w/pytorch/pytorch/aten/src/ATen/native/BatchLinearAlgebra.cpp:1765.)")
_QR_DEPRECATED = (
    "torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future PyTorch release.\nThe "
    "boolean parameter 'some' has been replaced with a string parameter 'mode'.\nQ, R = torch.qr(A, some)\n"
    "should be replaced with\nQ, R = torch.linalg.qr(A, 'reduced' if some else 'complete') (Triggered internally at "
    "/__w/pytorch/pytorch/aten/src/ATen/native/BatchLinearAlgebra.cpp:2505.)")


class CholeskyBackward0(linalg.LinalgCholeskyExBackward0):
    """L = cholesky(A) (the deprecated name)   ->   as linalg.cholesky"""
    __slots__ = ()


def cholesky(input, upper=False):
    from .._typed_args import check
    from .._user_warning import warn_once
    check("cholesky", "upper", upper, position=2)         # the parser refuses before the op warns
    warn_once("cholesky", _CHOLESKY_DEPRECATED)          # torch warns once per process
    from ..autograd._no_forward_ad import refuse_forward_ad
    refuse_forward_ad("cholesky", input)                 # the old entry point has no forward formula
    r = linalg._cholesky(input, upper, "cholesky", True)[0]
    if r.grad_fn is not None and not input.is_complex():    # the complex node only refuses
        r.grad_fn.__class__ = CholeskyBackward0     # torch's old entry point names its node apart
    return r


def qr(input, some=True):
    from .._user_warning import warn_once
    warn_once("qr", _QR_DEPRECATED)                       # torch warns once per process
    return qr_ret(*linalg.qr(input, "reduced" if some else "complete"))


__all__ = ["det", "inverse", "logdet", "slogdet", "pinverse", "svd", "matrix_power", "cholesky", "qr"]

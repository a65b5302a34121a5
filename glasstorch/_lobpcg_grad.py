"""The gradient of ``torch.lobpcg`` (A requiring grad, B = I), as torch's ``torch/_lobpcg.py`` computes it:
a custom autograd Function (grad_fn ``LOBPCGAutogradFunctionBackward``) whose backward is the
symmetric eigendecomposition's, for the k computed eigenpairs (D, U) only.

Complete eigenspace (k = m):  dA = U (diag(dD) + (U^T dU) * F) U^T,  F_ij = 1 / (D_j - D_i), F_ii = 0.
Partial (k < m): the complete-space term, minus the part of dU that leaks into the orthogonal
complement, found through the characteristic polynomial p(x) = prod_i (x - D_i) of the computed
eigenvalues evaluated at A, on a random basis of the complement (a fresh unseeded Generator, as torch).
"""
import glasstorch as torch
from glasstorch import Tensor


def _symeig_backward_complete_eigenspace(D_grad, U_grad, A, D, U):
    F = D.unsqueeze(-2) - D.unsqueeze(-1)
    F.diagonal(dim1=-2, dim2=-1).fill_(float('inf'))
    F.pow_(-1)
    Ut = U.mT.contiguous()
    res = torch.matmul(U, torch.matmul(torch.diag_embed(D_grad) + torch.matmul(Ut, U_grad) * F, Ut))
    return res

def _polynomial_coefficients_given_roots(roots):
    poly_order = roots.shape[-1]
    poly_coeffs_shape = list(roots.shape)
    poly_coeffs_shape[-1] += 2
    poly_coeffs = roots.new_zeros(poly_coeffs_shape)
    poly_coeffs[..., 0] = 1
    poly_coeffs[..., -1] = 1
    for i in range(1, poly_order + 1):
        poly_coeffs_new = poly_coeffs.clone() if roots.requires_grad else poly_coeffs
        out = poly_coeffs_new.narrow(-1, poly_order - i, i + 1)
        out -= roots.narrow(-1, i - 1, 1) * poly_coeffs.narrow(-1, poly_order - i + 1, i + 1)
        poly_coeffs = poly_coeffs_new
    return poly_coeffs.narrow(-1, 1, poly_order + 1)

def _polynomial_value(poly, x, zero_power, transition):
    res = zero_power.clone()
    for k in range(poly.size(-1) - 2, -1, -1):
        res = transition(res, x, poly[..., k])
    return res

def _matrix_polynomial_value(poly, x, zero_power=None):

    def transition(curr_poly_val, x, poly_coeff):
        res = x.matmul(curr_poly_val)
        res.diagonal(dim1=-2, dim2=-1).add_(poly_coeff.unsqueeze(-1))
        return res
    if zero_power is None:
        zero_power = torch.eye(x.size(-1), x.size(-1), dtype=x.dtype, device=x.device).view(*[1] * len(list(x.shape[:-2])), x.size(-1), x.size(-1))
    return _polynomial_value(poly, x, zero_power, transition)

def _vector_polynomial_value(poly, x, zero_power=None):

    def transition(curr_poly_val, x, poly_coeff):
        res = torch.addcmul(poly_coeff.unsqueeze(-1), x, curr_poly_val)
        return res
    if zero_power is None:
        zero_power = x.new_ones(1).expand(x.shape)
    return _polynomial_value(poly, x, zero_power, transition)

def _symeig_backward_partial_eigenspace(D_grad, U_grad, A, D, U, largest):
    Ut = U.mT.contiguous()
    proj_U_ortho = -U.matmul(Ut)
    proj_U_ortho.diagonal(dim1=-2, dim2=-1).add_(1)
    gen = torch.Generator(A.device)
    U_ortho = proj_U_ortho.matmul(torch.randn((*A.shape[:-1], A.size(-1) - D.size(-1)), dtype=A.dtype, device=A.device, generator=gen))
    U_ortho_t = U_ortho.mT.contiguous()
    chr_poly_D = _polynomial_coefficients_given_roots(D)
    U_grad_projected = U_grad
    series_acc = U_grad_projected.new_zeros(U_grad_projected.shape)
    for k in range(1, chr_poly_D.size(-1)):
        poly_D = _vector_polynomial_value(chr_poly_D[..., k:], D)
        series_acc += U_grad_projected * poly_D.unsqueeze(-2)
        U_grad_projected = A.matmul(U_grad_projected)
    chr_poly_D_at_A = _matrix_polynomial_value(chr_poly_D, A)
    chr_poly_D_at_A_to_U_ortho = torch.matmul(U_ortho_t, torch.matmul(chr_poly_D_at_A, U_ortho))
    chr_poly_D_at_A_to_U_ortho_sign = -1 if largest and k % 2 == 1 else +1
    chr_poly_D_at_A_to_U_ortho_L = torch.linalg.cholesky(chr_poly_D_at_A_to_U_ortho_sign * chr_poly_D_at_A_to_U_ortho)
    res = _symeig_backward_complete_eigenspace(D_grad, U_grad, A, D, U)
    res -= U_ortho.matmul(chr_poly_D_at_A_to_U_ortho_sign * torch.cholesky_solve(U_ortho_t.matmul(series_acc), chr_poly_D_at_A_to_U_ortho_L)).matmul(Ut)
    return res

def _symeig_backward(D_grad, U_grad, A, D, U, largest):
    if U.size(-1) == U.size(-2):
        return _symeig_backward_complete_eigenspace(D_grad, U_grad, A, D, U)
    else:
        return _symeig_backward_partial_eigenspace(D_grad, U_grad, A, D, U, largest)

class LOBPCGAutogradFunction(torch.autograd.Function):

    @staticmethod
    def forward(ctx, A: Tensor, k: int | None=None, B: Tensor | None=None, X: Tensor | None=None, n: int | None=None, iK: Tensor | None=None, niter: int | None=None, tol: float | None=None, largest: bool | None=None, method: str | None=None, tracker: None=None, ortho_iparams: dict[str, int] | None=None, ortho_fparams: dict[str, float] | None=None, ortho_bparams: dict[str, bool] | None=None) -> tuple[Tensor, Tensor]:
        A = A.contiguous() if not A.is_sparse else A
        if B is not None:
            B = B.contiguous() if not B.is_sparse else B
        from ._lobpcg import _lobpcg
        D, U = _lobpcg(A, k, B, X, n, iK, niter, tol, largest, method, tracker, ortho_iparams, ortho_fparams, ortho_bparams)
        ctx.save_for_backward(A, B, D, U)
        ctx.largest = largest
        return (D, U)

    @staticmethod
    def backward(ctx, D_grad, U_grad):
        A_grad = B_grad = None
        grads = [None] * 14
        A, B, D, U = ctx.saved_tensors
        largest = ctx.largest
        if A.is_sparse or (B is not None and B.is_sparse and ctx.needs_input_grad[2]):
            raise ValueError('lobpcg.backward does not support sparse input yet. Note that lobpcg.forward does though.')
        if A.dtype in (torch.complex64, torch.complex128) or (B is not None and B.dtype in (torch.complex64, torch.complex128)):
            raise ValueError('lobpcg.backward does not support complex input yet. Note that lobpcg.forward does though.')
        if B is not None:
            raise ValueError('lobpcg.backward does not support backward with B != I yet.')
        if largest is None:
            largest = True
        if B is None:
            A_grad = _symeig_backward(D_grad, U_grad, A, D, U, largest)
        grads[0] = A_grad
        grads[2] = B_grad
        return tuple(grads)

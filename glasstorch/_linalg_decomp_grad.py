"""Backward of the decompositions ``linalg.eigh`` / ``eigvalsh``, ``linalg.eig`` / ``eigvals``,
``linalg.svd`` / ``svdvals`` and ``linalg.qr`` (real or complex), as torch's ``linalg_eig_backward``,
``svd_backward`` and ``linalg_qr_backward``.  Each is one node with several outputs, carried by all
of them (torch's ``LinalgEighBackward0``, ``LinalgEigBackward0``, ``LinalgSvdBackward0``,
``LinalgQrBackward0``); an output whose gradient never arrives counts as "undefined" in the formulas
(``None`` here), and the formulas are written in torch's complex-gradient convention.

The backward works on tensors (wrapping the engine's plain arrays), so that ``create_graph`` gets a
differentiable gradient for free.
"""
import numpy as np

from .autograd.graph import MODE, Node
from .ops._common import GRAD, _wrap, edge


def record(node, outs, A):
    """Save ``outs`` on ``node`` (the formulas use the results) and attach it (see ``attach``)."""
    node.save(*outs)
    node._own_outputs = {nr: (node, nr) for nr in range(len(outs))}     # (for the version error's wording)
    attach(node, outs, A)


def attach(node, outs, A):
    """Make ``node`` the grad_fn of every tensor in ``outs``, with one edge to ``A``."""
    node.next_functions = (edge(A),)
    node._shape = [o._data.shape for o in outs]
    node._dtype = [o._data.dtype for o in outs]
    for nr, o in enumerate(outs):
        o.grad_fn, o._rg, o._out_nr = node, True, nr


def wants_grad(A):
    return GRAD.enabled and A._rg


class _DecompNode(Node):
    """Shared plumbing: the engine's arrays in, tensors through the formula, arrays back out."""
    __slots__ = ()
    materialize_grads = False     # torch's formulas branch on which outputs got a gradient: keep None

    def backward(self, grads):
        plain = not MODE.create
        wrap = (lambda x: None if x is None else _wrap(np.asarray(x))) if plain else (lambda x: x)
        saved = [wrap(x) for x in self.saved()]
        gA = self.formula([wrap(g) for g in grads], *saved)
        return (None if gA is None else (gA._data if plain else gA),)


def _off_diagonal_ratio(num, den):
    """num / den with den's diagonal set to 1 (torch's ``E`` matrices: only 0 / 1 lands there)."""
    den = den.clone()
    den.diagonal(0, -2, -1).fill_(1.0)
    return num / den


class LinalgEighBackward0(_DecompNode):
    """A = V diag(L) V^H   ->   gA = V (diag(gL) + skew(V^H gV) / 2 / E) V^H,  E_ij = L_j - L_i
    (only gL: gA = V diag(gL) V^H, the eigvalsh case)."""
    __slots__ = ()
    _nout = 2
    _complex_ready = True         # torch's complex convention already

    def formula(self, grads, L, V):
        gL, gV = grads
        if gL is None and gV is None:
            return None
        if gV is None:
            return (V * gL.unsqueeze(-2)) @ V.mH
        VhgV = V.mH @ gV
        _check_phase(VhgV.diagonal(0, -2, -1), "linalg_eigh_backward: The eigenvectors in the complex case are "
                     "specified up to multiplication by e^{i phi}. The specified loss function depends on this "
                     "quantity, so it is ill-defined.")
        VhgV = 0.5 * (VhgV - VhgV.mH)       # onto the skew-Hermitian matrices (V stays unitary)
        gA = _off_diagonal_ratio(VhgV, L.unsqueeze(-2) - L.unsqueeze(-1))
        if gL is not None:
            gA = gA - gA.diagonal(0, -2, -1).diag_embed() + gL.diag_embed()
        return V @ (gA @ V.mH)


def _check_phase(diag, message, other=None):
    """Complex eigen/singular vectors are defined up to a phase: a loss that sees it has no gradient
    (torch's check: Im(diag) == -Im(other diag), or 0, within 1e-2)."""
    def imag(x):
        return 0.0 if x is None or not x.is_complex() else np.asarray(x.imag._data)
    if not np.allclose(imag(diag), -imag(other), rtol=1e-2, atol=1e-2):
        raise RuntimeError(message)


class LinalgSvdBackward0(_DecompNode):
    """A = U diag(S) Vh   ->   gA = U [(skew(U^T gU) / E) S + S (skew(V^T gV) / E) + diag(gS)] Vh, E_jk =
    S_k^2 - S_j^2, plus (I - U U^T) gU S^-1 Vh for tall A and U S^-1 gVh (I - V V^T) for wide A.  With
    full_matrices, only the first k = min(m, n) columns of U (rows of Vh) take part."""
    __slots__ = ("full",)
    _nout = 3
    _complex_ready = True         # torch's complex convention already

    def formula(self, grads, U, S, Vh):
        gU, gS, gVh = grads
        if gU is None and gS is None and gVh is None:
            return None
        k = S.shape[-1]
        if self.full:
            U, Vh = U[..., :k], Vh[..., :k, :]
            gU = None if gU is None else gU[..., :k]
            gVh = None if gVh is None else gVh[..., :k, :]
        m, n = U.shape[-2], Vh.shape[-1]
        if gU is None and gVh is None:           # svdvals: U diag(gS) Vh
            return U @ (gS.unsqueeze(-1) * Vh) if m >= n else (U * gS.unsqueeze(-2)) @ Vh
        S2 = S * S
        E = S2.unsqueeze(-2) - S2.unsqueeze(-1)
        UhgU = None if gU is None else U.mH @ gU - (U.mH @ gU).mH
        VhgV = None if gVh is None else Vh @ gVh.mH - (Vh @ gVh.mH).mH
        if U.is_complex():
            _check_phase(None if UhgU is None else UhgU.diagonal(0, -2, -1),
                         "svd_backward: The singular vectors in the complex case are specified up to multiplication "
                         "by e^{i phi}. The specified loss function depends on this phase term, making it "
                         "ill-defined.", None if VhgV is None else VhgV.diagonal(0, -2, -1))
        if UhgU is not None and VhgV is not None:
            gA = _off_diagonal_ratio(UhgU * S.unsqueeze(-2) + S.unsqueeze(-1) * VhgV, E)
        elif VhgV is None:
            gA = _off_diagonal_ratio(UhgU, E) * S.unsqueeze(-2)
        else:
            gA = S.unsqueeze(-1) * _off_diagonal_ratio(VhgV, E)
        if gS is not None:
            gA = gA + gS.diag_embed()
        if U.is_complex() and gU is not None and gVh is not None:
            gA = gA + (UhgU.diagonal(0, -2, -1) / (2.0 * S)).diag_embed()
        if m > n and gU is not None:
            gUSinv = gU / S.unsqueeze(-2)
            return (U @ gA + gUSinv - U @ (U.mH @ gUSinv)) @ Vh
        if m < n and gVh is not None:
            SinvgVh = gVh / S.unsqueeze(-1)
            return U @ (gA @ Vh + SinvgVh - (SinvgVh @ Vh.mH) @ Vh)
        return U @ (gA @ Vh) if m >= n else (U @ gA) @ Vh


class LinalgQrBackward0(_DecompNode):
    """A = Q R   ->   with M = gR R^H - Q^H gQ:  tall/square A: gA = (Q sym(triu(M)) + gQ) R^-H (sym
    halving the diagonal); wide A: gA = [Q tril(M^H - M) R1^-H, 0] + Q gR, R1 the square part of R."""
    __slots__ = ("mode",)
    _nout = 2
    _complex_ready = True         # torch's complex convention already

    def formula(self, grads, Q, R):
        from ._linalg_more import solve_triangular
        gQ, gR = grads
        if self.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
                               "Please use linalg.qr(A, mode='reduced') if you are going to differentiate "
                               "through linalg.qr.")
        m, n = Q.shape[-2], R.shape[-1]
        if self.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and "
                               "nrows > ncols.")
        if gQ is None and gR is None:
            return None
        if gQ is None:
            M = gR @ R.mH
        else:
            M = -(Q.mH @ gQ) if gR is None else gR @ R.mH - Q.mH @ gQ
        if m >= n:
            T = M.triu()
            T = T + T.mH
            T = T - 0.5 * T.diagonal(0, -2, -1).real.diag_embed()      # the real part of the diagonal halved
            gA = Q @ T
            if gQ is not None:
                gA = gA + gQ
            return solve_triangular(R.mH, gA, upper=False, left=False)
        T = (M.mH - M).tril()
        if T.is_complex():                                              # the imaginary part of the diagonal halved
            T = T - 0.5j * T.diagonal(0, -2, -1).imag.diag_embed()
        gA = solve_triangular(R[..., :m].mH, Q @ T, upper=False, left=False)
        from .ops.join import cat
        gA = cat([gA, gA.new_zeros(gA.shape[:-1] + (n - m,))], -1)
        return gA if gR is None else gA + Q @ gR


class LinalgEigBackward0(_DecompNode):
    """A = V diag(L) V^-1 (complex L, V; columns of V of norm 1)   ->
    gA = V^-H (diag(gL) + (V^H gV - V^H V Re(diag(V^H gV))) / conj(E)) V^H,  E_ij = L_j - L_i;
    only gL (eigvals): gA = V^-H diag(gL) V^H.  A real A keeps the real part (the engine's rule)."""
    __slots__ = ()
    _nout = 2
    _complex_ready = True         # written in torch's complex convention already: no conjugated twin

    def formula(self, grads, L, V):
        from .linalg import solve
        gL, gV = grads
        if gL is None and gV is None:
            return None
        Vh = V.mH
        if gV is None:
            return solve(Vh, gL.unsqueeze(-1) * Vh)
        VhgV = Vh @ gV
        diag = VhgV.diagonal(0, -2, -1)
        _check_phase(diag, "linalg_eig_backward: The eigenvectors in the complex case are specified up to "
                     "multiplication by e^{i phi}. The specified loss function depends on this quantity, so it is "
                     "ill-defined.")
        VhgV = VhgV - Vh @ (V * diag.real.unsqueeze(-2))
        Lc = L.conj()
        gA = _off_diagonal_ratio(VhgV, Lc.unsqueeze(-2) - Lc.unsqueeze(-1))
        if gL is not None:
            gA = gA - gA.diagonal(0, -2, -1).diag_embed() + gL.diag_embed()
        return solve(Vh, gA @ Vh)

"""``torch.lobpcg``: the k largest (or smallest) eigenpairs of a symmetric (generalized, with B)
eigenproblem A X = B X E by LOBPCG, with torch's argument handling, defaults (tol = sqrt(eps),
niter 1000, method "ortho") and random start X = randn(m, n) drawn from the default generator, so
the same seed gives torch's iterates.  The worker is ``_lobpcg_worker.py``."""
import glasstorch as torch

from ._lobpcg_worker import LOBPCG, LOBPCG_call_tracker, LOBPCG_call_tracker_orig, get_floating_dtype

__all__ = ["lobpcg"]


def lobpcg(A, k=None, B=None, X=None, n=None, iK=None, niter=None, tol=None, largest=None, method=None,
           tracker=None, ortho_iparams=None, ortho_fparams=None, ortho_bparams=None):
    """(E, X): the k extreme eigenvalues of A X = B X E and their B-orthonormal eigenvectors."""
    if A.requires_grad or (B is not None and B.requires_grad):
        from ._lobpcg_grad import LOBPCGAutogradFunction    # the symmetric parts carry the gradient
        A_sym = (A + A.mT) / 2
        B_sym = (B + B.mT) / 2 if (B is not None) else None
        return LOBPCGAutogradFunction.apply(A_sym, k, B_sym, X, n, iK, niter, tol, largest, method, tracker,
                                            ortho_iparams, ortho_fparams, ortho_bparams)
    return _lobpcg(A, k, B, X, n, iK, niter, tol, largest, method, tracker, ortho_iparams, ortho_fparams,
                   ortho_bparams)


def _lobpcg(A, k=None, B=None, X=None, n=None, iK=None, niter=None, tol=None, largest=None, method=None,
            tracker=None, ortho_iparams=None, ortho_fparams=None, ortho_bparams=None):
    if A.shape[-2] != A.shape[-1]:
        raise AssertionError(f"A must be square, got shape {A.shape}")
    if B is not None:
        if A.shape != B.shape:
            raise AssertionError(f"A and B must have same shape, got {A.shape} vs {B.shape}")
    dtype = get_floating_dtype(A)
    if tol is None:
        feps = {torch.float32: 1.2e-07, torch.float64: 2.23e-16}[dtype]
        tol = feps ** 0.5
    m = A.shape[-1]
    k = (1 if X is None else X.shape[-1]) if k is None else k
    n = (k if n is None else n) if X is None else X.shape[-1]
    if m < 3 * n:
        raise ValueError(f"LOBPCG algorithm is not applicable when the number of A rows (={m})"
                         f" is smaller than 3 x the number of requested eigenpairs (={n})")
    method = "ortho" if method is None else method
    iparams = {"m": m, "n": n, "k": k, "niter": 1000 if niter is None else niter}
    fparams = {"tol": tol}
    bparams = {"largest": True if largest is None else largest}
    if method == "ortho":
        if ortho_iparams is not None:
            iparams.update(ortho_iparams)
        if ortho_fparams is not None:
            fparams.update(ortho_fparams)
        if ortho_bparams is not None:
            bparams.update(ortho_bparams)
        iparams["ortho_i_max"] = iparams.get("ortho_i_max", 3)
        iparams["ortho_j_max"] = iparams.get("ortho_j_max", 3)
        fparams["ortho_tol"] = fparams.get("ortho_tol", tol)
        fparams["ortho_tol_drop"] = fparams.get("ortho_tol_drop", tol)
        fparams["ortho_tol_replace"] = fparams.get("ortho_tol_replace", tol)
        bparams["ortho_use_drop"] = bparams.get("ortho_use_drop", False)
    LOBPCG.call_tracker = LOBPCG_call_tracker
    try:
        if len(A.shape) > 2:
            N = int(torch.prod(torch.tensor(A.shape[:-2])))
            bA = A.reshape((N,) + A.shape[-2:])
            bB = B.reshape((N,) + A.shape[-2:]) if B is not None else None
            bX = X.reshape((N,) + X.shape[-2:]) if X is not None else None
            bE = torch.empty((N, k), dtype=dtype)
            bXret = torch.empty((N, m, k), dtype=dtype)
            for i in range(N):
                A_ = bA[i]
                B_ = bB[i] if bB is not None else None
                X_ = torch.randn((m, n), dtype=dtype) if bX is None else bX[i]
                if not (len(X_.shape) == 2 and X_.shape == (m, n)):
                    raise AssertionError(f"X_ shape mismatch: got {X_.shape}, expected {(m, n)}")
                iparams["batch_index"] = i
                worker = LOBPCG(A_, B_, X_, iK, iparams, fparams, bparams, method, tracker)
                worker.run()
                bE[i] = worker.E[:k]
                bXret[i] = worker.X[:, :k]
            return bE.reshape(A.shape[:-2] + (k,)), bXret.reshape(A.shape[:-2] + (m, k))
        X = torch.randn((m, n), dtype=dtype) if X is None else X
        if not (len(X.shape) == 2 and X.shape == (m, n)):
            raise AssertionError(f"X shape mismatch: got {X.shape}, expected {(m, n)}")
        worker = LOBPCG(A, B, X, iK, iparams, fparams, bparams, method, tracker)
        worker.run()
        return worker.E[:k], worker.X[:, :k]
    finally:
        LOBPCG.call_tracker = LOBPCG_call_tracker_orig

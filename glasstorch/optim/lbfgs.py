"""``torch.optim.LBFGS``: limited-memory BFGS on all parameters flattened into one vector.

Each ``step(closure)`` runs up to ``max_iter`` iterations.  An iteration builds the search
direction d = -H g with the two-loop recursion over the last ``history_size`` pairs
(s = t d, y = g_new - g_old, kept when y.s > 1e-10), then moves by t d, either with a fixed
t (``lr``; the first iteration uses min(1, 1/|g|_1) * lr) or with a strong-Wolfe line search.

The vectors are NumPy arrays of the parameters' dtype and the scalars NumPy 0-d values of that
dtype, which round and promote as torch's 0-d tensors do (a Python number next to a float32
value is rounded to float32 first).  ``state`` holds them as tensors, under torch's keys.

Every operation rounds as torch's does, so that trajectories match torch's bit for bit rather
than drifting apart over the quasi-Newton iterations: dot products, the sum and the line
search's square root follow torch's CPU kernels (``_blas_order``: MKL's summation order and
its not correctly rounded ``sqrt``), ``add_(alpha=)`` is a fused multiply-add in float64 too,
and a Python number divided by a tensor is ``reciprocal() * number``, as in torch.
"""
import numpy as np

from .._rng_fma import fma64
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import no_grad
from ._blas_order import dot, sqrt, sum1d
from ._functional import as_real, fma as _fma32
from ._validate import check_lr
from .optimizer import Optimizer, _lr_value

__all__ = ["LBFGS"]


def fma(a, b, c):
    """``c.add_(b, alpha=a)``: torch's kernel is one fused multiply-add, float32 and float64."""
    if np.asarray(c).dtype == np.float64:
        return fma64(a, b, c)
    return _fma32(a, b, c)


def _rdiv(num, den):
    """``num / den`` for a Python number ``num``.  When ``den`` is a tensor in torch (a NumPy
    value here), torch's ``__rtruediv__`` computes ``den.reciprocal() * num``: two roundings."""
    if isinstance(den, np.generic):
        return np.reciprocal(den) * num
    return num / den


def _cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    """Minimiser of the cubic through (x1, f1) and (x2, f2) with slopes g1, g2, kept in bounds."""
    if bounds is not None:
        xmin_bound, xmax_bound = bounds
    else:
        xmin_bound, xmax_bound = (x1, x2) if x1 <= x2 else (x2, x1)
    d1 = g1 + g2 - _rdiv(3 * (f1 - f2), x1 - x2)
    d2_square = d1 ** 2 - g1 * g2
    if d2_square >= 0:
        d2 = sqrt(d2_square)
        if x1 <= x2:
            min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(min_pos, xmin_bound), xmax_bound)
    return (xmin_bound + xmax_bound) / 2.0


def _strong_wolfe(obj_func, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """Find t with sufficient decrease (c1) and curvature (c2): bracket, then zoom."""
    d_norm = np.abs(d).max()
    g = g.copy()
    f_new, g_new = obj_func(x, t, d)
    ls_func_evals = 1
    gtd_new = dot(g_new, d)
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    # phase 1: grow t until a bracket [t_prev, t] holds a point satisfying the conditions
    while ls_iter < max_ls:
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        min_step = t + 0.01 * (t - t_prev)
        max_step = t * 10
        tmp = t
        t = _cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(min_step, max_step))
        t_prev, f_prev, g_prev, gtd_prev = tmp, f_new, g_new.copy(), gtd_new
        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = dot(g_new, d)
        ls_iter += 1
    if ls_iter == max_ls:
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]

    # phase 2: zoom into the bracket by cubic interpolation
    insuf_progress = False
    low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1])
        # too close to an end of the bracket (or outside it): move t away from it
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            if insuf_progress or t >= max(bracket) or t <= min(bracket):
                if abs(t - max(bracket)) < abs(t - min(bracket)):
                    t = max(bracket) - eps
                else:
                    t = min(bracket) + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False
        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = dot(g_new, d)
        ls_iter += 1
        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low_pos]:
            bracket[high_pos], bracket_f[high_pos] = t, f_new
            bracket_g[high_pos], bracket_gtd[high_pos] = g_new.copy(), gtd_new
            low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0:
                bracket[high_pos], bracket_f[high_pos] = bracket[low_pos], bracket_f[low_pos]
                bracket_g[high_pos], bracket_gtd[high_pos] = bracket_g[low_pos], bracket_gtd[low_pos]
            bracket[low_pos], bracket_f[low_pos] = t, f_new
            bracket_g[low_pos], bracket_gtd[low_pos] = g_new.copy(), gtd_new
    return bracket_f[low_pos], bracket_g[low_pos], bracket[low_pos], ls_func_evals


def _as_tensor(v):
    """State values: arrays and 0-d NumPy values become tensors, as they are tensors in torch."""
    if isinstance(v, list):
        return [_as_tensor(x) for x in v]
    if isinstance(v, (np.ndarray, np.generic)):
        return _wrap(np.array(v))
    return v


def _as_array(v):
    if isinstance(v, list):
        return [_as_array(x) for x in v]
    if isinstance(v, Tensor):
        d = v._data
        return d[()] if d.ndim == 0 else d
    return v


class LBFGS(Optimizer):
    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9,
                 history_size=100, line_search_fn=None):
        check_lr(lr)
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = dict(lr=lr, max_iter=max_iter, max_eval=max_eval, tolerance_grad=tolerance_grad,
                        tolerance_change=tolerance_change, history_size=history_size, line_search_fn=line_search_fn)
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]
        self._numel_cache = None

    def _numel(self):
        if self._numel_cache is None:
            self._numel_cache = sum(as_real(p._data).size for p in self._params)   # complex: two reals
        return self._numel_cache

    def _gather_flat_grad(self):
        return np.concatenate([as_real(np.zeros(p._data.size, p._data.dtype) if p._grad is None
                                       else p._grad._data).ravel() for p in self._params])

    def _add_grad(self, step_size, update):
        """p += step_size * update, slice by slice (torch's ``add_(alpha=)``: a fused multiply-add)."""
        offset = 0
        for p in self._params:
            x = as_real(p._data)
            n = x.size
            alpha = x.dtype.type(step_size)
            np.copyto(x, fma(alpha, update[offset:offset + n].reshape(x.shape), x))
            p._vc[0] += 1
            offset += n

    def _clone_param(self):
        return [p._data.copy() for p in self._params]

    def _set_param(self, params_data):
        for p, data in zip(self._params, params_data):
            np.copyto(p._data, data)
            p._vc[0] += 1

    def _directional_evaluate(self, closure, x, t, d):
        self._add_grad(t, d)
        loss = float(closure())
        flat_grad = self._gather_flat_grad()
        self._set_param(x)
        return loss, flat_grad

    @no_grad()
    def step(self, closure):
        """Run up to ``max_iter`` iterations; ``closure`` clears gradients, computes the loss,
        calls ``backward()`` and returns the loss.  Like torch's, the step runs under ``no_grad``
        (only the closure gets grad mode back), so reading the loss as a float does not warn."""
        from ..autograd.grad_mode import enable_grad
        group = self.param_groups[0]
        lr = _lr_value(group["lr"])
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        line_search_fn, history_size = group["line_search_fn"], group["history_size"]

        def evaluate():
            with enable_grad():
                return closure()

        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        orig_loss = evaluate()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._gather_flat_grad()
        if np.abs(flat_grad).max() <= tolerance_grad:
            return orig_loss

        d, t = _as_array(state.get("d")), _as_array(state.get("t"))
        old_dirs, old_stps = _as_array(state.get("old_dirs")), _as_array(state.get("old_stps"))
        ro, H_diag = _as_array(state.get("ro")), _as_array(state.get("H_diag"))
        prev_flat_grad, prev_loss = _as_array(state.get("prev_flat_grad")), state.get("prev_loss")
        al = _as_array(state.get("al"))
        opt_cond = False
        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro = [], [], []
                H_diag = 1
            else:
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = dot(y, s)
                if ys > 1e-10:
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(np.reciprocal(ys))      # torch's `1.0 / tensor`
                    H_diag = ys / dot(y, y)
                num_old = len(old_dirs)
                if al is None:
                    al = [None] * history_size
                    state["al"] = al          # torch makes this key here, before "d"
                # two-loop recursion: q = -g, then d = H q
                q = -flat_grad
                for i in range(num_old - 1, -1, -1):
                    al[i] = dot(old_stps[i], q) * ro[i]
                    q = fma(q.dtype.type(-al[i]), old_dirs[i], q)
                d = r = q * H_diag
                for i in range(num_old):
                    be_i = dot(old_dirs[i], r) * ro[i]
                    r = d = fma(r.dtype.type(al[i] - be_i), old_stps[i], r)
            prev_flat_grad = flat_grad.copy()
            prev_loss = loss
            if state["n_iter"] == 1:
                t = min(1.0, np.reciprocal(sum1d(np.abs(flat_grad)))) * lr
            else:
                t = lr
            gtd = dot(flat_grad, d)
            if gtd > -tolerance_change:
                break
            ls_func_evals = 0
            if line_search_fn is not None:
                if line_search_fn != "strong_wolfe":
                    raise RuntimeError("only 'strong_wolfe' is supported")
                x_init = self._clone_param()

                def obj_func(x, t, d):
                    return self._directional_evaluate(evaluate, x, t, d)
                loss, flat_grad, t, ls_func_evals = _strong_wolfe(obj_func, x_init, t, d, loss, flat_grad, gtd,
                                                                  max_ls=max_eval - current_evals)
                self._add_grad(t, d)
                opt_cond = np.abs(flat_grad).max() <= tolerance_grad
            else:
                self._add_grad(t, d)
                if n_iter != max_iter:
                    loss = float(evaluate())
                    flat_grad = self._gather_flat_grad()
                    opt_cond = np.abs(flat_grad).max() <= tolerance_grad
                    ls_func_evals = 1
            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals
            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if np.abs(d * t).max() <= tolerance_change:
                break
            if abs(loss - prev_loss) < tolerance_change:
                break

        state["d"], state["t"] = _as_tensor(d), _as_tensor(t)
        state["old_dirs"], state["old_stps"] = _as_tensor(old_dirs), _as_tensor(old_stps)
        state["ro"], state["H_diag"] = _as_tensor(ro), _as_tensor(H_diag)
        state["prev_flat_grad"], state["prev_loss"] = _as_tensor(prev_flat_grad), prev_loss
        if al is not None:
            state["al"] = _as_tensor(al)
        return orig_loss

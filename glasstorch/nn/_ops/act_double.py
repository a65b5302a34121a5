"""Double backward of the smooth activations through torch's own nodes (derivatives.yaml).

torch computes their first-order gradients with backward kernels (``elu_backward``,
``gelu_backward``, ``log_sigmoid_backward``, ``hardswish_backward``, ``glu_backward``); under
``create_graph`` the gradient hangs from ``<Kernel>Backward0`` with edges to the incoming gradient g
and the saved input x.  The first-order value is the kernel's (``first.kernel`` on the arrays); the
second-order formulas below are torch's, written with tensor ops (``with_tensors`` runs them on
arrays too), so their rounding is torch's:

elu (scale s, alpha a, input scale i):   dg = elu_backward(gg, x)
    dx = elu_backward(gg g i, x) [x < 0]       (from the input)
    dx = gg g i [y < 0]                        (in place: from the result y)
gelu, exact:   dx = gg g (2 p - x^2 p),   p = exp(-x^2 / 2) / sqrt(2 pi)
gelu, tanh:    dx = gg g (2 f'gh + g'fh + h'fg),   f = x / 2,  g = 1 - tanh(u)^2,  h = u',
               u = b (x + k x^3)   (torch's gelu_double_backward, term by term)
logsigmoid:    dx = (gg g) (s - 1) s,   s = sigmoid(x)
hardswish:     dx = gg g / 3 on (-3, 3), 0 elsewhere
glu, x = [a, b], s = sigmoid(b):
    dg = sum of the halves of gg * glu_backward(1, x)
    da = gg_b g s (1 - s),   db = gg_b a g (s (1 - s)(1 - s) - s s (1 - s)) + gg_a g s (1 - s)
"""
import math


from ...autograd.graph import Node
from ...ops.kernel_double import is_arr, kernel_backward, with_tensors


def _mask(x, cond):
    """cond as 0 / 1 of x's dtype (type_as: a product with it keeps NaN and inf)."""
    return cond.to(x.dtype)


# ---- elu family -----------------------------------------------------------------------------------
class EluBackwardBackward0(Node):
    """z = elu_backward(g, x)   ->   dg = elu_backward(gg, x),   dx = elu_backward(gg g i, x) [x < 0]"""
    __slots__ = ("first", "is_result")

    def backward(self, gg):
        g, x = self.saved()
        f, res = self.first, self.is_result
        i = float(f._coefs(x if is_arr(x) else x._data)[2])
        dg = kernel_backward(EluBackwardBackward0, f, gg, x, is_result=res)
        if res:
            dx = with_tensors(lambda gg, g, x: gg * g * i * _mask(x, x < 0), gg, g, x)
        else:
            dx = with_tensors(lambda gg, g, x: kernel_backward(EluBackwardBackward0, f, gg * g * i, x, is_result=False)
                              * _mask(x, x < 0), gg, g, x)
        return dg, dx


# ---- gelu -----------------------------------------------------------------------------------------
_K_BETA_TANH = math.sqrt(2) * (2 / math.sqrt(math.pi)) * 0.5
_K_BETA_EXACT = (2 / math.sqrt(math.pi)) * math.sqrt(0.5) * 0.5
_K_KAPPA = 0.044715


def _gelu_second(gg, g, x, approximate):
    from ... import cosh, exp, pow, tanh
    if approximate == "tanh":
        inner = _K_BETA_TANH * (x + _K_KAPPA * pow(x, 3))
        t = tanh(inner)
        sech = 1 / cosh(inner)
        f = 0.5 * x
        gt = 1 - t * t
        h = _K_BETA_TANH * (1 + 3 * _K_KAPPA * x * x)
        f_prime_gh = 0.5 * gt * h
        g_prime_fh = f * h * ((2 * sech) * (-sech * t) * h)
        h_prime_fg = f * gt * (6 * _K_KAPPA * x * _K_BETA_TANH)
        return gg * g * (f_prime_gh + f_prime_gh + g_prime_fh + h_prime_fg)
    x2 = x * x
    pdf = _K_BETA_EXACT * exp(-0.5 * x2)
    return gg * g * (2 * pdf - x2 * pdf)


class GeluBackwardBackward0(Node):
    """z = gelu_backward(g, x)   ->   dg = gelu_backward(gg, x),   dx = gg g gelu''(x)"""
    __slots__ = ("first",)

    def backward(self, gg):
        g, x = self.saved()
        a = self.first.approximate
        return (kernel_backward(GeluBackwardBackward0, self.first, gg, x),
                with_tensors(lambda gg, g, x: _gelu_second(gg, g, x, a), gg, g, x))


# ---- logsigmoid, hardswish ------------------------------------------------------------------------
class LogSigmoidBackwardBackward0(Node):
    """z = g s(-x)   ->   dg = log_sigmoid_backward(gg, x),   dx = (gg g) (s(x) - 1) s(x)"""
    __slots__ = ("first",)

    def backward(self, gg):
        g, x = self.saved()

        def second(gg, g, x):
            z = x.sigmoid()
            return (gg * g) * (z - 1) * z
        return kernel_backward(LogSigmoidBackwardBackward0, self.first, gg, x), with_tensors(second, gg, g, x)


class HardswishBackwardBackward0(Node):
    """z = hardswish_backward(g, x)   ->   dg = hardswish_backward(gg, x),   dx = gg g / 3 on (-3, 3)"""
    __slots__ = ("first",)

    def backward(self, gg):
        g, x = self.saved()

        def second(gg, g, x):
            from ... import logical_and, where, zeros
            return where(logical_and(-3.0 < x, x < 3.0), gg * g / 3.0, zeros((), dtype=x.dtype))
        return kernel_backward(HardswishBackwardBackward0, self.first, gg, x), with_tensors(second, gg, g, x)


# ---- glu ------------------------------------------------------------------------------------------
class GluBackwardBackward0(Node):
    """z = glu_backward(g, x)   ->   (torch's glu_double_backward_grad_output / glu_double_backward)"""
    __slots__ = ("first",)

    def backward(self, gg):
        g, x = self.saved()
        f = self.first
        d = f.dim % (x.ndim if is_arr(x) else x.dim())

        def grad_output(gg, x):
            from ... import ones
            n = x.shape[d] // 2
            half = list(x.shape)
            half[d] = n
            tmp = gg * kernel_backward(GluBackwardBackward0, f, ones(half, dtype=x.dtype), x)
            return tmp.narrow(d, 0, n) + tmp.narrow(d, n, n)

        def second(gg, g, x):
            from ... import cat
            n = x.shape[d] // 2
            a, b = x.narrow(d, 0, n), x.narrow(d, n, n)
            s = b.sigmoid()
            oms = 1 - s
            sos = s * oms
            gga, ggb = gg.narrow(d, 0, n), gg.narrow(d, n, n)
            da = ggb * g * sos
            db = (ggb * a) * g * (sos * oms - s * sos) + gga * g * sos
            return cat([da, db], d)
        return with_tensors(grad_output, gg, x), with_tensors(second, gg, g, x)

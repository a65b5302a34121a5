"""The derivatives of asin, acos, asinh and acosh as torch's derivatives.yaml writes them: a product with
an ``rsqrt`` (1 / sqrt, two roundings), not a division by ``sqrt`` -- the last bit differs for about
a third of float32 / float64 elements otherwise.

    asin:   grad * (-x * x + 1).rsqrt()
    acos:   grad * -((-x * x + 1).rsqrt())
    asinh:  grad * (x.pow(2) + 1).rsqrt()
    acosh:  grad * (x * x - 1).rsqrt()

``m`` is NumPy for a plain backward (float16 arrays round after every step, as torch's half ops do),
glasstorch under create_graph, where the numbers go through the ``.Scalar`` overloads as in C++
(``AddBackward1``, ``SubBackward1``) so the recorded graph is torch's.
"""
from .scalar_arith import add_scalar, sub_scalar


def _rsqrt(v, m):
    if m.__name__ == "numpy":
        from .pointwise import _rsqrt as kernel
        return kernel(v)
    return v.rsqrt()


def _plus(v, c, m):
    return v + v.dtype.type(c) if m.__name__ == "numpy" else add_scalar(v, c)


def _minus(v, c, m):
    return v - v.dtype.type(c) if m.__name__ == "numpy" else sub_scalar(v, c)


def d_asin(g, x, m):
    """y = asin(x)   ->   dx = g (1 - x^2)^(-1/2)"""
    return g * _rsqrt(_plus(-x * x, 1, m), m)


def d_acos(g, x, m):
    """y = acos(x)   ->   dx = -g (1 - x^2)^(-1/2)"""
    return g * -_rsqrt(_plus(-x * x, 1, m), m)


def d_asinh(g, x, m):
    """y = asinh(x)   ->   dx = g (x^2 + 1)^(-1/2)"""
    sq = x * x if m.__name__ == "numpy" else x.pow(2)
    return g * _rsqrt(_plus(sq, 1, m), m)


def d_acosh(g, x, m):
    """y = acosh(x)   ->   dx = g (x^2 - 1)^(-1/2)"""
    return g * _rsqrt(_minus(x * x, 1, m), m)

"""prod's backward while a graph is recorded (create_graph): torch's ``prod_backward`` in recorded ops.

Without zeros in the input it is ``g * (y / x)``.  With a zero, y / x is 0 / 0, so torch takes
``prod_safe_zeros_backward``: the product of the elements before each one (an exclusive cumprod)
times the product of those after it (the same, flipped), both recorded, so second derivatives of a
product with zeros are right (a Hessian of prod, a gradient penalty through it).
"""


def prod_backward_recorded(g, x, y, dim):
    """g and y already have ``dim`` restored (keepdim shape); dim None: the whole tensor."""
    if x.dim() == 0:
        return g
    if not bool((x == 0).any()):
        return g * (y / x)
    if dim is None:
        return prod_safe_zeros_recorded(g, x.contiguous().view(-1), 0).view_as(x)
    return prod_safe_zeros_recorded(g, x, dim)


def prod_safe_zeros_recorded(g, x, dim):
    """g * (prod of x[:i] * prod of x[i+1:]) along dim, with cat / cumprod / flip."""
    from .. import cat, ones
    n = x.shape[dim]
    if n == 0:
        return g.expand_as(x)
    size = list(x.shape)
    size[dim] = 1
    one = ones(size, dtype=g.dtype)
    before = cat([one, x.narrow(dim, 0, n - 1)], dim).cumprod(dim)
    after = cat([one, x.narrow(dim, 1, n - 1).flip(dim)], dim).cumprod(dim).flip(dim)
    return g * (before * after)

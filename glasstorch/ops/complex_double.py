"""The complex nodes' gradients as recorded tensor ops, for ``create_graph`` (torch's formulas).

The plain backwards (complex_ops.py) work on arrays, rounded as torch's complex kernels round; when
a graph of the backward is recorded they are built from differentiable ops instead, the ops torch's
derivatives.yaml names, so the gradient can be differentiated again:

    angle:            dz = where(z == 0, 0, g z / |z|^2 * i)         (angle_backward; 0 for real z)
    real / imag:      dz = view_as_complex(select_backward(g, -1, 0 or 1))   (real(z) is
                      view_as_real(z).select(-1, 0) in torch)
    view_as_real:     dz = view_as_complex(g.contiguous())
    view_as_complex:  dx = view_as_real(g.contiguous().resolve_conj())
    polar:            dr = Re(conj(g) sgn(z)),   dtheta = Re(conj(g) (z * i))   (polar_backward)
"""


def angle_backward(g, z):
    from .. import where, zeros, zeros_like
    if not z.is_complex():
        return zeros_like(z)
    return where(z == 0.0, zeros((), dtype=z.dtype), g * z / z.abs().pow(2) * 1j)


def part_backward(g, part):
    from .complex_ops import view_as_complex
    from .slice_double import SelectBackwardBackward0, slice_backward_graph
    pairs = slice_backward_graph(g, tuple(g.shape) + (2,), (Ellipsis, part), SelectBackwardBackward0)
    return view_as_complex(pairs)


def view_as_real_backward(g):
    from .complex_ops import view_as_complex
    return view_as_complex(g.contiguous())


def view_as_complex_backward(g):
    from .complex_ops import view_as_real
    return view_as_real(g.contiguous().resolve_conj())


def polar_backward(g, z):
    gc = g.conj()
    return (gc * z.sgn()).real, (gc * (z * 1j)).real

"""The backward of trilinear (5-D) ``F.grid_sample`` in the order torch's scalar CPU kernel
(``grid_sampler_3d_backward_cpu_impl``) adds, so the gradients round as torch's do.

For each sample point (in memory order), each channel, and the eight corners in the order
tnw, tne, tsw, tse, bnw, bne, bsw, bse (t/b: z, n/s: y, w/e: x), with the corner weights written
from the opposite corner's integer coordinates (tnw = (ix_bse - ix) (iy_bse - iy) (iz_bse - iz))::

    grad_input[corner] += weight * g                       (corners inside the volume)
    gix  -=/+=  v * (y factor) * (z factor) * g,  giy, giz likewise    (each product rounded, no FMA)

and at the end grad_grid = (d ix / d grid_x) * gix, and so on.
"""
import numpy as np


def _terms(ix, iy, iz):
    """Per corner: its (z, y, x) integer coordinates and, for gix, giy, giz, (sign, factor, factor)."""
    x0, y0, z0 = np.floor(ix), np.floor(iy), np.floor(iz)
    x1, y1, z1 = x0 + 1, y0 + 1, z0 + 1
    wx = (x1 - ix, ix - x0)          # x weight of a west / east corner
    wy = (y1 - iy, iy - y0)          # north / south
    wz = (z1 - iz, iz - z0)          # top / bottom
    out = []
    for dz in (0, 1):
        for dy in (0, 1):
            for dx in (0, 1):
                at = ((z0, z1)[dz], (y0, y1)[dy], (x0, x1)[dx])
                weight = wx[dx] * wy[dy] * wz[dz]
                gx = ((1 if dx else -1), wy[dy], wz[dz])
                gy = ((1 if dy else -1), wx[dx], wz[dz])
                gz = ((1 if dz else -1), wx[dx], wy[dy])
                out.append((at, weight, (gx, gy, gz)))
    return out


def trilinear_backward_3d(xa, gm, ix, iy, iz, mults):
    """grad_input (n, C, D, H, W) and grad_grid (n, D', H', W', 3) for g moved to channels-last
    (``gm``: (n, D', H', W', C)) at pixel coordinates ix, iy, iz with derivatives ``mults``."""
    n, ch, d, h, w = xa.shape
    dt = gm.dtype
    bidx = np.broadcast_to(np.arange(n).reshape(n, 1, 1, 1), ix.shape)
    n_pts = ix.size
    pt = np.arange(n_pts).reshape(ix.shape)
    gacc = [np.zeros(ix.shape, dt) for _ in range(3)]
    keys, where, vals, reads = [], [], [], []
    terms = _terms(ix, iy, iz)
    for k, ((cz, cy, cx), weight, _) in enumerate(terms):
        cz, cy, cx = cz.astype(np.int64), cy.astype(np.int64), cx.astype(np.int64)
        ok = (cx >= 0) & (cx < w) & (cy >= 0) & (cy < h) & (cz >= 0) & (cz < d)
        reads.append((ok, (bidx, np.clip(cz, 0, d - 1), np.clip(cy, 0, h - 1), np.clip(cx, 0, w - 1))))
        keys.append((pt * 8 + k)[ok])
        where.append((bidx[ok], cz[ok], cy[ok], cx[ok]))
        vals.append((weight.astype(dt)[..., None] * gm)[ok])
    gin = np.zeros((n, d, h, w, ch), dt)
    order = np.argsort(np.concatenate(keys), kind="stable")
    idx = tuple(np.concatenate([wh[i] for wh in where])[order] for i in range(4))
    np.add.at(gin, idx, np.concatenate(vals)[order])
    for c in range(ch):
        g = gm[..., c]
        for (_, _, facs), (ok, (bi, zi, yi, xi)) in zip(terms, reads):
            v = xa[bi, c, zi, yi, xi]
            for acc, (sign, p, q) in zip(gacc, facs):
                t = (v * p.astype(dt)).astype(dt) * q.astype(dt) * g
                acc[ok] = (acc + t if sign > 0 else acc - t)[ok]
    ggrid = np.stack([(np.asarray(m, dt) * a).astype(dt) for m, a in zip(mults, gacc)], -1)
    return np.moveaxis(gin, -1, 1), ggrid

"""``torch.nn.modules._functions.CrossMapLRN2d``: the legacy (Lua torch) cross-channel local response
normalization, an autograd ``Function`` with its own backward, behind ``nn.CrossMapLRN2d``.

    scale_c = k + alpha / size * sum_{c' in window(c)} x_{c'}^2,     y_c = x_c * scale_c^(-beta)

The window sum is kept running over the channels exactly as torch's loop does, including its quirk:
once ``c > size // 2`` the channel leaving the window is dropped one step late, so for more than
``(size - 1) // 2 + 1`` channels the windows differ from ``nn.LocalResponseNorm``'s, while the
backward assumes the symmetric window (torch's own gradcheck fails there too).
"""
import numpy as np

from ...autograd.function import Function

__all__ = ["CrossMapLRN2d"]


class CrossMapLRN2d(Function):
    @staticmethod
    def forward(ctx, input, size, alpha=1e-4, beta=0.75, k=1):
        from ... import pow as _pow, stack, zeros_like
        ctx.size, ctx.alpha, ctx.beta, ctx.k = size, alpha, beta, k
        ctx.scale = None
        if input.dim() != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.dim()}D instead.")
        channels = input.size(1)
        square = _pow(input, 2)
        pre_pad = int((size - 1) / 2 + 1)
        first = zeros_like(input.select(1, 0))
        for c in range(min(pre_pad, channels)):       # the first channel's window
            first = first + square.select(1, c)
        sums = [first]
        for c in range(1, channels):                  # then add the next channel, drop the previous one
            cur = sums[-1]
            if c < channels - pre_pad + 1:
                cur = cur + square.select(1, c + pre_pad - 1)
            if c > pre_pad:
                cur = cur - square.select(1, c - pre_pad)
            sums.append(cur)
        ctx.scale = stack(sums, 1) * (alpha / size) + k
        output = _pow(ctx.scale, -beta) * input
        ctx.save_for_backward(input, output)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        """dx_c = g_c scale_c^(-beta) - 2 alpha beta / size * x_c * sum_{c' near c} g_c' y_c' / scale_c'"""
        from ... import pow as _pow
        from ...ops._common import _wrap
        input, output = ctx.saved_tensors
        n_batch, channels, h, w = input.shape
        size = ctx.size
        x, y, s = input._data, output._data, ctx.scale._data
        g = grad_output._data
        dt = x.dtype.type
        grad_input = (_pow(ctx.scale, -ctx.beta) * grad_output)._data.copy()
        padded = np.zeros((channels + size - 1, h, w), x.dtype)
        cache = dt(2 * ctx.alpha * ctx.beta / size)
        inverse_pre_pad = int(size - (size - 1) / 2)
        if inverse_pre_pad + channels > channels + size - 1:       # torch's narrow refuses it
            raise RuntimeError(f"start ({inverse_pre_pad}) + length ({channels}) exceeds dimension size "
                               f"({channels + size - 1}).")
        for n in range(n_batch):
            padded[inverse_pre_pad:inverse_pre_pad + channels] = g[n] * y[n] / s[n]
            accum = padded[:size - 1].sum(0)
            for c in range(channels):
                accum = accum + padded[c + size - 1]
                grad_input[n, c] = grad_input[n, c] + -cache * x[n, c] * accum
                accum = accum - padded[c]
        return _wrap(grad_input), None, None, None, None

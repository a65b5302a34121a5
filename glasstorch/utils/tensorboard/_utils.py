"""Array helpers: matplotlib figures to images, image grids, layout strings (``"CHW"``) to HWC."""
import numpy as np


def figure_to_image(figures, close=True):
    """Render a matplotlib figure (or a list of them) with the Agg canvas: a CHW (or NCHW) uint8 array
    holding the RGB planes of the RGBA buffer.  ``close=True`` closes each figure after rendering."""
    import matplotlib.pyplot as plt
    import matplotlib.backends.backend_agg as backend_agg

    def render(figure):
        canvas = backend_agg.FigureCanvasAgg(figure)
        canvas.draw()
        rgba = np.frombuffer(canvas.buffer_rgba(), dtype=np.uint8)
        w, h = figure.canvas.get_width_height()
        hwc = rgba.reshape([h, w, 4])[:, :, :3]
        chw = np.moveaxis(hwc, 2, 0)
        if close:
            plt.close(figure)
        return chw

    if isinstance(figures, list):
        return np.stack([render(f) for f in figures])
    return render(figures)


def _prepare_video(V):
    """(batch, time, C, H, W) -> (time, H', W', C): the batch laid out as a grid of frames, padded with
    black videos up to a power of two, rows = 2 ** (floor(log2(b)) // 2)."""
    b, t, c, h, w = V.shape
    if V.dtype == np.uint8:
        V = np.float32(V) / 255.0
    n = V.shape[0]
    if not (n != 0 and (n & (n - 1)) == 0):
        extra = int(2 ** n.bit_length() - n)
        V = np.concatenate((V, np.zeros(shape=(extra, t, c, h, w))), axis=0)
    n_rows = 2 ** ((b.bit_length() - 1) // 2)
    n_cols = V.shape[0] // n_rows
    V = np.reshape(V, (n_rows, n_cols, t, c, h, w))
    V = np.transpose(V, axes=(2, 0, 4, 1, 5, 3))
    return np.reshape(V, (t, n_rows * h, n_cols * w, c))


def make_grid(I, ncols=8):
    """N1HW or N3HW -> one 3HW canvas, images row by row, at most ``ncols`` per row, black elsewhere."""
    if not isinstance(I, np.ndarray):
        raise AssertionError("plugin error, should pass numpy array here")
    if I.shape[1] == 1:
        I = np.concatenate([I, I, I], 1)
    if I.ndim != 4 or I.shape[1] != 3:
        raise AssertionError("Input should be a 4D numpy array with 3 channels")
    nimg, H, W = I.shape[0], I.shape[2], I.shape[3]
    ncols = min(nimg, ncols)
    nrows = int(np.ceil(float(nimg) / ncols))
    canvas = np.zeros((3, H * nrows, W * ncols), dtype=I.dtype)
    for i in range(nimg):
        y, x = divmod(i, ncols)
        canvas[:, y * H:(y + 1) * H, x * W:(x + 1) * W] = I[i]
    return canvas


def convert_to_HWC(tensor, input_format):
    """Reorder a NumPy image to height x width x 3: 4-letter formats are tiled with ``make_grid``,
    one channel or none is repeated three times."""
    if len(set(input_format)) != len(input_format):
        raise AssertionError(f"You can not use the same dimension shorthand twice. \
            input_format: {input_format}")
    if len(tensor.shape) != len(input_format):
        raise AssertionError(f"size of input tensor and input format are different. \
        tensor shape: {tensor.shape}, input_format: {input_format}")
    input_format = input_format.upper()
    if len(input_format) == 4:
        nchw = tensor.transpose([input_format.find(c) for c in "NCHW"])
        return make_grid(nchw).transpose(1, 2, 0)
    if len(input_format) == 3:
        hwc = tensor.transpose([input_format.find(c) for c in "HWC"])
        if hwc.shape[2] == 1:
            hwc = np.concatenate([hwc, hwc, hwc], 2)
        return hwc
    if len(input_format) == 2:
        hw = tensor.transpose([input_format.find(c) for c in "HW"])
        return np.stack([hw, hw, hw], 2)

"""``torch.utils.tensorboard.summary``: build the ``Summary`` protocol buffers the writer logs.

Each function turns values (tensors, arrays, numbers) into one ``Summary``; ``SummaryWriter`` adds the
step and wall time.  The plugin summaries (hparams, PR curves, custom scalars, meshes) live in
``_summary_plugins.py`` and are re-exported here.
"""
import io
import logging
import struct

import numpy as np
from tensorboard.compat.proto.summary_pb2 import HistogramProto, Summary, SummaryMetadata
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboard.plugins.text.plugin_data_pb2 import TextPluginData

from ._convert_np import make_np
from ._utils import _prepare_video, convert_to_HWC
from ._summary_plugins import (hparams, custom_scalars, pr_curve_raw, pr_curve, compute_curve,  # noqa: F401
                               mesh)

__all__ = ["half_to_int", "int_to_half", "hparams", "scalar", "histogram_raw", "histogram", "make_histogram",
           "image", "image_boxes", "draw_boxes", "make_image", "video", "make_video", "audio", "custom_scalars",
           "text", "tensor_proto", "pr_curve_raw", "pr_curve", "compute_curve", "mesh"]

logger = logging.getLogger(__name__)


def half_to_int(f):
    """The bits of ``f`` as a float32, read as an int32 (how torch stores half values)."""
    return struct.unpack("i", struct.pack("f", f))[0]


def int_to_half(i):
    """The inverse of ``half_to_int``."""
    return struct.unpack("f", struct.pack("i", i))[0]


def _half_vals(t):
    return [half_to_int(x) for x in t.flatten().tolist()]


def _complex_vals(t):
    a = np.asarray(t.detach().numpy()).reshape(-1)
    return np.stack([a.real, a.imag], -1).reshape(-1).tolist()


def _plain_vals(t):
    return t.flatten().tolist()


def _tensor_type_map():
    """dtype -> (TensorProto dtype, field, converter), the table torch keeps (uint8 goes to uint32_val)."""
    from ... import (float16, bfloat16, float32, float64, int8, uint8, int16, int32, int64, complex64,
                     complex128)
    from ... import bool as bool_
    return {float16: ("DT_HALF", "half_val", _half_vals), bfloat16: ("DT_BFLOAT16", "half_val", _half_vals),
            float32: ("DT_FLOAT", "float_val", _plain_vals), float64: ("DT_DOUBLE", "double_val", _plain_vals),
            int8: ("DT_INT8", "int_val", _plain_vals), int16: ("DT_INT16", "int_val", _plain_vals),
            int32: ("DT_INT32", "int_val", _plain_vals), int64: ("DT_INT64", "int64_val", _plain_vals),
            complex64: ("DT_COMPLEX64", "scomplex_val", _complex_vals),
            bool_: ("DT_BOOL", "bool_val", _plain_vals),
            complex128: ("DT_COMPLEX128", "dcomplex_val", _complex_vals),
            uint8: ("DT_UINT8", "uint32_val", _plain_vals)}


def _calc_scale_factor(tensor):
    arr = tensor.numpy() if not isinstance(tensor, np.ndarray) else tensor
    return 1 if arr.dtype == np.uint8 else 255


def scalar(name, tensor, collections=None, new_style=False, double_precision=False):
    """One number: ``simple_value`` (a float32 field), or with ``new_style`` a scalars-plugin tensor
    (float32, or float64 with ``double_precision``)."""
    tensor = make_np(tensor).squeeze()
    if tensor.ndim != 0:
        raise AssertionError(f"Tensor should contain one element (0 dimensions). \
            Was given size: {tensor.size} and {tensor.ndim} dimensions.")
    value = float(tensor)
    if not new_style:
        return Summary(value=[Summary.Value(tag=name, simple_value=value)])
    if double_precision:
        proto = TensorProto(double_val=[value], dtype="DT_DOUBLE")
    else:
        proto = TensorProto(float_val=[value], dtype="DT_FLOAT")
    smd = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="scalars"))
    return Summary(value=[Summary.Value(tag=name, tensor=proto, metadata=smd)])


def tensor_proto(tag, tensor):
    """A whole tensor as a TensorProto (``add_tensor``), in the field its dtype maps to."""
    if tensor.numel() * tensor.itemsize >= (1 << 31):
        raise ValueError("tensor is bigger than protocol buffer's hard limit of 2GB in size")
    table = _tensor_type_map()
    if tensor.dtype not in table:
        raise ValueError(f"{tag} has unsupported tensor dtype {tensor.dtype}")
    dtype, field, convert = table[tensor.dtype]
    shape = TensorShapeProto(dim=[TensorShapeProto.Dim(size=x) for x in tensor.shape])
    proto = TensorProto(**{"dtype": dtype, "tensor_shape": shape, field: convert(tensor)})
    smd = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="tensor"))
    return Summary(value=[Summary.Value(tag=tag, metadata=smd, tensor=proto)])


def histogram_raw(name, min, max, num, sum, sum_squares, bucket_limits, bucket_counts):
    """A histogram whose statistics and buckets the caller computed."""
    hist = HistogramProto(min=min, max=max, num=num, sum=sum, sum_squares=sum_squares,
                          bucket_limit=bucket_limits, bucket=bucket_counts)
    return Summary(value=[Summary.Value(tag=name, histo=hist)])


def histogram(name, values, bins, max_bins=None):
    """A histogram of ``values`` (as float64) with NumPy's binning: ``bins`` is a count, edges or a
    NumPy rule name (``"auto"``, ``"fd"``, ...)."""
    values = make_np(values)
    hist = make_histogram(values.astype(float), bins, max_bins)
    return Summary(value=[Summary.Value(tag=name, histo=hist)])


def make_histogram(values, bins, max_bins=None):
    """``np.histogram``, then: at most ``max_bins`` buckets (neighbours merged, zeros padded at the
    end), and empty buckets trimmed off both ends, keeping one empty bucket before the first full one.
    ``bucket_limit`` holds right edges."""
    if values.size == 0:
        raise ValueError("The input has no element.")
    values = values.reshape(-1)
    counts, limits = np.histogram(values, bins=bins)
    num_bins = len(counts)
    if max_bins is not None and num_bins > max_bins:
        step = num_bins // max_bins
        remainder = num_bins % step
        if remainder != 0:
            counts = np.pad(counts, pad_width=[[0, step - remainder]], mode="constant", constant_values=0)
        counts = counts.reshape(-1, step).sum(axis=-1)
        merged = np.empty((counts.size + 1,), limits.dtype)
        merged[:-1] = limits[:-1:step]
        merged[-1] = limits[-1]
        limits = merged
    nonempty = np.cumsum(np.greater(counts, 0))
    start, end = np.searchsorted(nonempty, [0, nonempty[-1] - 1], side="right")
    start, end = int(start), int(end) + 1
    counts = counts[start - 1:end] if start > 0 else np.concatenate([[0], counts[:end]])
    limits = limits[start:end + 1]
    if counts.size == 0 or limits.size == 0:
        raise ValueError("The histogram is empty, please file a bug report.")
    return HistogramProto(min=values.min(), max=values.max(), num=len(values), sum=values.sum(),
                          sum_squares=values.dot(values), bucket_limit=limits.tolist(), bucket=counts.tolist())


def image(tag, tensor, rescale=1, dataformats="NCHW"):
    """An image: laid out as HWC (``dataformats``), scaled by 255 unless it is uint8 already
    (``x * 255`` in float32, clipped to [0, 255], truncated to uint8), PNG-encoded."""
    tensor = convert_to_HWC(make_np(tensor), dataformats)
    scale = _calc_scale_factor(tensor)
    tensor = (tensor.astype(np.float32) * scale).clip(0, 255).astype(np.uint8)
    return Summary(value=[Summary.Value(tag=tag, image=make_image(tensor, rescale=rescale))])


def image_boxes(tag, tensor_image, tensor_boxes, rescale=1, dataformats="CHW", labels=None):
    """An image with boxes (xmin, ymin, xmax, ymax rows) drawn in red, with optional labels."""
    tensor_image = convert_to_HWC(make_np(tensor_image), dataformats)
    tensor_boxes = make_np(tensor_boxes)
    tensor_image = tensor_image.astype(np.float32) * _calc_scale_factor(tensor_image)
    img = make_image(tensor_image.clip(0, 255).astype(np.uint8), rescale=rescale, rois=tensor_boxes,
                     labels=labels)
    return Summary(value=[Summary.Value(tag=tag, image=img)])


def _draw_single_box(image, xmin, ymin, xmax, ymax, display_str, color="black", color_text="black",
                     thickness=2):
    from PIL import ImageDraw, ImageFont
    font = ImageFont.load_default()
    draw = ImageDraw.Draw(image)
    left, right, top, bottom = xmin, xmax, ymin, ymax
    draw.line([(left, top), (left, bottom), (right, bottom), (right, top), (left, top)], width=thickness,
              fill=color)
    if display_str:
        l_, t_, r_, b_ = font.getbbox(display_str)
        text_w, text_h = r_ - l_, b_ - t_
        margin = np.ceil(0.05 * text_h)
        draw.rectangle([(left, bottom - text_h - 2 * margin), (left + text_w, bottom)], fill=color)
        draw.text((left + margin, bottom - text_h - margin), display_str, fill=color_text, font=font)
    return image


def draw_boxes(disp_image, boxes, labels=None):
    """Draw each row of ``boxes`` on the PIL image, labelled with ``labels[i]`` if given."""
    for i in range(boxes.shape[0]):
        disp_image = _draw_single_box(disp_image, boxes[i, 0], boxes[i, 1], boxes[i, 2], boxes[i, 3],
                                      display_str=None if labels is None else labels[i], color="Red")
    return disp_image


def make_image(tensor, rescale=1, rois=None, labels=None):
    """An HWC uint8 array as ``Summary.Image``: PIL, resized by ``rescale`` (Lanczos), saved as PNG."""
    from PIL import Image
    height, width, channel = tensor.shape
    img = Image.fromarray(tensor)
    if rois is not None:
        img = draw_boxes(img, rois, labels=labels)
    img = img.resize((int(width * rescale), int(height * rescale)), Image.Resampling.LANCZOS)
    with io.BytesIO() as out:
        img.save(out, format="PNG")
        data = out.getvalue()
    return Summary.Image(height=height, width=width, colorspace=channel, encoded_image_string=data)


def video(tag, tensor, fps=4):
    """A (N, T, C, H, W) video as an animated GIF (needs moviepy, as in torch)."""
    tensor = _prepare_video(make_np(tensor))
    scale = _calc_scale_factor(tensor)
    tensor = (tensor.astype(np.float32) * scale).clip(0, 255).astype(np.uint8)
    return Summary(value=[Summary.Value(tag=tag, image=make_video(tensor, fps))])


def make_video(tensor, fps):
    try:
        import moviepy  # noqa: F401
    except ImportError:
        print("add_video needs package moviepy")
        return
    try:
        from moviepy import editor as mpy
    except ImportError:
        print("moviepy is installed, but can't import moviepy.editor.",
              "Some packages could be missing [imageio, requests]")
        return
    import tempfile
    _t, h, w, c = tensor.shape
    clip = mpy.ImageSequenceClip(list(tensor), fps=fps)
    with tempfile.NamedTemporaryFile(suffix=".gif") as f:
        for kwargs in ({"verbose": False, "logger": None}, {"verbose": False, "progress_bar": False},
                       {"verbose": False}):
            try:
                clip.write_gif(f.name, **kwargs)
                break
            except TypeError:
                continue
        f.seek(0)
        return Summary.Image(height=h, width=w, colorspace=c, encoded_image_string=f.read())


def audio(tag, tensor, sample_rate=44100):
    """A mono signal in [-1, 1] as 16-bit WAV (louder samples are clipped, with a printed warning)."""
    import wave
    array = make_np(tensor).squeeze()
    if abs(array).max() > 1:
        print("warning: audio amplitude out of range, auto clipped.")
        array = array.clip(-1, 1)
    if array.ndim != 1:
        raise AssertionError("input tensor should be 1 dimensional.")
    array = (array * np.iinfo(np.int16).max).astype("<i2")
    with io.BytesIO() as fio:
        with wave.open(fio, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(sample_rate)
            w.writeframes(array.data)
        data = fio.getvalue()
    snd = Summary.Audio(sample_rate=sample_rate, num_channels=1, length_frames=array.shape[-1],
                        encoded_audio_string=data, content_type="audio/wav")
    return Summary(value=[Summary.Value(tag=tag, audio=snd)])


def text(tag, text):
    """A string for the text plugin, under ``tag + "/text_summary"``."""
    content = TextPluginData(version=0).SerializeToString()
    smd = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="text", content=content))
    proto = TensorProto(dtype="DT_STRING", string_val=[text.encode(encoding="utf_8")],
                        tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=1)]))
    return Summary(value=[Summary.Value(tag=tag + "/text_summary", metadata=smd, tensor=proto)])

"""``torch.nn.utils.memory_format``: store the weights of every (transposed) 2-d or 3-d convolution in
a model in a memory format (channels_last for 2-d, channels_last_3d for 3-d)."""
from ..modules.conv import Conv2d, Conv3d, ConvTranspose2d, ConvTranspose3d

__all__ = ["convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format"]


def _convert(module, memory_format, kinds, again):
    if isinstance(module, kinds):
        weight_data = module.weight.detach().clone(memory_format=memory_format)
        module.weight.data = weight_data.resize_(weight_data.size(), memory_format=memory_format)
    for child in module.children():
        again(child, memory_format)
    return module


def convert_conv2d_weight_memory_format(module, memory_format):
    """Every Conv2d / ConvTranspose2d weight in ``module`` gets ``memory_format``; returns ``module``."""
    return _convert(module, memory_format, (Conv2d, ConvTranspose2d), convert_conv2d_weight_memory_format)


def convert_conv3d_weight_memory_format(module, memory_format):
    """Every Conv3d / ConvTranspose3d weight in ``module`` gets ``memory_format``; returns ``module``."""
    return _convert(module, memory_format, (Conv3d, ConvTranspose3d), convert_conv3d_weight_memory_format)

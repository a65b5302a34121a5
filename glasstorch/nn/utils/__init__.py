"""``torch.nn.utils``: gradient clipping, parameter/vector conversion, ``rnn.pad_sequence``,
parametrizations (``parametrize``, ``parametrizations``), pruning (``prune``, imported on demand as in torch) and the original ``weight_norm``."""
from . import rnn
from .clip_grad import clip_grad_norm_, clip_grad_value_, clip_grad_norm, get_total_norm, clip_grads_with_norm_
from .convert_parameters import parameters_to_vector, vector_to_parameters
from . import parametrize, parametrizations
from .weight_norm import weight_norm, remove_weight_norm
from .spectral_norm import spectral_norm, remove_spectral_norm
from . import stateless
from .fusion import fuse_conv_bn_eval, fuse_conv_bn_weights, fuse_linear_bn_eval, fuse_linear_bn_weights
from .memory_format import convert_conv2d_weight_memory_format, convert_conv3d_weight_memory_format
from .init import skip_init

__all__ = ["rnn", "clip_grad_norm_", "clip_grad_value_", "clip_grad_norm", "get_total_norm",
           "clip_grads_with_norm_", "parameters_to_vector", "vector_to_parameters", "parametrize",
           "parametrizations", "weight_norm", "remove_weight_norm", "spectral_norm", "remove_spectral_norm", "stateless", "fuse_conv_bn_eval",
           "fuse_conv_bn_weights", "fuse_linear_bn_eval", "fuse_linear_bn_weights"]
__all__ += ["convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format", "skip_init"]

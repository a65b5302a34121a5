"""Every ``nn`` layer class, one concept per file as in torch (``linear.py``, ``conv.py`` ...)."""
from .module import Module
from .container import Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict
from .linear import Identity, Linear, Bilinear, LazyLinear
from .lazy import LazyModuleMixin  # noqa: F401  (torch.nn.modules.lazy)
from .activation import (ReLU, ReLU6, LeakyReLU, PReLU, ELU, SELU, CELU, GELU, SiLU, Mish, Sigmoid, Tanh, Softplus,
                         Softsign, Hardtanh, Hardsigmoid, Hardswish, LogSigmoid, Softmax, LogSoftmax, Softmin, GLU,
                         Tanhshrink, Threshold, Softmax2d, Hardshrink, Softshrink, RReLU)
from .loss import (L1Loss, MSELoss, SmoothL1Loss, HuberLoss, CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss,
                   KLDivLoss, CosineEmbeddingLoss, MarginRankingLoss, TripletMarginLoss, SoftMarginLoss,
                   MultiMarginLoss, PoissonNLLLoss, GaussianNLLLoss, HingeEmbeddingLoss, MultiLabelSoftMarginLoss,
                   CTCLoss, MultiLabelMarginLoss, TripletMarginWithDistanceLoss, LinearCrossEntropyLoss)
from .linear_cross_entropy_options import LinearCrossEntropyOptions
from .conv import (Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d, LazyConv1d, LazyConv2d,
                   LazyConv3d, LazyConvTranspose1d, LazyConvTranspose2d, LazyConvTranspose3d)
from .pooling import (MaxPool1d, MaxPool2d, MaxPool3d, AvgPool1d, AvgPool2d, AvgPool3d, AdaptiveAvgPool1d,
                      AdaptiveAvgPool2d, AdaptiveAvgPool3d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, MaxUnpool1d,
                      MaxUnpool2d, LPPool1d, LPPool2d, LPPool3d)
from .batchnorm import BatchNorm1d, BatchNorm2d, BatchNorm3d, SyncBatchNorm
from .normalization import LayerNorm, GroupNorm, RMSNorm
from .sparse import Embedding, EmbeddingBag
from .dropout import Dropout, Dropout1d, Dropout2d, Dropout3d, AlphaDropout, FeatureAlphaDropout
from .flatten import Flatten, Unflatten
from .rnn import RNNBase, RNN, LSTM, GRU, RNNCellBase, RNNCell, LSTMCell, GRUCell
from .attention import MultiheadAttention, NonDynamicallyQuantizableLinear
from .transformer import TransformerEncoderLayer, TransformerEncoder
from .transformer_decoder import TransformerDecoderLayer, TransformerDecoder, Transformer
from .upsampling import Upsample, UpsamplingNearest2d, UpsamplingBilinear2d
from .fold import Fold, Unfold
from .padding import *  # noqa: F401,F403  (ConstantPad1d ... CircularPad3d)
from .pixelshuffle import PixelShuffle, PixelUnshuffle
from .channelshuffle import ChannelShuffle
from .instancenorm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, LocalResponseNorm
from .distance import CosineSimilarity, PairwiseDistance
from .adaptive import AdaptiveLogSoftmaxWithLoss
from .pooling3d import AdaptiveMaxPool3d, MaxUnpool3d
from .pooling_fractional import FractionalMaxPool2d, FractionalMaxPool3d
from .legacy import CrossMapLRN2d, NLLLoss2d, Container  # noqa: F401
from .lazy_norm import (LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d, LazyInstanceNorm1d,  # noqa: F401
                        LazyInstanceNorm2d, LazyInstanceNorm3d)
from . import utils  # noqa: F401,E402  (torch.nn.modules.utils: _pair, _single ...)

# torch's list: ``from .modules import *`` in nn/__init__ takes the layer classes, never the
# submodule names (conv, linear, utils ...) that the imports above bind here
__all__ = sorted(
    [k for k, v in list(globals().items()) if isinstance(v, type) and issubclass(v, Module) and not k.startswith("_")
     and k != "NonDynamicallyQuantizableLinear"] + ["LinearCrossEntropyOptions"])

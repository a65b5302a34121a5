"""Printing models as tutorials do: nested custom modules with extra_repr, ModuleDict / ModuleList /
ParameterList / ParameterDict, Sequential built from an OrderedDict, repeated blocks (which print
condensed), and a zoo of layers, activations and losses constructed with non-default arguments."""
from collections import OrderedDict

import torch
import torch.nn as nn


class Scale(nn.Module):
    def __init__(self, dim, init=1.0, learnable=True):
        super().__init__()
        self.dim = dim
        self.learnable = learnable
        self.scale = nn.Parameter(torch.full((dim,), init), requires_grad=learnable)

    def forward(self, x):
        return x * self.scale

    def extra_repr(self):
        return f"dim={self.dim}, learnable={self.learnable}"


class MultiLineRepr(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 4)

    def extra_repr(self):
        return "first line\nsecond line"


class ResidualBlock(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = nn.Sequential(OrderedDict([
            ("fc1", nn.Linear(dim, hidden)),
            ("act", nn.GELU(approximate="tanh")),
            ("drop", nn.Dropout(0.1)),
            ("fc2", nn.Linear(hidden, dim)),
        ]))
        self.scale = Scale(dim, init=1e-4)

    def forward(self, x):
        return x + self.scale(self.mlp(self.norm(x)))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, kernel_size=3, stride=2, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(8, momentum=None, affine=True)
        self.blocks = nn.ModuleList([ResidualBlock(8, 16) for _ in range(3)])
        self.extra = nn.ModuleList([nn.Linear(8, 8), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 8)])
        self.heads = nn.ModuleDict({"cls": nn.Linear(8, 10), "box": nn.Linear(8, 4)})
        self.plist = nn.ParameterList([nn.Parameter(torch.randn(2, 3)), nn.Parameter(torch.zeros(4))])
        self.pdict = nn.ParameterDict({"alpha": nn.Parameter(torch.ones(1)),
                                       "beta": nn.Parameter(torch.zeros(2, 2), requires_grad=False)})
        self.multi = MultiLineRepr()
        self.empty = nn.Sequential()
        self.ident = nn.Identity()


torch.manual_seed(0)
net = Net()
print(net)
print(net.blocks)
print(net.heads)
print(net.plist)
print(net.pdict)
print(net.empty)
print(repr(net.multi))
# a plain dict given to ParameterDict is added in sorted key order; an OrderedDict keeps its order
pd = nn.ParameterDict({"w_out": torch.randn(3), "bias": torch.zeros(2), "alpha": torch.ones(1)})
print(pd)
print(list(pd.keys()), list(reversed(pd)))
pd2 = nn.ParameterDict(OrderedDict([("z", nn.Parameter(torch.ones(2))), ("a", nn.Parameter(torch.ones(1)))]))
print(list(pd2), list(pd | pd2), list(pd2.copy()))
print(pd2.setdefault("m", torch.zeros(3)).shape, pd2.popitem()[0], len(pd2))
md = nn.ModuleDict({"relu": nn.ReLU(), "act": nn.GELU()})
md.update([("norm", nn.LayerNorm(3)), ("drop", nn.Dropout(0.2))])
print(md)
print(nn.ModuleList())
print(nn.ModuleDict())
print(nn.ParameterList())

zoo = [
    nn.Conv1d(4, 8, 5, stride=2, padding=2, dilation=1, groups=2, padding_mode="reflect"),
    nn.Conv2d(3, 6, (3, 5), padding=(1, 2), dilation=(2, 1)),
    nn.ConvTranspose2d(6, 3, 4, stride=2, padding=1, output_padding=0, bias=False),
    nn.Conv3d(2, 4, 3, padding="same"),
    nn.MaxPool2d(2, stride=2, ceil_mode=True),
    nn.MaxPool1d(3, stride=1, padding=1, return_indices=True),
    nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False),
    nn.AdaptiveAvgPool2d((1, 1)),
    nn.AdaptiveMaxPool1d(4),
    nn.BatchNorm1d(16, eps=1e-3, momentum=0.01),
    nn.BatchNorm2d(8, affine=False, track_running_stats=False),
    nn.InstanceNorm2d(4, affine=True),
    nn.GroupNorm(2, 8, eps=1e-4),
    nn.LayerNorm([4, 5], elementwise_affine=False),
    nn.LayerNorm(6, bias=False),
    nn.LocalResponseNorm(3),
    nn.Embedding(100, 16, padding_idx=0, max_norm=1.0),
    nn.EmbeddingBag(50, 8, mode="max"),
    nn.LSTM(10, 20, num_layers=2, batch_first=True, dropout=0.2, bidirectional=True),
    nn.GRU(8, 16, bias=False),
    nn.RNN(4, 6, nonlinearity="relu"),
    nn.LSTMCell(3, 5),
    nn.GRUCell(3, 5, bias=False),
    nn.Linear(5, 3, bias=False),
    nn.Bilinear(3, 4, 5),
    nn.Dropout(p=0.25, inplace=True),
    nn.Dropout2d(0.3),
    nn.AlphaDropout(0.1),
    nn.Flatten(start_dim=2, end_dim=-1),
    nn.Unflatten(1, (2, 5)),
    nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False),
    nn.Upsample(size=(4, 4), mode="nearest"),
    nn.PixelShuffle(2),
    nn.ZeroPad2d((1, 1, 2, 0)),
    nn.ReflectionPad1d(2),
    nn.ConstantPad2d(1, 3.5),
    nn.ReLU(inplace=True),
    nn.ReLU6(),
    nn.LeakyReLU(0.2, inplace=True),
    nn.PReLU(num_parameters=3, init=0.1),
    nn.ELU(alpha=0.5),
    nn.SELU(),
    nn.CELU(alpha=2.0),
    nn.GELU(),
    nn.SiLU(),
    nn.Mish(),
    nn.Hardtanh(-2.0, 2.0),
    nn.Hardswish(),
    nn.Softplus(beta=2, threshold=10),
    nn.Softmax(dim=-1),
    nn.LogSoftmax(dim=1),
    nn.Softmin(dim=0),
    nn.Threshold(0.1, 20.0),
    nn.Tanh(),
    nn.Sigmoid(),
    nn.Softshrink(0.3),
    nn.Hardshrink(),
    nn.GLU(dim=1),
    nn.MultiheadAttention(16, 4, dropout=0.1, batch_first=True),
    nn.TransformerEncoderLayer(16, 2, dim_feedforward=32, dropout=0.0, batch_first=True, norm_first=True),
    nn.CrossEntropyLoss(label_smoothing=0.1, ignore_index=-1),
    nn.CrossEntropyLoss(weight=torch.ones(3), reduction="sum"),
    nn.NLLLoss(reduction="none"),
    nn.MSELoss(reduction="sum"),
    nn.L1Loss(),
    nn.SmoothL1Loss(beta=0.5),
    nn.HuberLoss(delta=2.0),
    nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.0])),
    nn.BCELoss(),
    nn.KLDivLoss(reduction="batchmean", log_target=True),
    nn.CosineEmbeddingLoss(margin=0.5),
    nn.TripletMarginLoss(margin=1.0, p=2),
    nn.MarginRankingLoss(margin=0.1),
    nn.CTCLoss(blank=0, zero_infinity=True),
    nn.PairwiseDistance(p=1.0),
    nn.CosineSimilarity(dim=1, eps=1e-6),
]
for m in zoo:
    print(m)

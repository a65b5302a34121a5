"""Notebook cells that print: tensors of every dtype and shape, models, optimizers, schedulers, dtypes."""
import torch
import torch.nn as nn

torch.manual_seed(4)

cells = [
    torch.tensor(3), torch.tensor(2.5), torch.tensor(True), torch.tensor([]), torch.zeros(0, 3),
    torch.tensor([1, -2, 300]), torch.tensor([1, 2], dtype=torch.int8), torch.tensor([255, 0], dtype=torch.uint8),
    torch.tensor([1.0, 2.0], dtype=torch.float16), torch.tensor([1.5, -2.25], dtype=torch.float64),
    torch.tensor([True, False]), torch.tensor([[1e-8, 1.0], [100.0, 1e8]]), torch.tensor([float("nan"), float("inf"),
                                                                                          -float("inf"), 0.0]),
    torch.tensor([1e20, 1.0]), torch.tensor([0.1, 0.25, 123.456]), torch.tensor([-0.0, 0.0]),
    torch.arange(12).view(2, 3, 2), torch.randn(2, 2, 2, 2), torch.ones(3, 1, dtype=torch.int32),
    torch.tensor([123456789.0]), torch.tensor([1, 2], dtype=torch.int16), torch.full((2, 2), 7.0).half(),
    torch.linspace(-1, 1, 5, dtype=torch.float64), torch.eye(3).bool(), torch.randn(3, 2, requires_grad=True),
    torch.randn(8, 12), torch.arange(1200).view(40, 30),
]
for c in cells:
    print(c)
    print(repr(c.shape), c.dtype, c.dim(), c.numel(), c.is_contiguous())
print(torch.randn(2, 3, requires_grad=True) * 2)
print(torch.ones(2).mean(), torch.ones(2, requires_grad=True).sum())
p = nn.Parameter(torch.ones(2))
print(p, repr(p.data))

torch.set_printoptions(precision=2, sci_mode=False)
print(torch.tensor([1e-6, 3.14159, 1e6]), torch.randn(2, 3))
torch.set_printoptions(sci_mode=True)
print(torch.tensor([1.5, 2.0]))
torch.set_printoptions(threshold=5, edgeitems=2)
print(torch.arange(10), torch.arange(36).view(6, 6))
torch.set_printoptions(profile="full")
print(torch.arange(30))
torch.set_printoptions(profile="short")
print(torch.randn(3, 3))
torch.set_printoptions(profile="default")
print(torch.get_printoptions() if hasattr(torch, "get_printoptions") else None)

# python-side values
t = torch.tensor(2.0 / 3.0)
v = torch.tensor([1.5, 2.5])
print(f"{t:.3f}", f"{t.item():.5f}", f"{t}", f"{v}", "%.2f" % t, "{:>8.2f}|".format(t), format(t, "e"))
print(t.item(), type(t.item()), torch.tensor(7).item(), type(torch.tensor(7).item()), torch.tensor(True).item())
print(v.tolist(), torch.arange(6).view(2, 3).tolist(), torch.tensor(3.5).tolist(), torch.tensor([1.1]).half().tolist())
print(int(torch.tensor(3.9)), float(torch.tensor(2)), bool(torch.tensor([1])), round(torch.tensor(2.567).item(), 2))
print(str(torch.Size([2, 3])), torch.Size([2, 3]) == (2, 3), list(torch.Size([4])), torch.Size([]))
print(torch.Size([2, 3]).numel(), torch.zeros(2, 3).size(), torch.zeros(2, 3).size(-1), len(torch.zeros(5, 2)))
print(torch.zeros(2, 3).shape[1:], tuple(torch.zeros(2, 3).shape), torch.zeros(1, 2).stride())
print(torch.float32, torch.float, torch.long, torch.bool, torch.half, torch.double, str(torch.int64))
print(torch.finfo(torch.float32), torch.iinfo(torch.int16))
print(torch.finfo(torch.float32).eps, torch.finfo().max, torch.finfo(torch.half).min)
print(torch.device("cpu"), repr(torch.device("cpu")), torch.device("cuda", 0), torch.device("cpu").index)
print(torch.tensor([1, 2]).dtype == torch.int64, torch.zeros(1).type(), torch.zeros(1).long().type())
print(torch.zeros(2).device, torch.ones(1).is_leaf, torch.ones(1, requires_grad=True).grad)

# models, optimizers and schedulers
model = nn.Sequential(
    nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(inplace=True),
    nn.Sequential(nn.MaxPool2d(2), nn.Dropout2d(0.25)), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(),
    nn.ModuleDict({"fc": nn.Linear(8, 4)}) if False else nn.Linear(8, 4), nn.LogSoftmax(dim=1))
print(model)


class Fancy(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(100, 16, padding_idx=0)
        self.rnn = nn.LSTM(16, 32, num_layers=2, batch_first=True, dropout=0.1, bidirectional=True)
        self.heads = nn.ModuleList([nn.Linear(64, 2), nn.Linear(64, 3)])
        self.gates = nn.ParameterDict({"a": nn.Parameter(torch.zeros(2))})
        self.plist = nn.ParameterList([nn.Parameter(torch.ones(3)), nn.Parameter(torch.ones(2, 2))])
        self.norm = nn.LayerNorm(64, eps=1e-6)
        self.act = nn.LeakyReLU(0.2)
        self.drop = nn.Dropout(p=0.3)
        self.attn = nn.MultiheadAttention(64, 4, batch_first=True)

    def extra_repr(self):
        return "fancy=True"


print(Fancy())
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
print(opt)
opt2 = torch.optim.Adam([{"params": model[0].parameters()}, {"params": model[6].parameters(), "lr": 1e-4}], lr=1e-3)
print(opt2)
print(opt2.state_dict()["param_groups"][1])
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
print(sched.state_dict())
sched2 = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt2, T_0=3)
print(sched2.state_dict())
lam = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda=lambda e: 0.9 ** e)
print(sorted(lam.state_dict()))
x = torch.randn(2, 3, 8, 8)
out = model(x)
loss = out.sum()
print(out.shape, type(loss.grad_fn).__name__, loss.grad_fn.next_functions[0][0].name())
loss.backward()
opt.step()
print(opt.state_dict()["state"][0]["momentum_buffer"].shape, list(opt.state_dict()["state"].keys())[:3])
print(nn.CrossEntropyLoss(label_smoothing=0.1), nn.MSELoss(reduction="sum"), nn.BCEWithLogitsLoss())
print(nn.Transformer(d_model=16, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=32).encoder)

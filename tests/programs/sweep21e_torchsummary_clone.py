"""A hand-written torchsummary / torchinfo clone, as course notebooks write one: forward hooks on every
leaf module record output shapes and parameter counts, trainable vs frozen parameters are counted,
sizes are reported in MB, and backward hooks print gradient norms per layer."""
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def summary(model, input_size, batch_size=-1, dtypes=None):
    if dtypes is None:
        dtypes = [torch.FloatTensor] * len(input_size)
    result = OrderedDict()
    hooks = []

    def register_hook(module):
        def hook(module, input, output):
            class_name = str(module.__class__).split(".")[-1].split("'")[0]
            module_idx = len(result)
            m_key = "%s-%i" % (class_name, module_idx + 1)
            result[m_key] = OrderedDict()
            result[m_key]["input_shape"] = list(input[0].size())
            result[m_key]["input_shape"][0] = batch_size
            if isinstance(output, (list, tuple)):
                result[m_key]["output_shape"] = [[-1] + list(o.size())[1:] for o in output]
            else:
                result[m_key]["output_shape"] = list(output.size())
                result[m_key]["output_shape"][0] = batch_size
            params = 0
            if hasattr(module, "weight") and hasattr(module.weight, "size"):
                params += torch.prod(torch.LongTensor(list(module.weight.size())))
                result[m_key]["trainable"] = module.weight.requires_grad
            if hasattr(module, "bias") and hasattr(module.bias, "size"):
                params += torch.prod(torch.LongTensor(list(module.bias.size())))
            result[m_key]["nb_params"] = params

        if not isinstance(module, nn.Sequential) and not isinstance(module, nn.ModuleList) and not (module == model):
            hooks.append(module.register_forward_hook(hook))

    if isinstance(input_size, tuple):
        input_size = [input_size]
    x = [torch.rand(2, *in_size).type(dtype) for in_size, dtype in zip(input_size, dtypes)]
    model.apply(register_hook)
    model(*x)
    for h in hooks:
        h.remove()

    print("----------------------------------------------------------------")
    line_new = "{:>20}  {:>25} {:>15}".format("Layer (type)", "Output Shape", "Param #")
    print(line_new)
    print("================================================================")
    total_params = 0
    total_output = 0
    trainable_params = 0
    for layer in result:
        line_new = "{:>20}  {:>25} {:>15}".format(
            layer, str(result[layer]["output_shape"]), "{0:,}".format(result[layer]["nb_params"]))
        total_params += result[layer]["nb_params"]
        total_output += np.prod(result[layer]["output_shape"])
        if "trainable" in result[layer]:
            if result[layer]["trainable"] == True:
                trainable_params += result[layer]["nb_params"]
        print(line_new)
    total_input_size = abs(np.prod(sum(input_size, ())) * batch_size * 4. / (1024 ** 2.))
    total_output_size = abs(2. * total_output * 4. / (1024 ** 2.))
    total_params_size = abs(total_params * 4. / (1024 ** 2.))
    total_size = total_params_size + total_output_size + total_input_size
    print("================================================================")
    print("Total params: {0:,}".format(total_params))
    print("Trainable params: {0:,}".format(trainable_params))
    print("Non-trainable params: {0:,}".format(total_params - trainable_params))
    print("----------------------------------------------------------------")
    print("Input size (MB): %0.2f" % total_input_size)
    print("Forward/backward pass size (MB): %0.2f" % total_output_size)
    print("Params size (MB): %0.2f" % total_params_size)
    print("Estimated Total Size (MB): %0.2f" % total_size)
    print("----------------------------------------------------------------")
    return total_params, trainable_params


class SmallCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(inplace=True), nn.MaxPool2d(2),
        )
        self.rnn = nn.GRU(16, 12, batch_first=True)
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.5), nn.Linear(12 * 4, num_classes))

    def forward(self, x):
        x = self.features(x)                     # (B, 16, 4, 4)
        b, c, h, w = x.shape
        seq = x.permute(0, 2, 3, 1).reshape(b, h * w, c)[:, :4]
        out, _ = self.rnn(seq)
        return self.classifier(out)


torch.manual_seed(0)
model = SmallCNN()
total, trainable = summary(model, (1, 16, 16))
print(total, trainable, type(total).__name__)

# freeze the feature extractor and summarise again
for p in model.features.parameters():
    p.requires_grad_(False)
summary(model, (1, 16, 16))


# torchinfo-style counting with numel
def count_parameters(model):
    rows = []
    for name, p in model.named_parameters():
        rows.append((name, tuple(p.shape), p.numel(), p.requires_grad))
    return rows


for name, shape, n, rg in count_parameters(model):
    print(f"{name:<28} {str(shape):<16} {n:>6,} {'trainable' if rg else 'frozen'}")
n_train = sum(p.numel() for p in model.parameters() if p.requires_grad)
n_frozen = sum(p.numel() for p in model.parameters() if not p.requires_grad)
print(f"trainable={n_train:,} frozen={n_frozen:,} total={n_train + n_frozen:,}")
size_mb = sum(p.numel() * p.element_size() for p in model.parameters()) / 1024 ** 2
buf_mb = sum(b.numel() * b.element_size() for b in model.buffers()) / 1024 ** 2
print(f"params {size_mb:.4f} MB, buffers {buf_mb:.6f} MB")
print([b.dtype for b in model.buffers()])

# forward hooks with kwargs and pre-hooks
shapes = []
pre = model.classifier[2].register_forward_pre_hook(lambda m, inp: shapes.append(("pre", tuple(inp[0].shape))))
post = model.classifier[2].register_forward_hook(
    lambda m, args, kwargs, out: shapes.append(("post", len(args), sorted(kwargs), tuple(out.shape))),
    with_kwargs=True)
model.eval()
with torch.no_grad():
    out = model(torch.randn(3, 1, 16, 16))
print(shapes)
print(type(pre).__name__, pre.id < post.id)
pre.remove()
post.remove()
pre.remove()
print(len(model.classifier[2]._forward_hooks), len(model.classifier[2]._forward_pre_hooks))

# gradient norms per layer via full backward hooks and tensor hooks
for p in model.parameters():
    p.requires_grad_(True)
model.train()
grad_log = []


def make_bhook(name):
    def bhook(module, grad_input, grad_output):
        gi = [None if g is None else tuple(g.shape) for g in grad_input]
        grad_log.append(f"{name}: grad_out {grad_output[0].norm().item():.4f} grad_in {gi}")
    return bhook


handles = []
for name, m in model.named_modules():
    if isinstance(m, (nn.Linear, nn.Conv2d)):
        handles.append(m.register_full_backward_hook(make_bhook(name)))

torch.manual_seed(1)
model.classifier[1].p = 0.0
x = torch.randn(4, 1, 16, 16)
y = torch.tensor([1, 3, 5, 7])
loss = F.cross_entropy(model(x), y)
loss.backward()
for line in grad_log:
    print(line)
for name, p in model.named_parameters():
    print(f"{name:<28} grad norm {p.grad.norm().item():.4f}")
total_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5)
print(f"total norm before clip {total_norm.item():.4f}")
print(f"after clip {torch.norm(torch.stack([p.grad.norm() for p in model.parameters()])).item():.4f}")
for h in handles:
    h.remove()

acts = {}


def get_activation(name):
    def hook(model, input, output):
        acts[name] = output.detach()
    return hook


model.features[2].register_forward_hook(get_activation("relu1"))
model.classifier.register_forward_hook(get_activation("logits"))
model(x)
for k, v in acts.items():
    print(k, tuple(v.shape), f"{v.mean().item():.4f}", f"{(v > 0).float().mean().item():.4f}")

# older tutorials: the deprecated Module.register_backward_hook (it sees the gradients of the output's
# autograd node) and global hooks on every module, used to print gradient norms per layer
mlp = nn.Sequential(nn.Linear(6, 5), nn.Tanh(), nn.Linear(5, 3, bias=False), nn.Sigmoid())


def old_hook(module, grad_input, grad_output):
    gi = [None if g is None else f"{tuple(g.shape)}:{g.norm().item():.4f}" for g in grad_input]
    print(f"{module.__class__.__name__:<8} grad_input {gi} grad_output {grad_output[0].norm().item():.4f}")


old_handles = [m.register_backward_hook(old_hook) for m in mlp]
xin = torch.randn(4, 6, requires_grad=True)
mlp(xin).pow(2).sum().backward()
for h in old_handles:
    h.remove()
try:
    mlp[0].register_full_backward_hook(old_hook)
except RuntimeError as e:
    print("RuntimeError:", e)

from torch.nn.modules.module import (register_module_forward_hook, register_module_full_backward_hook,
                                     register_module_full_backward_pre_hook, register_module_backward_hook)

g_pre = register_module_full_backward_pre_hook(
    lambda m, go: print(f"pre  {type(m).__name__:<10} {go[0].norm().item():.4f}"))
g_full = register_module_full_backward_hook(
    lambda m, gi, go: print(f"full {type(m).__name__:<10} {[None if g is None else tuple(g.shape) for g in gi]}"))
g_fwd = register_module_forward_hook(lambda m, args, kwargs, out: print("fwd", type(m).__name__, kwargs),
                                     with_kwargs=True)
net2 = nn.Sequential(nn.Linear(6, 4), nn.ReLU(), nn.Linear(4, 1))
net2(xin).sum().backward()
try:
    register_module_backward_hook(old_hook)
except RuntimeError as e:
    print("RuntimeError:", e)
for h in (g_pre, g_full, g_fwd):
    h.remove()
net2(xin).sum().backward()
print("hooks removed")

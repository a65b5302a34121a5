"""Walking a model as tutorials do: named_modules / named_children / named_parameters /
named_buffers with prefixes and remove_duplicate, shared (tied) modules and parameters, buffers that
are not persistent, state_dict keys and shapes, get_submodule / get_parameter / get_buffer and their
errors, parameters_to_vector / vector_to_parameters, and requires_grad_ freezing reports."""
import torch
import torch.nn as nn
from torch.nn.utils import parameters_to_vector, vector_to_parameters


class Encoder(nn.Module):
    def __init__(self, vocab, dim):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.layers = nn.Sequential(nn.Linear(dim, dim), nn.Tanh(), nn.Linear(dim, dim))
        self.norm = nn.BatchNorm1d(dim)
        self.register_buffer("pos", torch.arange(6).float() / 6)
        self.register_buffer("mask_cache", torch.ones(3, 3).tril(), persistent=False)
        self.register_buffer("unused", None)
        self.register_parameter("gate", None)

    def forward(self, idx):
        h = self.embed(idx) + self.pos[: idx.shape[1], None]
        h = self.layers(h).mean(1)
        return self.norm(h)


class TiedLM(nn.Module):
    def __init__(self, vocab=11, dim=6):
        super().__init__()
        self.encoder = Encoder(vocab, dim)
        self.decoder = nn.Linear(dim, vocab, bias=False)
        self.decoder.weight = self.encoder.embed.weight     # weight tying
        self.shared = self.encoder.layers[1]                # the same Tanh under two names
        self.scale = nn.Parameter(torch.tensor(0.5))

    def forward(self, idx):
        return self.decoder(self.encoder(idx)) * self.scale


torch.manual_seed(0)
model = TiedLM()

print("== named_children")
for name, child in model.named_children():
    print(name, type(child).__name__)
print("== named_modules")
for name, m in model.named_modules():
    print(repr(name), type(m).__name__)
print("== named_modules(remove_duplicate=False, prefix='net')")
for name, m in model.named_modules(remove_duplicate=False, prefix="net"):
    print(repr(name), type(m).__name__)
print("== named_modules(memo)")
memo = {model.encoder.layers}
print([n for n, _ in model.named_modules(memo=memo)])
print("== named_parameters")
for name, p in model.named_parameters():
    print(f"{name:<26} {str(list(p.shape)):<10} {p.requires_grad}")
print("== named_parameters(remove_duplicate=False)")
print([n for n, _ in model.named_parameters(remove_duplicate=False)])
print("== named_parameters(prefix, recurse=False)")
print([n for n, _ in model.named_parameters(prefix="lm", recurse=False)])
print([n for n, _ in model.encoder.named_parameters(prefix="enc")])
print("== named_buffers")
for name, b in model.named_buffers():
    print(name, list(b.shape), b.dtype)
print([n for n, _ in model.named_buffers(recurse=False)])
print([n for n, _ in model.encoder.named_buffers(prefix="x", recurse=False)])
print("== state_dict")
sd = model.state_dict()
print(type(sd).__name__, len(sd))
for k, v in sd.items():
    print(f"{k:<34} {tuple(v.shape)} {v.dtype} {v.requires_grad}")
print(list(model.state_dict(prefix="model.", keep_vars=True))[:3])
print(sd["encoder.embed.weight"].data_ptr() == sd["decoder.weight"].data_ptr())
print(hasattr(sd, "_metadata"), sorted(sd._metadata)[:4])
print(sd._metadata[""], sd._metadata["encoder.norm"])
print(len(list(model.parameters())), len(list(model.buffers())), len(list(model.modules())),
      len(list(model.children())))

print("== load_state_dict")
sd2 = {k: v.clone() for k, v in sd.items()}
del sd2["scale"]
sd2["extra.weight"] = torch.zeros(1)
res = model.load_state_dict(sd2, strict=False)
print(res)
print(res.missing_keys, res.unexpected_keys)
try:
    model.load_state_dict(sd2)
except RuntimeError as e:
    print("RuntimeError:", e)
bad = dict(sd)
bad["decoder.weight"] = torch.zeros(3, 3)
try:
    model.load_state_dict(bad)
except RuntimeError as e:
    print("RuntimeError:", e)
print(model.load_state_dict(sd))

print("== get_submodule / get_parameter / get_buffer")
print(model.get_submodule("encoder.layers.2"))
print(model.get_submodule(""))
print(tuple(model.get_parameter("encoder.layers.0.bias").shape))
print(model.get_buffer("encoder.pos"))
for call in (lambda: model.get_submodule("encoder.nope"),
             lambda: model.get_submodule("encoder.pos.x"),
             lambda: model.get_parameter("encoder.pos"),
             lambda: model.get_parameter("encoder.missing"),
             lambda: model.get_buffer("encoder.layers.0.weight"),
             lambda: model.get_buffer("scale"),
             lambda: model.get_parameter("encoder.gate")):
    try:
        r = call()
        print("ok", r)
    except AttributeError as e:
        print("AttributeError:", e)
try:
    model.register_buffer("scale", torch.zeros(1))
except KeyError as e:
    print("KeyError:", e)
try:
    model.register_buffer("a.b", torch.zeros(1))
except KeyError as e:
    print("KeyError:", e)
try:
    model.register_parameter("w", torch.zeros(1))
except TypeError as e:
    print("TypeError:", e)
try:
    model.encoder.register_buffer("bad", [1, 2])
except TypeError as e:
    print("TypeError:", e)
try:
    model.add_module("", nn.ReLU())
except KeyError as e:
    print("KeyError:", e)

print("== parameters_to_vector")
vec = parameters_to_vector(model.parameters())
print(vec.shape, vec.dtype, vec.requires_grad, vec.grad_fn.__class__.__name__)
print(f"{vec.sum().item():.4f} {vec.abs().max().item():.4f}")
new = torch.linspace(-1, 1, vec.numel())
vector_to_parameters(new, model.parameters())
print(model.scale, model.encoder.layers[2].bias.data)
print(torch.equal(parameters_to_vector(model.parameters()), new))
try:
    vector_to_parameters(new.tolist(), model.parameters())
except TypeError as e:
    print("TypeError:", e)

print("== freezing")
model.encoder.requires_grad_(False)
model.encoder.norm.requires_grad_()
frozen = [n for n, p in model.named_parameters() if not p.requires_grad]
train = [n for n, p in model.named_parameters() if p.requires_grad]
print("frozen:", frozen)
print("trainable:", train)
for name, m in model.named_modules():
    ps = list(m.parameters(recurse=False))
    if ps:
        state = "frozen" if all(not p.requires_grad for p in ps) else (
            "trainable" if all(p.requires_grad for p in ps) else "partial")
        print(f"{name or '<root>':<20} {sum(p.numel() for p in ps):>4} {state}")
opt = torch.optim.SGD(filter(lambda p: p.requires_grad, model.parameters()), lr=0.1)
print(len(opt.param_groups[0]["params"]))
model.eval()
print([m.training for m in model.modules()][:4])
model.train()
model.encoder.norm.eval()
print([(n, m.training) for n, m in model.named_modules() if n.startswith("encoder")])
print(model.encoder.norm.num_batches_tracked, model.encoder.norm.running_mean)
model.zero_grad()
print([p.grad for p in model.parameters()][:2])
out = model(torch.tensor([[1, 2, 3], [4, 5, 6]]))
out.sum().backward()
print([(n, None if p.grad is None else tuple(p.grad.shape)) for n, p in model.named_parameters()])
model.zero_grad(set_to_none=False)
print(model.scale.grad, model.encoder.norm.bias.grad)

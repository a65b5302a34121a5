"""The "Hooks for autograd saved tensors" tutorial, retold: what a graph saves (grad_fn._saved_*), pack/unpack
hooks with torch.autograd.graph.saved_tensors_hooks (counting, keeping tensors in a dict, detaching),
save_on_cpu, hooks on tensors (register_hook, retain_grad) and on modules (forward / backward hooks), and the
errors a user meets on the way."""
import torch
import torch.nn as nn

torch.manual_seed(0)

# ---- what gets saved ------------------------------------------------------------------------------
a = torch.randn(5, requires_grad=True)
b = torch.ones(5, requires_grad=True)
y = a * b
print("saved self is a:", y.grad_fn._saved_self.equal(a), y.grad_fn._saved_self is a)
print("saved other is b:", y.grad_fn._saved_other.equal(b))
x = torch.randn(5, requires_grad=True)
y = x.pow(2)
print("pow saved:", y.grad_fn._saved_self.equal(x), y.grad_fn._saved_exponent)
y = x.exp()
print("exp saves its result:", y.grad_fn._saved_result.equal(y), y.grad_fn._saved_result is y)
y.sum().backward()
try:
    y.grad_fn._saved_result
except RuntimeError as e:
    print(type(e).__name__, str(e)[:110])

# ---- counting pack/unpack calls -----------------------------------------------------------------------
calls = {"pack": 0, "unpack": 0}


def pack_hook(t):
    calls["pack"] += 1
    return t


def unpack_hook(t):
    calls["unpack"] += 1
    return t


x = torch.randn(4, 3, requires_grad=True)
with torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook):
    y = x.pow(2).sin().sum()
print("after forward:", calls)
y.backward()
print("after backward:", calls)
print("grad ok:", torch.allclose(x.grad, (x.pow(2)).cos() * 2 * x))

# the hooks are only active inside the context
calls = {"pack": 0, "unpack": 0}
z = x * x
print("outside context:", calls)


# ---- a dict as storage: pack returns a key -----------------------------------------------------------
storage = {}


def pack_to_dict(t):
    key = len(storage)
    storage[key] = t.clone()
    return key


def unpack_from_dict(key):
    return storage[key]


w = torch.randn(3, 3, requires_grad=True)
v = torch.randn(3, requires_grad=True)
with torch.autograd.graph.saved_tensors_hooks(pack_to_dict, unpack_from_dict):
    out = (w @ v).tanh().sum()
print("keys stored:", sorted(storage))
out.backward()
ref_w = torch.outer(1 - (w @ v).tanh() ** 2, v)
print("w grad ok:", torch.allclose(w.grad, ref_w.detach()))

# pack returns something else entirely: a detached copy scaled, unpack undoes it
def pack_scaled(t):
    return (t.detach() * 10, t.dtype)


def unpack_scaled(p):
    t, dtype = p
    return (t / 10).to(dtype)


x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
with torch.autograd.graph.saved_tensors_hooks(pack_scaled, unpack_scaled):
    y = (x * x).sum()
y.backward()
print("x grad via scaled storage:", x.grad)

# hooks apply to everything saved, nested contexts: the innermost wins
seen = []
with torch.autograd.graph.saved_tensors_hooks(lambda t: seen.append("outer") or t, lambda t: t):
    with torch.autograd.graph.saved_tensors_hooks(lambda t: seen.append("inner") or t, lambda t: t):
        y = x.sin()
    y2 = x.cos()
print("nesting:", seen)

# unpack returning a tensor of the wrong shape
with torch.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t[:1]):
    y = x.pow(3).sum()
try:
    y.backward()
except RuntimeError as e:
    print(type(e).__name__, str(e)[:200])

# unpack returning a non-tensor
with torch.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: "nope"):
    y = x.exp().sum()
try:
    y.backward()
except TypeError as e:
    print(type(e).__name__, str(e)[:200])

# ---- save_on_cpu (on a CPU-only machine the tensors stay on cpu) ----------------------------------------
model = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 2))
inp = torch.randn(4, 6)
with torch.autograd.graph.save_on_cpu(pin_memory=False):
    loss = model(inp).pow(2).mean()
loss.backward()
g1 = [p.grad.clone() for p in model.parameters()]
model.zero_grad()
model(inp).pow(2).mean().backward()
print("save_on_cpu grads equal:", all(torch.equal(a, p.grad) for a, p in zip(g1, model.parameters())))
print("loss", f"{loss.item():.5f}")

# ---- disable_saved_tensors_hooks -------------------------------------------------------------------------
with torch.autograd.graph.disable_saved_tensors_hooks("no hooks here, please"):
    try:
        with torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook):
            pass
    except RuntimeError as e:
        print(type(e).__name__, e)

# ---- tensor hooks -------------------------------------------------------------------------------------
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
h = x.register_hook(lambda g: g * 2)
(x * x).sum().backward()
print("doubled grad:", x.grad)
h.remove()
x.grad = None
(x * x).sum().backward()
print("after remove:", x.grad)

x.grad = None
mid = x * 3
mid.retain_grad()
log = []
mid.register_hook(lambda g: log.append(g.clone()))
(mid ** 2).sum().backward()
print("mid grad:", mid.grad, "hook saw:", log[0])
print("is_leaf", mid.is_leaf, "retains_grad", mid.retains_grad, x.retains_grad)
try:
    torch.ones(2).register_hook(lambda g: g)
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    mid.detach().register_hook(lambda g: g)
except RuntimeError as e:
    print(type(e).__name__, e)

# post-accumulate-grad hook on a leaf
p = torch.zeros(3, requires_grad=True)
p.register_post_accumulate_grad_hook(lambda t: print("accumulated:", t.grad))
(p + 1).sum().backward()
(p * 2).sum().backward()

# ---- module hooks -------------------------------------------------------------------------------------
net = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 1))
acts = {}


def save_output(name):
    def hook(module, inputs, output):
        acts[name] = output.detach()
    return hook


hs = [m.register_forward_hook(save_output(n)) for n, m in net.named_children()]
pre = net[0].register_forward_pre_hook(lambda m, inp: (inp[0] * 0.5,))
grads = {}
bh = net[2].register_full_backward_hook(lambda m, gin, gout: grads.update(gin=gin[0].shape, gout=gout[0].shape))
bph = net[0].register_full_backward_pre_hook(lambda m, gout: print("bwd pre:", tuple(gout[0].shape)))
xin = torch.randn(2, 4)
out = net(xin)
print("activations:", {k: tuple(v.shape) for k, v in acts.items()})
print("pre hook halves input:", torch.allclose(acts["0"], net[0](xin * 0.5).detach()))
out.sum().backward()
print("backward hook:", grads)
for hh in hs + [pre, bh, bph]:
    hh.remove()
print("hooks left:", len(net[0]._forward_hooks), len(net[0]._forward_pre_hooks))

# a forward hook that replaces the output
hh = net[1].register_forward_hook(lambda m, i, o: o * 0)
print("zeroed:", net(xin).detach().sub(net[2].bias).abs().max().item())
hh.remove()

# ---- hooks on one saved tensor: grad_fn._raw_saved_<name>.register_hooks --------------------------------
log = []


def pack_logged(t):
    log.append(f"pack grad_mode={torch.is_grad_enabled()}")
    return t.clone()


def unpack_logged(t):
    log.append("unpack")
    return t


x = torch.randn(4, requires_grad=True)
y = x.pow(2)
print("raw saved:", type(y.grad_fn._raw_saved_self).__name__)
y.grad_fn._raw_saved_self.register_hooks(pack_logged, unpack_logged)
print(log)
z = x.sin()
z.grad_fn._raw_saved_self.register_hooks(lambda t: print("given a leaf that requires grad?", t.requires_grad) or t,
                                         lambda t: t)
print("unpacked equal:", y.grad_fn._saved_self.equal(x), log[-1], len(log))
try:
    y.grad_fn._raw_saved_self.register_hooks(pack_logged, unpack_logged)
except RuntimeError as e:
    print(type(e).__name__, e)
y.sum().backward()
print("grad:", torch.allclose(x.grad, 2 * x))
try:
    y.grad_fn._raw_saved_self.register_hooks(pack_logged, unpack_logged)
except RuntimeError as e:
    print(type(e).__name__, str(e)[:90])
with torch.autograd.graph.saved_tensors_hooks(pack_logged, unpack_logged):
    y = x.exp()
print(log[-1])
try:
    y.grad_fn._raw_saved_result.register_hooks(pack_logged, unpack_logged)
except RuntimeError as e:
    print(type(e).__name__, e)
y = x.exp()
print("saved result is a new tensor each time:", y.grad_fn._saved_result is y.grad_fn._saved_result,
      type(y.grad_fn._saved_result.grad_fn).__name__, y.grad_fn._saved_result.requires_grad)

# a pack hook must not change its input in place
w = torch.randn(3, requires_grad=True)
try:
    with torch.autograd.graph.saved_tensors_hooks(lambda t: t.mul_(2), lambda t: t):
        (w * 1).sin()
except RuntimeError as e:
    print(type(e).__name__, e)

# what pack sees: an op's own output arrives already attached to the graph
seen = []
with torch.autograd.graph.saved_tensors_hooks(
        lambda t: seen.append((tuple(t.shape), t.requires_grad, type(t.grad_fn).__name__)) or t, lambda t: t):
    x.exp().tanh().sigmoid()
print("pack saw:", seen)

# compressing what is saved to half precision, as the tutorial suggests for memory
model = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 2))
with torch.autograd.graph.saved_tensors_hooks(lambda t: (t.dtype, t.half()), lambda p: p[1].to(p[0])):
    model(inp).pow(2).mean().backward()
print("half-stored grads:", [f"{p.grad.abs().sum().item():.3f}" for p in model.parameters()])

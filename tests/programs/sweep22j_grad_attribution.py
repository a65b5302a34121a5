"""Gradient-based attribution in the style of Captum tutorials and interpretability course notebooks,
written without Captum: a tiny embedding + attention classifier, saliency (|grad| of the target logit
with respect to the input embeddings, captured with a forward hook that calls retain_grad and a
tensor hook on the embedding output), input x gradient, integrated gradients with a torch.linspace
path batched through the model (Riemann trapezoid weights) and its completeness check, the same with
torch.func (vmap of grad of a closure over the model, still differentiable in its weights), attention
rollout from cached softmax patterns, full backward hooks recording gradient norms (with prepend=True
ordering), and attribution under torch.no_grad / torch.inference_mode guards and set_grad_enabled."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)
V, D, T, C = 20, 12, 6, 3


class SelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.q, self.v = nn.Linear(D, D), nn.Linear(D, D)
        self.k = nn.Linear(D, D, bias=False)      # a key bias cancels in the softmax
        self.softmax = nn.Softmax(dim=-1)     # a module, so its output can be hooked

    def forward(self, x):                      # x: [batch, pos, d]
        scores = torch.einsum("bqd,bkd->bqk", self.q(x), self.k(x)) / D ** 0.5
        return x + torch.einsum("bqk,bkd->bqd", self.softmax(scores), self.v(x))


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(V, D)
        self.layers = nn.ModuleList([SelfAttention(), SelfAttention()])
        self.norm = nn.LayerNorm(D)
        self.out = nn.Linear(D, C)

    def forward(self, tokens=None, inputs_embeds=None):
        x = self.embed(tokens) if inputs_embeds is None else inputs_embeds
        for layer in self.layers:
            x = layer(x)
        return self.out(self.norm(x).mean(dim=1))


model = Classifier()
data = torch.randint(0, V, (64, T))
target = (data[:, 0] + data[:, -1]) % C
opt = torch.optim.Adam(model.parameters(), lr=0.02)
for _ in range(20):
    loss = F.cross_entropy(model(data), target)
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"loss {loss.item():.3f} acc {(model(data).argmax(1) == target).float().mean().item():.3f}")
model.eval()

tokens = data[:2]
# --- saliency with a forward hook that keeps the embedding output's gradient ---
store = {}


def keep(module, inp, out):
    out.retain_grad()
    store["emb"] = out
    out.register_hook(lambda g: store.__setitem__("hook_grad_norm", g.norm().item()))


h = model.embed.register_forward_hook(keep)
logits = model(tokens)
chosen = logits.gather(1, target[:2, None]).sum()
chosen.backward()
h.remove()
emb = store["emb"]
saliency = emb.grad.abs().amax(dim=-1)
print("saliency", saliency.round(decimals=3))
print(f"hook saw grad norm {store['hook_grad_norm']:.4f} == {emb.grad.norm().item():.4f}", emb.is_leaf, type(emb.grad_fn).__name__)
input_x_grad = (emb * emb.grad).sum(-1)
print("input x grad", input_x_grad.detach().round(decimals=3))
model.zero_grad(set_to_none=True)
print(model.out.weight.grad)


# --- integrated gradients, baseline = zero embedding, batched over the path ---
def integrated_gradients(embeds, target_class, steps=32):
    baseline = torch.zeros_like(embeds)
    alphas = torch.linspace(0, 1, steps + 1)                               # [steps+1]
    path = baseline + alphas.view(-1, 1, 1) * (embeds - baseline)          # [steps+1, pos, d]
    path.requires_grad_(True)
    out = model(inputs_embeds=path)[:, target_class]
    (grads,) = torch.autograd.grad(out.sum(), path)
    w = torch.full((steps + 1,), 1.0 / steps)
    w[0] = w[-1] = 0.5 / steps                                             # trapezoid rule
    avg_grads = torch.einsum("s,spd->pd", w, grads)
    return (embeds - baseline) * avg_grads, out


for i in range(2):
    with torch.no_grad():
        embeds = model.embed(tokens[i])
    print("requires_grad inside no_grad:", embeds.requires_grad)
    ig, path_out = integrated_gradients(embeds, target[i].item())
    per_token = ig.sum(-1)
    delta = per_token.sum() - (path_out[-1] - path_out[0])
    print(f"example {i}: tokens {tokens[i].tolist()} class {target[i].item()}")
    print("   IG per token", per_token.detach().round(decimals=2), f"completeness gap {abs(delta.item()) < 0.05}")
    print("   top token position", per_token.argmax().item(), f"f(x)-f(0) = {(path_out[-1] - path_out[0]).item():.3f}")

# --- the same with torch.func: vmap over the path of grad of a closure over the model ---
from torch.func import grad, vmap

embeds = model.embed(tokens[0]).detach()
alphas = torch.linspace(0, 1, 17)
path = alphas[:, None, None] * embeds
f = lambda e: model(inputs_embeds=e[None])[0, target[0]]      # noqa: E731
path_grads = vmap(grad(f))(path)                                 # [steps, pos, d]
ig_func = (embeds * torch.trapezoid(path_grads, alphas, dim=0)).sum(-1)
print("func IG", ig_func.round(decimals=2), path_grads.requires_grad)
ig_func.sum().backward()                                          # still tied to the model's weights
print(f"{model.out.weight.grad.abs().sum().item():.3f}")
model.zero_grad()

# --- attention rollout from cached softmax patterns ---
patterns = []
handles = [layer.softmax.register_forward_hook(lambda m, i, o: patterns.append(o)) for layer in model.layers]
with torch.inference_mode():
    model(tokens)
for hd in handles:
    hd.remove()
rollout = torch.eye(T).expand(2, T, T)
for p in patterns:
    a = 0.5 * p + 0.5 * torch.eye(T)                 # residual connection
    rollout = torch.bmm(a / a.sum(-1, keepdim=True), rollout)
print("rollout (mean over queries)", rollout.mean(1).round(decimals=3))
print(patterns[0].is_inference(), patterns[0].requires_grad, torch.is_inference_mode_enabled())

# --- full backward hooks: gradient norms per layer, order of prepend ---
grad_log = []
hooks = []
for name, mod in model.named_modules():
    if isinstance(mod, (nn.Linear, nn.LayerNorm)):
        hooks.append(mod.register_full_backward_hook(
            lambda m, gin, gout, name=name: grad_log.append((name, round(gout[0].norm().item(), 3)))))
hooks.append(model.out.register_full_backward_hook(lambda m, gin, gout: grad_log.append(("first", None)),
                                                   prepend=True))
hooks.append(model.out.register_full_backward_pre_hook(lambda m, gout: (gout[0] * 2,)))
with torch.set_grad_enabled(True):
    F.cross_entropy(model(data[:8]), target[:8]).backward()
for hd in hooks:
    hd.remove()
print(grad_log[:4])
print([n for n, _ in grad_log])
print(f"{model.out.bias.grad.abs().sum().item():.4f}", len(model.out._backward_pre_hooks), len(model.out._backward_hooks))

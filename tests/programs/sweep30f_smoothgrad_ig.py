"""Saliency maps on a small image classifier, the way an explainability course notebook builds them:
vanilla gradients (input.requires_grad_), gradient x input, SmoothGrad and SmoothGrad-squared with
noise drawn from a seeded torch.Generator, VarGrad, integrated gradients with a torch.linspace path
batched through the model (left/right/trapezoid Riemann sums) and its completeness gap, blur-baseline
IG, expected gradients with random baselines, and a saliency sanity check (cascading randomisation)
scored by Spearman rank correlation."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_printoptions(precision=4, sci_mode=False)

C, H, W, K = 1, 8, 8, 3


def make_data(n, gen):
    x = torch.randn(n, C, H, W, generator=gen) * 0.3
    y = torch.randint(0, K, (n,), generator=gen)
    for i in range(n):
        r = int(y[i]) * 2 + 1
        x[i, 0, r:r + 2, 2:6] += 1.5        # a bright bar whose row encodes the class
    return x, y


gen = torch.Generator().manual_seed(1234)
x_train, y_train = make_data(96, gen)

model = nn.Sequential(
    nn.Conv2d(C, 4, 3, padding=1), nn.ReLU(),
    nn.Conv2d(4, 6, 3, padding=1, stride=2), nn.ReLU(),
    nn.Flatten(), nn.Linear(6 * 4 * 4, K),
)
print(model)
opt = torch.optim.Adam(model.parameters(), lr=0.01)
for epoch in range(30):
    opt.zero_grad(set_to_none=True)
    loss = F.cross_entropy(model(x_train), y_train)
    loss.backward()
    opt.step()
    if epoch % 10 == 9:
        acc = (model(x_train).argmax(1) == y_train).float().mean()
        print(f"epoch {epoch + 1}: loss {loss.item():.4f} acc {acc.item():.3f}")
model.eval()
for p in model.parameters():
    p.requires_grad_(False)

x0 = x_train[:1].clone()
label = int(y_train[0])
print("label", label, "pred", model(x0).argmax(1).item())

# vanilla gradient
inp = x0.clone().requires_grad_()
score = model(inp)[0, label]
score.backward()
sal = inp.grad.abs().squeeze()
print("vanilla saliency rows:", sal.sum(dim=1))
print("argmax pixel:", divmod(int(sal.argmax()), W))
gxi = (inp.grad * inp).detach().squeeze()
print("grad*input total {:.4f}".format(gxi.sum().item()))


# SmoothGrad: average gradients of noisy copies
def grads_of(batch, target):
    batch = batch.detach().requires_grad_(True)
    out = model(batch)
    (g,) = torch.autograd.grad(out[:, target].sum(), batch)
    return g


noise_gen = torch.Generator().manual_seed(7)
sigma = 0.15 * (x0.max() - x0.min())
n_samples = 25
noise = torch.randn((n_samples,) + tuple(x0.shape[1:]), generator=noise_gen) * sigma
g = grads_of(x0 + noise, label)
smooth = g.mean(0).squeeze()
smooth_sq = (g ** 2).mean(0).squeeze()
vargrad = g.var(0, unbiased=True).squeeze()
print("smoothgrad row energy:", smooth.abs().sum(1))
print("smoothgrad^2 max {:.5f} vargrad max {:.5f}".format(smooth_sq.max().item(), vargrad.max().item()))
print("noise std {:.4f} (sigma {:.4f})".format(noise.std().item(), sigma.item()))


# integrated gradients
def integrated_gradients(x, baseline, target, steps=32, rule="trapezoid"):
    alphas = torch.linspace(0, 1, steps + 1).view(-1, 1, 1, 1)
    path = baseline + alphas * (x - baseline)
    g = grads_of(path, target)
    if rule == "left":
        avg = g[:-1].mean(0)
    elif rule == "right":
        avg = g[1:].mean(0)
    else:
        avg = (g[:-1] + g[1:]).mul(0.5).mean(0)
    return (x - baseline).squeeze(0) * avg


baseline = torch.zeros_like(x0)
with torch.no_grad():
    f_x = model(x0)[0, label].item()
    f_b = model(baseline)[0, label].item()
for rule in ("left", "right", "trapezoid"):
    ig = integrated_gradients(x0, baseline, label, rule=rule)
    gap = abs(ig.sum().item() - (f_x - f_b))
    print(f"IG {rule:9s} sum {ig.sum().item():.4f} target {f_x - f_b:.4f} gap<0.05 {gap < 0.05}")
ig = integrated_gradients(x0, baseline, label, steps=64)
print("IG top-5 pixels:", torch.topk(ig.flatten(), 5).indices.tolist())

blur = F.avg_pool2d(F.pad(x0, (2, 2, 2, 2), mode="replicate"), 5, stride=1)
print("blurred baseline shape", tuple(blur.shape), "mean {:.4f}".format(blur.mean().item()))
ig_blur = integrated_gradients(x0, blur, label, steps=32)
print("blur-IG row sums:", ig_blur.squeeze().sum(1))

# expected gradients: random baselines from the data, random alphas
eg_gen = torch.Generator().manual_seed(99)
idx = torch.randint(0, x_train.shape[0], (20,), generator=eg_gen)
refs = x_train[idx]
alpha = torch.rand(20, 1, 1, 1, generator=eg_gen)
pts = refs + alpha * (x0 - refs)
eg = ((x0 - refs) * grads_of(pts, label)).mean(0).squeeze()
print("expected-gradients attribution sum {:.3f}".format(eg.sum().item()))


# sanity check: re-initialise layers from the top and compare rank correlation of saliency maps
def rankdata(v):
    r = torch.empty_like(v)
    r[v.argsort()] = torch.arange(v.numel(), dtype=v.dtype)
    return r


def spearman(a, b):
    ra, rb = rankdata(a.flatten()), rankdata(b.flatten())
    ra, rb = ra - ra.mean(), rb - rb.mean()
    return (ra @ rb / (ra.norm() * rb.norm())).item()


ref_map = integrated_gradients(x0, baseline, label).abs()
state = {k: v.clone() for k, v in model.state_dict().items()}
torch.manual_seed(5)
for name in ["5", "2", "0"]:
    layer = model[int(name)]
    layer.reset_parameters()
    m = integrated_gradients(x0, baseline, label).abs()
    print(f"randomised down to layer {name}: spearman {spearman(ref_map, m):.3f}")
missing = model.load_state_dict(state)
print(missing)
print("restored:", torch.equal(model[0].weight, state["0.weight"]))

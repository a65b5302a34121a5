"""Course notebook comparing normalisation layers on the same activations: LayerNorm (default,
elementwise_affine=False, bias=False), GroupNorm with 1 / 2 / C groups (LayerNorm- and
InstanceNorm-like), InstanceNorm1d/2d (affine, track_running_stats), LocalResponseNorm and RMSNorm,
each checked against a hand-written formula, with parameter counts, reprs and a small training step
to see the gradients flow."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(42)
x = torch.randn(4, 6, 5, 5) * 3 + 2

print("=== LayerNorm ===")
for kw in [{}, {"elementwise_affine": False}, {"bias": False}, {"eps": 1e-2}]:
    ln = nn.LayerNorm([5, 5], **kw)
    y = ln(x)
    n_params = sum(p.numel() for p in ln.parameters())
    print(ln, "params", n_params, "weight", None if ln.weight is None else tuple(ln.weight.shape),
          "bias", None if ln.bias is None else tuple(ln.bias.shape))
    mu = x.mean((-2, -1), keepdim=True)
    var = x.var((-2, -1), unbiased=False, keepdim=True)
    ref = (x - mu) / torch.sqrt(var + ln.eps)
    print("  max err vs hand", f"{(y - ref).abs().max().item():.5f}", "|mean|<1e-5", y.mean().abs().item() < 1e-5,
          "grad_fn", type(y.grad_fn).__name__)

print("=== GroupNorm ===")
for g in [1, 2, 3, 6]:
    gn = nn.GroupNorm(g, 6)
    y = gn(x)
    xg = x.view(4, g, -1)
    ref = ((xg - xg.mean(-1, keepdim=True)) / torch.sqrt(xg.var(-1, unbiased=False, keepdim=True) + gn.eps)).view_as(x)
    print(gn, f"err={(y - ref).abs().max().item():.5f}", "per-group std",
          y.view(4, g, -1).std(-1, unbiased=False)[0].detach().numpy().round(3).tolist())
gn_na = nn.GroupNorm(2, 6, affine=False)
print(gn_na, list(gn_na.parameters()))
ln_like = nn.GroupNorm(1, 6, affine=False)(x)
print("GroupNorm(1) == LayerNorm over CHW:",
      torch.allclose(ln_like, F.layer_norm(x, x.shape[1:]), atol=1e-5))
in_like = nn.GroupNorm(6, 6, affine=False)(x)
print("GroupNorm(C) == InstanceNorm2d:", torch.allclose(in_like, F.instance_norm(x), atol=1e-5))
try:
    nn.GroupNorm(4, 6)
except ValueError as e:
    print("ValueError:", e)

print("=== InstanceNorm ===")
in1 = nn.InstanceNorm1d(3)
in1a = nn.InstanceNorm1d(3, affine=True, track_running_stats=True)
in2 = nn.InstanceNorm2d(6, track_running_stats=True, momentum=0.3)
print(in1, in1a, in2, sep="\n")
seq = torch.randn(2, 3, 10) * 2 - 1
print("in1", in1(seq)[0, :, :4].numpy().round(4).tolist())
for step in range(3):
    out = in1a(seq + step)
    _ = in2(x * (step + 1))
print("in1a running_mean", in1a.running_mean.numpy().round(4).tolist(),
      "running_var", in1a.running_var.numpy().round(4).tolist(), "n", in1a.num_batches_tracked.item())
print("in2 running_mean", in2.running_mean.numpy().round(4).tolist())
print("in2 running_var", in2.running_var.numpy().round(3).tolist())
in1a.eval()
in2.eval()
print("in1a eval", in1a(seq)[1, :, :3].detach().numpy().round(4).tolist())
print("in2 eval mean", in2(x).mean((0, 2, 3)).numpy().round(4).tolist())
print("state_dict", list(in1a.state_dict().keys()))
print("unbatched InstanceNorm1d", nn.InstanceNorm1d(3)(seq[0]).shape)

print("=== LocalResponseNorm ===")
for lrn in [nn.LocalResponseNorm(2), nn.LocalResponseNorm(3, alpha=1e-2, beta=0.5, k=2.0)]:
    y = lrn(x)
    sq = x.pow(2).unsqueeze(1)
    n = lrn.size
    div = F.pad(sq, (0, 0, 0, 0, n // 2, (n - 1) // 2))
    div = F.avg_pool3d(div, (n, 1, 1), stride=1).squeeze(1)
    ref = x / (lrn.k + lrn.alpha * div).pow(lrn.beta)
    print(lrn, f"err={(y - ref).abs().max().item():.5f}", y[0, :, 0, 0].numpy().round(4).tolist())
print("LRN 3d input", nn.LocalResponseNorm(2)(torch.randn(2, 4, 7)).shape)

print("=== RMSNorm ===")
for rms in [nn.RMSNorm(5), nn.RMSNorm([5, 5], eps=1e-3), nn.RMSNorm(5, elementwise_affine=False)]:
    y = rms(x)
    dims = tuple(range(-len(rms.normalized_shape), 0))
    eps = rms.eps if rms.eps is not None else torch.finfo(x.dtype).eps
    ref = x * torch.rsqrt(x.pow(2).mean(dims, keepdim=True) + eps)
    print(rms, f"err={(y - ref).abs().max().item():.5f}", "rms of out",
          f"{y.pow(2).mean().sqrt().item():.4f}")

print("=== tiny training step through each norm ===")
torch.manual_seed(1)
norms = {"bn": nn.BatchNorm2d(6), "ln": nn.LayerNorm([6, 5, 5]), "gn": nn.GroupNorm(3, 6),
         "in": nn.InstanceNorm2d(6, affine=True), "rms": nn.RMSNorm([5, 5])}
for name, norm in norms.items():
    conv = nn.Conv2d(6, 6, 3, padding=1)
    model = nn.Sequential(conv, norm, nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6, 2))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    target = torch.tensor([0, 1, 1, 0])
    for step in range(3):
        loss = F.cross_entropy(model(x), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
    gnorm = sum(p.grad.norm() ** 2 for p in norm.parameters()) ** 0.5
    print(f"{name:4s} loss={loss.item():.4f} norm-param grad={gnorm.item():.4f} "
          f"n_params={sum(p.numel() for p in norm.parameters())}")

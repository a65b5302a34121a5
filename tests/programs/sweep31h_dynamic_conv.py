"""Dynamic (per-sample) convolution and CondConv mixture-of-kernels routing.

A per-sample kernel is applied to a whole batch at once with the grouped-convolution trick:
fold the batch into channels, use groups=batch, and unfold the result."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

B, C_in, C_out, H, W, K = 3, 2, 4, 6, 6, 3


def per_sample_conv2d(x, weight, bias=None, padding=0, stride=1):
    """x: (B, Cin, H, W), weight: (B, Cout, Cin, K, K) -> (B, Cout, H', W')."""
    b, cin, h, w = x.shape
    cout = weight.shape[1]
    out = F.conv2d(x.reshape(1, b * cin, h, w), weight.reshape(b * cout, cin, *weight.shape[3:]),
                   bias=None if bias is None else bias.reshape(-1), padding=padding, stride=stride,
                   groups=b)
    return out.view(b, cout, out.size(-2), out.size(-1))


x = torch.randn(B, C_in, H, W)
w = (torch.randn(B, C_out, C_in, K, K) * 0.3).requires_grad_()
bias = torch.randn(B, C_out) * 0.1
y = per_sample_conv2d(x, w, bias, padding=1)
loop = torch.cat([F.conv2d(x[i:i + 1], w[i], bias[i], padding=1) for i in range(B)])
print("grouped trick shape:", tuple(y.shape), "matches loop:", torch.allclose(y, loop, atol=1e-5))
print(y.grad_fn.name())
y2 = per_sample_conv2d(x, w, stride=2)
print("stride 2, no padding:", tuple(y2.shape))
print(y2[0, 0])


class KernelPredictor(nn.Module):
    """Predicts a depthwise kernel per sample from a global descriptor (dynamic filter network)."""

    def __init__(self, channels, k):
        super().__init__()
        self.channels, self.k = channels, k
        self.fc = nn.Sequential(nn.Linear(channels, 16), nn.SiLU(), nn.Linear(16, channels * k * k))

    def forward(self, x):
        desc = x.mean(dim=(2, 3))
        kern = self.fc(desc).view(-1, self.channels, 1, self.k, self.k)
        return F.softmax(kern.flatten(-2), dim=-1).view_as(kern)


pred = KernelPredictor(C_in, K)
kern = pred(x)
w = w.detach()
print("predicted kernel:", tuple(kern.shape), "rows sum to 1:",
      torch.allclose(kern.sum(dim=(-1, -2)), torch.ones(B, C_in, 1)))
b, c = x.shape[:2]
dw = F.conv2d(F.pad(x, (1, 1, 1, 1), mode="reflect").reshape(1, b * c, H + 2, W + 2),
              kern.reshape(b * c, 1, K, K), groups=b * c).view(b, c, H, W)
print("dynamic depthwise:", tuple(dw.shape), f"{dw.abs().mean().item():.4f}")
g = torch.autograd.grad(dw.pow(2).sum(), pred.fc[0].weight)[0]
print("grad into predictor:", tuple(g.shape), f"{g.norm().item():.4f}")


class CondConv2d(nn.Module):
    """CondConv (Yang et al. 2019): a sample-dependent mixture of E expert kernels."""

    def __init__(self, cin, cout, k, num_experts=4, padding=0):
        super().__init__()
        self.cin, self.cout, self.k, self.padding = cin, cout, k, padding
        self.weight = nn.Parameter(torch.empty(num_experts, cout, cin, k, k))
        self.bias = nn.Parameter(torch.zeros(num_experts, cout))
        for e in range(num_experts):
            nn.init.kaiming_uniform_(self.weight[e], a=5 ** 0.5)
        self.route = nn.Linear(cin, num_experts)

    def extra_repr(self):
        return f"{self.cin}, {self.cout}, kernel_size={self.k}, experts={self.weight.shape[0]}"

    def forward(self, x):
        r = torch.sigmoid(self.route(F.adaptive_avg_pool2d(x, 1).flatten(1)))   # (B, E)
        w = torch.einsum("be,eoikl->boikl", r, self.weight)
        bb = r @ self.bias
        return per_sample_conv2d(x, w, bb, padding=self.padding), r


cc = CondConv2d(C_in, C_out, K, padding=1)
print(cc)
out, routing = cc(x)
print("routing weights:\n", routing)
print("out:", tuple(out.shape), out.grad_fn.name())
ref = torch.stack([F.conv2d(x[i], (routing[i, :, None, None, None, None] * cc.weight).sum(0),
                            routing[i] @ cc.bias, padding=1) for i in range(B)])
print("CondConv matches per-sample reference:", torch.allclose(out, ref, atol=1e-5))
loss = out.square().mean()
loss.backward()
print("expert weight grad norms:", [round(v, 4) for v in cc.weight.grad.flatten(1).norm(dim=1).tolist()])
print("router grad:", cc.route.weight.grad.shape, cc.route.bias.grad)

# --- softmax-routed dynamic conv (DyNet / "Dynamic Convolution") with temperature annealing
class DynamicConv(nn.Module):
    def __init__(self, cin, cout, k, experts=3, temperature=30.0):
        super().__init__()
        self.temperature = temperature
        self.experts = nn.ModuleList(nn.Conv2d(cin, cout, k, padding=k // 2, bias=False) for _ in range(experts))
        self.attn = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, experts))

    def forward(self, x):
        a = F.softmax(self.attn(x) / self.temperature, dim=1)
        stacked = torch.stack([conv.weight for conv in self.experts])
        w = (a[:, :, None, None, None, None] * stacked.unsqueeze(0)).sum(1)
        return per_sample_conv2d(x, w, padding=self.experts[0].padding[0]), a


dyn = DynamicConv(C_in, C_out, 3)
print(dyn)
for temp in (30.0, 1.0, 0.1):
    dyn.temperature = temp
    _, a = dyn(x)
    ent = -(a * a.clamp_min(1e-12).log()).sum(1)
    print(f"T={temp:5.1f} attention entropy", [round(v, 3) for v in ent.tolist()])

opt = torch.optim.AdamW(dyn.parameters(), lr=5e-2, weight_decay=1e-2)
dyn.temperature = 1.0
tgt = torch.randn(B, C_out, H, W)
for it in range(30):
    o, a = dyn(x)
    l = F.smooth_l1_loss(o, tgt, beta=0.5)
    opt.zero_grad()
    l.backward()
    opt.step()
    if it % 10 == 9:
        print(f"iter {it + 1} loss {l.item():.4f}")
print("state_dict keys:", list(dyn.state_dict().keys()))
print("Adam state of first expert:", sorted(opt.state[dyn.experts[0].weight].keys()))

# --- 1-D version with unfold: per-sample kernels as a batched matmul
seq = torch.randn(B, C_in, 10)
k1 = torch.randn(B, C_out, C_in, 3)
cols = F.unfold(seq.unsqueeze(2), kernel_size=(1, 3), padding=(0, 1))   # (B, Cin*3, L)
y1 = torch.bmm(k1.flatten(2), cols)
ref1 = F.conv1d(seq.reshape(1, B * C_in, 10), k1.reshape(B * C_out, C_in, 3), padding=1, groups=B).view(B, C_out, 10)
print("unfold matmul == grouped conv1d:", torch.allclose(y1, ref1, atol=1e-5))
print(y1[1, :, :4])

# errors from mismatched groups
try:
    F.conv2d(x.reshape(1, B * C_in, H, W), w.reshape(B * C_out, C_in, K, K), groups=2)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    F.conv2d(x, w.reshape(B * C_out, C_in, K, K), groups=5)
except RuntimeError as e:
    print("RuntimeError:", e)

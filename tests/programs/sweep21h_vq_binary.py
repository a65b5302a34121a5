"""Straight-through estimators in two classic settings: a VQ-VAE style vector quantiser (nearest code
by cdist / expanded squared distances, codebook + commitment loss, quantized = x + (q - x).detach(),
EMA codebook updates, perplexity), and binary / ternary weight networks (BinaryConnect sign with a
clamp-gated STE as a custom autograd.Function, XNOR-style scaling, TWN thresholds, round-STE
quantisation-aware training with fake quantisation), trained briefly on synthetic data."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class VectorQuantizer(nn.Module):
    def __init__(self, num_embeddings, embedding_dim, commitment_cost=0.25):
        super().__init__()
        self._embedding_dim = embedding_dim
        self._num_embeddings = num_embeddings
        self._embedding = nn.Embedding(num_embeddings, embedding_dim)
        self._embedding.weight.data.uniform_(-1 / num_embeddings, 1 / num_embeddings)
        self._commitment_cost = commitment_cost

    def forward(self, inputs):
        inputs = inputs.permute(0, 2, 1).contiguous()             # B, L, C
        input_shape = inputs.shape
        flat_input = inputs.view(-1, self._embedding_dim)
        distances = (torch.sum(flat_input ** 2, dim=1, keepdim=True)
                     + torch.sum(self._embedding.weight ** 2, dim=1)
                     - 2 * torch.matmul(flat_input, self._embedding.weight.t()))
        encoding_indices = torch.argmin(distances, dim=1).unsqueeze(1)
        encodings = torch.zeros(encoding_indices.shape[0], self._num_embeddings)
        encodings.scatter_(1, encoding_indices, 1)
        quantized = torch.matmul(encodings, self._embedding.weight).view(input_shape)
        e_latent_loss = F.mse_loss(quantized.detach(), inputs)
        q_latent_loss = F.mse_loss(quantized, inputs.detach())
        loss = q_latent_loss + self._commitment_cost * e_latent_loss
        quantized = inputs + (quantized - inputs).detach()
        avg_probs = torch.mean(encodings, dim=0)
        perplexity = torch.exp(-torch.sum(avg_probs * torch.log(avg_probs + 1e-10)))
        return loss, quantized.permute(0, 2, 1).contiguous(), perplexity, encoding_indices.view(input_shape[:-1])


class VQAutoencoder(nn.Module):
    def __init__(self, c=6, d=4, k=8):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv1d(c, 12, 3, padding=1), nn.ReLU(), nn.Conv1d(12, d, 1))
        self.vq = VectorQuantizer(k, d)
        self.dec = nn.Sequential(nn.Conv1d(d, 12, 3, padding=1), nn.ReLU(), nn.Conv1d(12, c, 1))

    def forward(self, x):
        z = self.enc(x)
        vq_loss, q, perp, idx = self.vq(z)
        return self.dec(q), vq_loss, perp, idx


torch.manual_seed(0)
x = torch.randn(8, 6, 10).cumsum(-1) / 3
model = VQAutoencoder()
print(model)
opt = torch.optim.Adam(model.parameters(), lr=5e-3)
for step in range(12):
    recon, vq_loss, perp, idx = model(x)
    rec = F.mse_loss(recon, x)
    loss = rec + vq_loss
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 3 == 0:
        print(f"step {step:2d} recon {rec.item():.4f} vq {vq_loss.item():.4f} perplexity {perp.item():.3f}")
print("codes used", torch.unique(idx).tolist(), idx.shape, idx.dtype)
print("codebook grad", model.vq._embedding.weight.grad.abs().sum(-1).gt(0).tolist())

# the same lookup with cdist and the embedding table; EMA codebook update
with torch.no_grad():
    z = model.enc(x).permute(0, 2, 1).reshape(-1, 4)
    cb = model.vq._embedding.weight
    idx2 = torch.cdist(z, cb).argmin(-1)
    print("cdist agrees", torch.equal(idx2, idx.reshape(-1)), torch.cdist(z[:2], cb).round(decimals=3))
    onehot = F.one_hot(idx2, 8).type(z.dtype)
    cluster_size = torch.zeros(8).mul_(0.99).add_(onehot.sum(0), alpha=0.01)
    embed_sum = onehot.t() @ z
    n = cluster_size.sum()
    cluster_size = (cluster_size + 1e-5) / (n + 8 * 1e-5) * n
    new_cb = (cb * 0.99 + 0.01 * embed_sum) / cluster_size.unsqueeze(1).clamp(min=1e-3)
    print("ema cluster", cluster_size.round(decimals=4), new_cb.shape, torch.isfinite(new_cb).all().item())
    emb = F.embedding(idx2[:5], cb)
    print("F.embedding", emb.round(decimals=4))


class BinarizeSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.sign()

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input.abs() > 1] = 0
        return grad_input


class BinaryLinear(nn.Linear):
    def forward(self, input):
        alpha = self.weight.abs().mean(dim=1, keepdim=True)            # XNOR-net scaling
        wb = BinarizeSTE.apply(self.weight) * alpha
        return F.linear(input, wb, self.bias)


def ternarize(w, delta_factor=0.7):
    delta = delta_factor * w.abs().mean()
    mask = (w.abs() > delta).float()
    alpha = (w.abs() * mask).sum() / mask.sum()
    wt = alpha * torch.sign(w) * mask
    return w + (wt - w).detach()


class TernaryLinear(nn.Linear):
    def forward(self, input):
        return F.linear(input, ternarize(self.weight), self.bias)


def fake_quant(x, bits=4):
    qmax = 2 ** (bits - 1) - 1
    scale = x.detach().abs().max().clamp(min=1e-8) / qmax
    q = torch.clamp(torch.round(x / scale), -qmax - 1, qmax) * scale
    return x + (q - x).detach()


w = torch.tensor([[0.5, -1.5, 0.02, -0.3], [2.0, 0.1, -0.7, 0.0]], requires_grad=True)
b = BinarizeSTE.apply(w)
(b * torch.arange(8.0).view(2, 4)).sum().backward()
print("sign", b.tolist(), "STE grad", w.grad.tolist(), b.grad_fn.name())
t = ternarize(w.detach())
print("ternary", t.round(decimals=4), torch.unique(t).numel())
print("fake quant", fake_quant(torch.linspace(-1, 1, 9), 3).round(decimals=4))
xr = torch.linspace(-2, 2, 7, requires_grad=True)
y = xr + (torch.round(xr) - xr).detach()
y.sum().backward()
print("round STE", y.tolist(), xr.grad.tolist())
xs = torch.linspace(-2, 2, 7, requires_grad=True)
hard_tanh_ste = xs.clamp(-1, 1) + (torch.sign(xs) - xs.clamp(-1, 1)).detach()
hard_tanh_ste.sum().backward()
print("sign STE via clamp", hard_tanh_ste.tolist(), xs.grad.tolist())

# train binary / ternary / fake-quant nets on a toy task
torch.manual_seed(1)
X = torch.randn(96, 8)
y = ((X[:, 0] - X[:, 1] + 0.5 * X[:, 2]) > 0).long()
for name, layer in [("binary", BinaryLinear), ("ternary", TernaryLinear), ("float", nn.Linear)]:
    torch.manual_seed(2)
    net = nn.Sequential(layer(8, 16, bias=False), nn.BatchNorm1d(16), nn.Hardtanh(), layer(16, 2))
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    for epoch in range(15):
        out = net(X)
        loss = F.cross_entropy(out, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        for p in net.parameters():           # BinaryConnect keeps the real weights in [-1, 1]
            if p.dim() == 2 and name != "float":
                p.data.clamp_(-1, 1)
    net.eval()
    acc = (net(X).argmax(-1) == y).float().mean().item()
    print(f"{name:8s} loss {loss.item():.3f} acc {acc:.3f} w range "
          f"[{net[0].weight.min().item():.3f}, {net[0].weight.max().item():.3f}]")

torch.manual_seed(3)
qnet = nn.Linear(8, 2)
opt = torch.optim.SGD(qnet.parameters(), lr=0.5)
for it in range(10):
    out = F.linear(fake_quant(X, 4), fake_quant(qnet.weight, 3), qnet.bias)
    loss = F.cross_entropy(out, y)
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"qat loss {loss.item():.4f} levels {torch.unique(fake_quant(qnet.weight, 3)).numel()}")

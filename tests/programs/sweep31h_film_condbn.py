"""FiLM conditioning and conditional batch normalization on a tiny conv net.

FiLM (Perez et al. 2018): a condition vector predicts a per-channel scale gamma and shift beta
applied to feature maps.  Conditional BN: BatchNorm2d(affine=False) followed by class-dependent
gamma/beta looked up from embeddings."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(31)


class FiLM(nn.Module):
    def __init__(self, cond_dim, channels):
        super().__init__()
        self.proj = nn.Linear(cond_dim, 2 * channels)
        nn.init.zeros_(self.proj.weight)
        with torch.no_grad():
            self.proj.bias[:channels].fill_(1.0)
            self.proj.bias[channels:].zero_()

    def forward(self, x, cond):
        gamma, beta = self.proj(cond).chunk(2, dim=-1)
        return gamma[:, :, None, None] * x + beta.unsqueeze(-1).unsqueeze(-1)


class ConditionalBatchNorm2d(nn.Module):
    def __init__(self, num_features, num_classes):
        super().__init__()
        self.bn = nn.BatchNorm2d(num_features, affine=False, momentum=0.2)
        self.embed = nn.Embedding(num_classes, num_features * 2)
        self.embed.weight.data[:, :num_features].normal_(1, 0.02)
        self.embed.weight.data[:, num_features:].zero_()

    def forward(self, x, y):
        out = self.bn(x)
        gamma, beta = self.embed(y).chunk(2, 1)
        return gamma.view(-1, out.size(1), 1, 1) * out + beta.view(-1, out.size(1), 1, 1)


class FiLMedNet(nn.Module):
    def __init__(self, cond_dim=5, n_classes=3):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3, padding=1)
        self.cbn = ConditionalBatchNorm2d(6, n_classes)
        self.film = FiLM(cond_dim, 6)
        self.conv2 = nn.Conv2d(6, 4, 3, stride=2)
        self.head = nn.Linear(4, 2)

    def forward(self, x, cond, label):
        h = self.conv1(x)
        h = F.relu(self.cbn(h, label))
        h = self.film(h, cond)
        h = F.gelu(self.conv2(h))
        return self.head(F.adaptive_avg_pool2d(h, 1).flatten(1))


net = FiLMedNet()
print(net)
for name, buf in net.named_buffers():
    print(name, tuple(buf.shape), buf.dtype)

x = torch.randn(8, 1, 7, 7)
cond = torch.randn(8, 5)
label = torch.randint(0, 3, (8,))
print("labels:", label.tolist())

# at init, FiLM is the identity
h = net.conv1(x)
print("FiLM identity at init:", torch.equal(net.film(h, cond), h * 1.0 + 0.0))

out = net(x, cond, label)
print(out)
print("running mean:", net.cbn.bn.running_mean)
print("running var:", net.cbn.bn.running_var)
print("num_batches_tracked:", net.cbn.bn.num_batches_tracked)

# --- train to classify whether the condition's first feature is positive
opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, nesterov=True)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=20, gamma=0.5)
for step in range(50):
    xb = torch.randn(16, 1, 7, 7)
    cb = torch.randn(16, 5)
    lb = torch.randint(0, 3, (16,))
    target = (cb[:, 0] > 0).long()
    logits = net(xb, cb, lb)
    loss = F.cross_entropy(logits, target)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    gnorm = nn.utils.clip_grad_norm_(net.parameters(), max_norm=2.0)
    opt.step()
    sched.step()
    if step % 10 == 0 or step == 49:
        acc = (logits.argmax(1) == target).float().mean()
        print(f"step {step:2d} loss {loss.item():.3f} acc {acc.item():.3f} lr {sched.get_last_lr()[0]:.4f}")

net.eval()
with torch.no_grad():
    cb = torch.randn(200, 5)
    pred = net(torch.randn(200, 1, 7, 7), cb, torch.randint(0, 3, (200,))).argmax(1)
    acc = (pred == (cb[:, 0] > 0).long()).float().mean()
    print(f"eval accuracy {acc.item():.2f}")
    gb = net.film.proj(cb[:4])
    print("gamma/beta from the condition:", tuple(gb.shape))
    print("mean |gamma-1| {:.3f}, mean |beta| {:.3f}".format(
        (gb[:, :6] - 1).abs().mean().item(), gb[:, 6:].abs().mean().item()))
    print("class gammas:\n", net.cbn.embed.weight[:, :6])

# --- eval mode uses running stats: one sample gives the same answer alone or in a batch
xs = torch.randn(4, 1, 7, 7)
cs = torch.randn(4, 5)
ls = torch.tensor([0, 1, 2, 1])
with torch.no_grad():
    batch = net(xs, cs, ls)
    single = net(xs[2:3], cs[2:3], ls[2:3])
print("eval batch-independent:", torch.allclose(batch[2:3], single, atol=1e-6))

# in train mode, a single-sample BN with 1x1 spatial size fails
net.train()
try:
    net.cbn.bn(torch.randn(1, 6, 1, 1))
except ValueError as e:
    print("ValueError:", e)
try:
    net.cbn(torch.randn(2, 6, 3, 3), torch.tensor([0, 3]))
except IndexError as e:
    print("IndexError:", e)

# --- FiLM via functional batch_norm with per-sample affine through autograd
feat = torch.randn(3, 4, 5, 5, requires_grad=True)
gamma = torch.rand(3, 4, requires_grad=True)
beta = torch.zeros(3, 4, requires_grad=True)
normed = F.batch_norm(feat, None, None, training=True)
y = torch.addcmul(beta[..., None, None], gamma[..., None, None], normed)
print(y.grad_fn.name(), normed.grad_fn.name())
dg, db, dx = torch.autograd.grad(y.square().sum(), (gamma, beta, feat))
print("dgamma:\n", dg)
print("dbeta:", db.abs().max().item() < 1e-4)
print("dx norm: {:.4f}".format(dx.norm().item()))

# instance norm + FiLM (AdaIN-style)
style = torch.randn(2, 8)
content = torch.randn(2, 4, 6, 6)
mu, sigma = style[:, :4], style[:, 4:].exp()
adain = sigma[:, :, None, None] * F.instance_norm(content) + mu[:, :, None, None]
print("AdaIN channel means:\n", adain.mean(dim=(2, 3)))
print("AdaIN channel stds:\n", adain.std(dim=(2, 3), unbiased=False))
print("matches:", torch.allclose(adain.mean(dim=(2, 3)), mu, atol=1e-5))

"""Capsule networks' dynamic routing (Sabour et al. 2017) as the popular PyTorch re-implementations
write it: a conv stem, primary capsules from a Conv2d reshaped into 8-d vectors, the squash
non-linearity, prediction vectors u_hat from a (1, in_caps, out_caps, out_dim, in_dim) weight by
broadcast matmul, routing-by-agreement with softmax over the output capsules and detached u_hat in
the inner iterations, the margin loss, the masked reconstruction decoder, and a few Adam steps."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd import Variable


def squash(s, dim=-1):
    squared_norm = (s ** 2).sum(dim=dim, keepdim=True)
    scale = squared_norm / (1 + squared_norm)
    return scale * s / torch.sqrt(squared_norm + 1e-8)


class PrimaryCaps(nn.Module):
    def __init__(self, num_capsules=8, in_channels=16, out_channels=4, kernel_size=3, stride=2):
        super(PrimaryCaps, self).__init__()
        self.capsules = nn.ModuleList([
            nn.Conv2d(in_channels, out_channels, kernel_size=kernel_size, stride=stride, padding=0)
            for _ in range(num_capsules)])

    def forward(self, x):
        u = [capsule(x) for capsule in self.capsules]
        u = torch.stack(u, dim=1)  # (B, 8, C, H, W)
        u = u.view(x.size(0), 8, -1).transpose(1, 2).contiguous()  # (B, num_routes, 8)
        return squash(u)


class DigitCaps(nn.Module):
    def __init__(self, num_routes, num_capsules=4, in_channels=8, out_channels=6, routing_iters=3):
        super(DigitCaps, self).__init__()
        self.num_routes = num_routes
        self.num_capsules = num_capsules
        self.routing_iters = routing_iters
        self.W = nn.Parameter(0.1 * torch.randn(1, num_routes, num_capsules, out_channels, in_channels))

    def forward(self, x):
        batch_size = x.size(0)
        x = x.unsqueeze(2).unsqueeze(4)  # (B, routes, 1, in, 1)
        u_hat = torch.matmul(self.W, x).squeeze(-1)  # (B, routes, caps, out)
        u_hat_detached = u_hat.detach()
        b_ij = Variable(torch.zeros(1, self.num_routes, self.num_capsules, 1))
        b_ij = torch.cat([b_ij] * batch_size, dim=0)
        for iteration in range(self.routing_iters):
            c_ij = F.softmax(b_ij, dim=2)
            if iteration == self.routing_iters - 1:
                s_j = (c_ij * u_hat).sum(dim=1, keepdim=True)
                v_j = squash(s_j)
            else:
                s_j = (c_ij * u_hat_detached).sum(dim=1, keepdim=True)
                v_j = squash(s_j)
                a_ij = torch.matmul(u_hat_detached.unsqueeze(-2), v_j.unsqueeze(-1)).squeeze(-1)
                b_ij = b_ij + a_ij
        self.last_c = c_ij
        return v_j.squeeze(1)  # (B, caps, out)


class Decoder(nn.Module):
    def __init__(self, num_classes=4, caps_dim=6, out_pixels=144):
        super().__init__()
        self.reconstruction_layers = nn.Sequential(
            nn.Linear(caps_dim * num_classes, 64), nn.ReLU(inplace=True),
            nn.Linear(64, out_pixels), nn.Sigmoid())

    def forward(self, x, y=None):
        classes = torch.sqrt((x ** 2).sum(2))
        classes = F.softmax(classes, dim=1)
        if y is None:
            _, max_length_indices = classes.max(dim=1)
            masked = Variable(torch.sparse.torch.eye(x.size(1)))
            masked = masked.index_select(dim=0, index=Variable(max_length_indices.data))
        else:
            masked = F.one_hot(y, x.size(1)).float()
        t = (x * masked[:, :, None]).view(x.size(0), -1)
        reconstructions = self.reconstruction_layers(t)
        return reconstructions, masked


class CapsNet(nn.Module):
    def __init__(self):
        super(CapsNet, self).__init__()
        self.conv_layer = nn.Conv2d(1, 16, kernel_size=3, stride=1)
        self.primary_capsules = PrimaryCaps()
        self.digit_capsules = DigitCaps(num_routes=4 * 4 * 4)
        self.decoder = Decoder()
        self.mse_loss = nn.MSELoss(reduction="none")

    def forward(self, data, y=None):
        output = self.digit_capsules(self.primary_capsules(F.relu(self.conv_layer(data))))
        reconstructions, masked = self.decoder(output, y)
        return output, reconstructions, masked

    def loss(self, data, x, target, reconstructions):
        return self.margin_loss(x, target) + self.reconstruction_loss(data, reconstructions)

    def margin_loss(self, x, labels, size_average=True):
        batch_size = x.size(0)
        v_c = torch.sqrt((x ** 2).sum(dim=2, keepdim=True))
        left = F.relu(0.9 - v_c).view(batch_size, -1)
        right = F.relu(v_c - 0.1).view(batch_size, -1)
        loss = labels * left ** 2 + 0.5 * (1.0 - labels) * right ** 2
        loss = loss.sum(dim=1).mean()
        return loss

    def reconstruction_loss(self, data, reconstructions):
        loss = self.mse_loss(reconstructions.view(reconstructions.size(0), -1), data.view(data.size(0), -1))
        return loss.sum(dim=1).mean() * 0.0005


torch.manual_seed(0)
v = squash(torch.tensor([[3.0, 4.0], [0.0, 0.0], [0.1, 0.0]]))
print("squash", v.round(decimals=4).tolist(), v.norm(dim=-1).round(decimals=4).tolist())

# synthetic 12x12 "digits": four stroke classes plus noise
B = 16
labels = torch.arange(B) % 4
images = 0.1 * torch.rand(B, 1, 12, 12)
for i, c in enumerate(labels.tolist()):
    if c == 0:
        images[i, 0, 5:7, 2:10] = 1.0
    elif c == 1:
        images[i, 0, 2:10, 5:7] = 1.0
    elif c == 2:
        images[i, 0].fill_diagonal_(1.0)
    else:
        images[i, 0, 2:10, 2:10] += 0.5 * torch.eye(8).flip(1)
print("images", images.shape, round(images.mean().item(), 4))

model = CapsNet()
print(model)
n_params = sum(p.numel() for p in model.parameters())
print("params", n_params, model.digit_capsules.W.shape)
out, rec, masked = model(images)
print("digit caps", out.shape, rec.shape, masked.shape, out.grad_fn.name())
print("lengths", out.norm(dim=-1)[:2].round(decimals=4))
c = model.digit_capsules.last_c
print("coupling", c.shape, torch.allclose(c.sum(2), torch.ones_like(c.sum(2))), round(c.std().item(), 6) > 0)
target = F.one_hot(labels, 4).float()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
for step in range(6):
    optimizer.zero_grad()
    out, rec, masked = model(images, labels)
    loss = model.loss(images, out, target, rec)
    loss.backward()
    optimizer.step()
    acc = (out.norm(dim=-1).argmax(1) == labels).float().mean().item()
    print(f"step {step} loss {loss.item():.4f} margin {model.margin_loss(out, target).item():.4f} acc {acc:.3f}")
print("W grad", model.digit_capsules.W.grad.shape, model.digit_capsules.W.grad.abs().sum().item() > 0)

with torch.no_grad():
    out, rec, masked = model(images)
pred = masked.argmax(1)
print("masked rows", masked[:4].tolist(), "pred == length argmax", torch.equal(pred, out.norm(dim=-1).argmax(1)))
print("recon", rec.shape, rec.min().item() >= 0, rec.max().item() <= 1)

# the einsum form of the prediction vectors and routing (as in the "efficient" implementations)
W = model.digit_capsules.W.detach()[0]  # (routes, caps, out, in)
u = model.primary_capsules(F.relu(model.conv_layer(images))).detach()
u_hat_e = torch.einsum("rjdi,bri->brjd", W, u)
u_hat_m = torch.matmul(W.unsqueeze(0), u[:, :, None, :, None]).squeeze(-1)
print("einsum vs matmul", u_hat_e.shape, torch.allclose(u_hat_e, u_hat_m, atol=1e-6))
b = torch.zeros(B, 64, 4)
for r in range(3):
    cc = b.softmax(dim=-1)
    vj = squash(torch.einsum("brj,brjd->bjd", cc, u_hat_e))
    b = b + torch.einsum("brjd,bjd->brj", u_hat_e, vj)
print("routing lengths", vj.norm(dim=-1)[:2].round(decimals=4), "agrees", torch.allclose(vj, out, atol=1e-5))

"""mnist_forward_forward in the style of pytorch/examples, on synthetic 'digits': Hinton's
Forward-Forward algorithm.  Each layer is trained on its own with a goodness (mean of squared
activations) that should be high for positive data (image with the right label embedded in its first
pixels) and low for negative data (a wrong label); inputs are L2-normalised before each layer;
prediction picks the label with the largest total goodness."""
import torch
import torch.nn as nn
from torch.optim import Adam

torch.manual_seed(1)

N_CLASSES = 10
D = 64


def make_data(n, gen, protos):
    y = torch.randint(0, N_CLASSES, (n,), generator=gen)
    x = protos[y] + 0.5 * torch.randn(n, D, generator=gen)
    x = (x - x.mean()) / x.std()
    return x, y


def overlay_y_on_x(x, y):
    """Replace the first 10 pixels of x with a one-hot encoding of y (scaled by x.max())."""
    x_ = x.clone()
    x_[:, :N_CLASSES] *= 0.0
    x_[range(x.shape[0]), y] = x.max()
    return x_


class Layer(nn.Linear):
    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__(in_features, out_features, bias, device, dtype)
        self.relu = torch.nn.ReLU()
        self.opt = Adam(self.parameters(), lr=0.03)
        self.threshold = 2.0
        self.num_epochs = 40

    def forward(self, x):
        x_direction = x / (x.norm(2, 1, keepdim=True) + 1e-4)
        return self.relu(torch.mm(x_direction, self.weight.T) + self.bias.unsqueeze(0))

    def train(self, x_pos, x_neg):
        for i in range(self.num_epochs):
            g_pos = self.forward(x_pos).pow(2).mean(1)
            g_neg = self.forward(x_neg).pow(2).mean(1)
            # The loss pushes pos (neg) samples' goodness above (below) the threshold.
            loss = torch.log(1 + torch.exp(torch.cat([-g_pos + self.threshold, g_neg - self.threshold]))).mean()
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()
            if i % 10 == 0 or i == self.num_epochs - 1:
                print(f"    epoch {i:2d} loss {loss.item():.4f} g_pos {g_pos.mean().item():.4f} "
                      f"g_neg {g_neg.mean().item():.4f}")
        return self.forward(x_pos).detach(), self.forward(x_neg).detach()


class Net(torch.nn.Module):
    def __init__(self, dims):
        super().__init__()
        self.layers = []
        for d in range(len(dims) - 1):
            self.layers = self.layers + [Layer(dims[d], dims[d + 1])]

    def predict(self, x):
        goodness_per_label = []
        for label in range(N_CLASSES):
            h = overlay_y_on_x(x, label)
            goodness = []
            for layer in self.layers:
                h = layer(h)
                goodness = goodness + [h.pow(2).mean(1)]
            goodness_per_label += [sum(goodness).unsqueeze(1)]
        goodness_per_label = torch.cat(goodness_per_label, 1)
        return goodness_per_label.argmax(1), goodness_per_label

    def train(self, x_pos, x_neg):
        h_pos, h_neg = x_pos, x_neg
        for i, layer in enumerate(self.layers):
            print("training layer", i, "...")
            h_pos, h_neg = layer.train(h_pos, h_neg)


gen = torch.Generator().manual_seed(1234)
protos = torch.randn(N_CLASSES, D, generator=gen)
x, y = make_data(200, gen, protos)
x_te, y_te = make_data(100, gen, protos)
print("data", x.shape, y.shape, f"{x.mean().item():.4f}", f"{x.std().item():.4f}", torch.bincount(y).tolist())

net = Net([D, 48, 48])
print(len(net.layers), [type(l).__name__ for l in net.layers], list(net.children()))
print(net.layers[0])
x_pos = overlay_y_on_x(x, y)
print("overlay", x_pos[:2, :12].round(decimals=3))
rnd = torch.randperm(x.size(0))
x_neg = overlay_y_on_x(x, y[rnd])
print("neg labels equal to pos:", (y[rnd] == y).sum().item())

for data, name in ((x_pos, "pos"), (x_neg, "neg")):
    print(name, "norms", (data / (data.norm(2, 1, keepdim=True) + 1e-4)).norm(dim=1)[:3].round(decimals=4))

net.train(x_pos, x_neg)

pred, good = net.predict(x)
print("train error:", f"{1.0 - pred.eq(y).float().mean().item():.4f}")
pred_te, good_te = net.predict(x_te)
print("test error:", f"{1.0 - pred_te.eq(y_te).float().mean().item():.4f}")
print("goodness", good_te.shape, good_te[:2].round(decimals=2))
print("pred", pred_te[:20].tolist())
print("confusion diag", torch.bincount(y_te[pred_te == y_te], minlength=N_CLASSES).tolist())
print([k for k in net.state_dict().keys()], "(plain list: no submodules registered)")
st = net.layers[1].opt.state_dict()
print(sorted(st["state"].keys()), st["param_groups"][0]["lr"], st["state"][0]["step"])

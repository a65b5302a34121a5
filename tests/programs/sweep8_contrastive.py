"""Contrastive learning: a SimCLR NT-Xent loss and a siamese network with triplet / cosine-embedding losses."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)


class Encoder(nn.Module):
    def __init__(self, in_dim=16, hidden=32, out_dim=8):
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(in_dim, hidden), nn.BatchNorm1d(hidden), nn.ReLU())
        self.projector = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, out_dim))

    def forward(self, x):
        h = self.backbone(x)
        return h, self.projector(h)


def augment(x):
    noise = torch.randn_like(x) * 0.1
    mask = (torch.rand_like(x) > 0.2).float()
    return x * mask + noise


def nt_xent(z1, z2, temperature=0.5):
    batch_size = z1.shape[0]
    z = F.normalize(torch.cat([z1, z2], dim=0), dim=1)
    sim = torch.matmul(z, z.T) / temperature
    mask = torch.eye(2 * batch_size, dtype=torch.bool)
    sim = sim.masked_fill(mask, float("-inf"))
    targets = torch.cat([torch.arange(batch_size, 2 * batch_size), torch.arange(0, batch_size)])
    return F.cross_entropy(sim, targets)


def info_nce_loss(features, batch_size, n_views=2, temperature=0.07):
    labels = torch.cat([torch.arange(batch_size) for i in range(n_views)], dim=0)
    labels = (labels.unsqueeze(0) == labels.unsqueeze(1)).float()
    features = F.normalize(features, dim=1)
    similarity_matrix = torch.matmul(features, features.T)
    mask = torch.eye(labels.shape[0], dtype=torch.bool)
    labels = labels[~mask].view(labels.shape[0], -1)
    similarity_matrix = similarity_matrix[~mask].view(similarity_matrix.shape[0], -1)
    positives = similarity_matrix[labels.bool()].view(labels.shape[0], -1)
    negatives = similarity_matrix[~labels.bool()].view(similarity_matrix.shape[0], -1)
    logits = torch.cat([positives, negatives], dim=1)
    labels = torch.zeros(logits.shape[0], dtype=torch.long)
    logits = logits / temperature
    return logits, labels


data = torch.randn(128, 16)
model = Encoder()
print(model)
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=10, eta_min=0)
for epoch in range(10):
    perm = torch.randperm(128)
    epoch_loss = 0.0
    for i in range(0, 128, 32):
        x = data[perm[i:i + 32]]
        _, z1 = model(augment(x))
        _, z2 = model(augment(x))
        loss = nt_xent(z1, z2)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item()
    scheduler.step()
    if epoch % 3 == 0:
        print(f"epoch {epoch} nt-xent {epoch_loss / 4:.4f} lr {scheduler.get_last_lr()[0]:.6f}")

model.eval()
with torch.no_grad():
    _, z1 = model(augment(data[:16]))
    _, z2 = model(augment(data[:16]))
    logits, labels = info_nce_loss(torch.cat([z1, z2]), 16)
    print("info-nce logits", logits.shape, labels.dtype, f"{F.cross_entropy(logits, labels).item():.1f}")
    top1 = (logits.argmax(1) == labels).float().mean()
    print(f"top-1 positive {top1.item():.4f}")
    sim = F.cosine_similarity(z1.unsqueeze(1), z2.unsqueeze(0), dim=-1)
    sim2 = F.normalize(z1) @ F.normalize(z2).t()
    print(sim.shape, torch.allclose(sim, sim2, atol=1e-6))
    s = sim.clone()
    s.fill_diagonal_(-2.0)
    print("hardest negative", s.max(dim=1).indices[:6].tolist())


class SiameseNetwork(nn.Module):
    def __init__(self):
        super(SiameseNetwork, self).__init__()
        self.fc = nn.Sequential(nn.Linear(16, 32), nn.ReLU(inplace=True), nn.Linear(32, 8))

    def forward_once(self, x):
        return self.fc(x)

    def forward(self, input1, input2, input3=None):
        out = (self.forward_once(input1), self.forward_once(input2))
        if input3 is not None:
            out = out + (self.forward_once(input3),)
        return out


class ContrastiveLoss(torch.nn.Module):
    def __init__(self, margin=2.0):
        super(ContrastiveLoss, self).__init__()
        self.margin = margin

    def forward(self, output1, output2, label):
        euclidean_distance = F.pairwise_distance(output1, output2, keepdim=True)
        return torch.mean((1 - label) * torch.pow(euclidean_distance, 2) +
                          label * torch.pow(torch.clamp(self.margin - euclidean_distance, min=0.0), 2))


classes = torch.randint(0, 4, (200,))
protos = torch.randn(4, 16) * 2
points = protos[classes] + torch.randn(200, 16)
net = SiameseNetwork()
triplet = nn.TripletMarginLoss(margin=1.0, p=2)
cosine = nn.CosineEmbeddingLoss(margin=0.2)
contrastive = ContrastiveLoss()
print(triplet, cosine, sep="\n")
opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
for step in range(40):
    a = torch.randint(0, 200, (32,))
    same = torch.stack([torch.nonzero(classes == classes[i]).flatten()[step % 5] for i in a.tolist()])
    diff = torch.stack([torch.nonzero(classes != classes[i]).flatten()[step] for i in a.tolist()])
    oa, op, on = net(points[a], points[same], points[diff])
    l_trip = triplet(oa, op, on)
    target = torch.where(torch.rand(32) < 0.5, 1, -1)
    other = torch.where(target.unsqueeze(1) == 1, op, on)
    l_cos = cosine(oa, other, target)
    pair_label = (target == -1).float().unsqueeze(1)
    l_con = contrastive(oa, other, pair_label)
    loss = l_trip + l_cos + 0.1 * l_con
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 0:
        print(f"step {step:2d} triplet {l_trip.item():.3f} cosine {l_cos.item():.3f} contrastive {l_con.item():.3f}")

with torch.no_grad():
    emb = net.forward_once(points)
    d = torch.cdist(emb, emb)
    d.fill_diagonal_(float("inf"))
    nn_idx = d.argmin(dim=1)
    print(f"1-NN accuracy {(classes[nn_idx] == classes).float().mean().item():.4f}")
    pd = F.pairwise_distance(emb[:4], emb[4:8])
    print("pairwise", pd.shape, torch.allclose(pd, (emb[:4] - emb[4:8] + 1e-6).norm(dim=1)))
    print(F.triplet_margin_loss(emb[:4], emb[4:8], emb[8:12], swap=True, reduction="none").shape)
    tl = nn.TripletMarginWithDistanceLoss(distance_function=lambda x, y: 1.0 - F.cosine_similarity(x, y), margin=0.5)
    print(tl(emb[:8], emb[8:16], emb[16:24]).item() >= 0)

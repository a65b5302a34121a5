"""DGCNN (Dynamic Graph CNN) in the style of the authors' PyTorch code (WangYueFt/dgcnn) and its many
copies: k-NN from the pairwise distance -2 x^T x + |x|^2 and topk, neighbour features gathered with a
flat index (idx + idx_base, view(-1)), edge features cat([x_j - x_i, x_i]) fed to Conv2d(kernel_size=1)
+ BatchNorm2d + LeakyReLU(0.2), max over the k neighbours, adaptive max/avg pooling, a label-smoothed
cross entropy, and a few optimisation steps with SGD + CosineAnnealingLR."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def knn(x, k):
    inner = -2 * torch.matmul(x.transpose(2, 1), x)
    xx = torch.sum(x ** 2, dim=1, keepdim=True)
    pairwise_distance = -xx - inner - xx.transpose(2, 1)

    idx = pairwise_distance.topk(k=k, dim=-1)[1]  # (batch_size, num_points, k)
    return idx


def get_graph_feature(x, k=20, idx=None):
    batch_size = x.size(0)
    num_points = x.size(2)
    x = x.view(batch_size, -1, num_points)
    if idx is None:
        idx = knn(x, k=k)  # (batch_size, num_points, k)
    device = torch.device('cpu')

    idx_base = torch.arange(0, batch_size, device=device).view(-1, 1, 1) * num_points

    idx = idx + idx_base

    idx = idx.view(-1)

    _, num_dims, _ = x.size()

    x = x.transpose(2, 1).contiguous()  # (batch_size, num_points, num_dims)
    feature = x.view(batch_size * num_points, -1)[idx, :]
    feature = feature.view(batch_size, num_points, k, num_dims)
    x = x.view(batch_size, num_points, 1, num_dims).repeat(1, 1, k, 1)

    feature = torch.cat((feature - x, x), dim=3).permute(0, 3, 1, 2).contiguous()

    return feature


class DGCNN(nn.Module):
    def __init__(self, k=8, emb_dims=64, output_channels=4):
        super(DGCNN, self).__init__()
        self.k = k

        self.bn1 = nn.BatchNorm2d(16)
        self.bn2 = nn.BatchNorm2d(16)
        self.bn3 = nn.BatchNorm2d(32)
        self.bn4 = nn.BatchNorm1d(emb_dims)

        self.conv1 = nn.Sequential(nn.Conv2d(6, 16, kernel_size=1, bias=False),
                                   self.bn1,
                                   nn.LeakyReLU(negative_slope=0.2))
        self.conv2 = nn.Sequential(nn.Conv2d(16 * 2, 16, kernel_size=1, bias=False),
                                   self.bn2,
                                   nn.LeakyReLU(negative_slope=0.2))
        self.conv3 = nn.Sequential(nn.Conv2d(16 * 2, 32, kernel_size=1, bias=False),
                                   self.bn3,
                                   nn.LeakyReLU(negative_slope=0.2))
        self.conv5 = nn.Sequential(nn.Conv1d(64, emb_dims, kernel_size=1, bias=False),
                                   self.bn4,
                                   nn.LeakyReLU(negative_slope=0.2))
        self.linear1 = nn.Linear(emb_dims * 2, 32, bias=False)
        self.bn6 = nn.BatchNorm1d(32)
        self.dp1 = nn.Dropout(p=0.5)
        self.linear3 = nn.Linear(32, output_channels)

    def forward(self, x):
        batch_size = x.size(0)
        x = get_graph_feature(x, k=self.k)
        x = self.conv1(x)
        x1 = x.max(dim=-1, keepdim=False)[0]

        x = get_graph_feature(x1, k=self.k)
        x = self.conv2(x)
        x2 = x.max(dim=-1, keepdim=False)[0]

        x = get_graph_feature(x2, k=self.k)
        x = self.conv3(x)
        x3 = x.max(dim=-1, keepdim=False)[0]

        x = torch.cat((x1, x2, x3), dim=1)

        x = self.conv5(x)
        x1 = F.adaptive_max_pool1d(x, 1).view(batch_size, -1)
        x2 = F.adaptive_avg_pool1d(x, 1).view(batch_size, -1)
        x = torch.cat((x1, x2), 1)

        x = F.leaky_relu(self.bn6(self.linear1(x)), negative_slope=0.2)
        x = self.dp1(x)
        x = self.linear3(x)
        return x


def cal_loss(pred, gold, smoothing=True):
    ''' Calculate cross entropy loss, apply label smoothing if needed. '''

    gold = gold.contiguous().view(-1)

    if smoothing:
        eps = 0.2
        n_class = pred.size(1)

        one_hot = torch.zeros_like(pred).scatter(1, gold.view(-1, 1), 1)
        one_hot = one_hot * (1 - eps) + (1 - one_hot) * eps / (n_class - 1)
        log_prb = F.log_softmax(pred, dim=1)

        loss = -(one_hot * log_prb).sum(dim=1).mean()
    else:
        loss = F.cross_entropy(pred, gold, reduction='mean')

    return loss


torch.manual_seed(0)

# --- the k-NN graph on a tiny cloud, checked against a brute-force cdist -------------------------
pts = torch.tensor([[0., 0., 0.], [1., 0., 0.], [0., 2., 0.], [0., 0., 3.], [1., 1., 0.]])
x = pts.t().unsqueeze(0)  # (1, 3, 5)
idx = knn(x, k=3)
print("knn idx:\n", idx[0])
d = torch.cdist(pts, pts)
print("cdist topk agrees:", torch.equal(d.topk(3, dim=-1, largest=False).indices, idx[0]))
print("squared distances row 0:", (-(-d ** 2)).round(decimals=3)[0].tolist())
feat = get_graph_feature(x, k=3)
print("edge feature shape", tuple(feat.shape))
print("x_j - x_i for point 4:\n", feat[0, :3, 4, :].t())
print("x_i repeated:", feat[0, 3:, 4, 0].tolist())

# --- gather with torch.gather instead of a flat index gives the same features ----------------------
cloud = torch.randn(2, 3, 32)
idx = knn(cloud, k=4)
B, C, N = cloud.shape
nbr = torch.gather(cloud.unsqueeze(2).expand(B, C, N, N), 3, idx.unsqueeze(1).expand(B, C, N, 4))
flat = get_graph_feature(cloud, k=4)[:, :3] + cloud.unsqueeze(-1)
print("gather == flat index:", torch.allclose(nbr, flat, atol=1e-6))
print("self is nearest:", bool((idx[..., 0] == torch.arange(N)).all()))
print("mean 4-NN distance: %.4f" % (nbr - cloud.unsqueeze(-1)).norm(dim=1)[..., 1:].mean().item())


# --- a toy classification: 4 shapes --------------------------------------------------------------
def make_cloud(label, n):
    if label == 0:  # line segment
        t = torch.rand(n, 1) * 2 - 1
        p = t * torch.tensor([[1.0, 0.5, 0.0]])
    elif label == 1:  # plane square
        p = torch.cat([torch.rand(n, 2) * 2 - 1, torch.zeros(n, 1)], 1)
    elif label == 2:  # cube volume
        p = torch.rand(n, 3) * 2 - 1
    else:  # two clusters
        p = torch.randn(n, 3) * 0.15 + torch.where(torch.rand(n, 1) < 0.5, 1.0, -1.0)
    return p + torch.randn(n, 3) * 0.01


labels = torch.arange(4).repeat(4)
data = torch.stack([make_cloud(int(l), 48) for l in labels])  # (16, 48, 3)
print("data", tuple(data.shape), "label counts", torch.bincount(labels).tolist())

model = DGCNN(k=8, emb_dims=64, output_channels=4)
print(model.conv1)
print("params:", sum(p.numel() for p in model.parameters()))
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(opt, 4, eta_min=0.001)
for epoch in range(4):
    model.train()
    perm = torch.randperm(len(labels))
    train_loss, count, train_true, train_pred = 0.0, 0, [], []
    for b in range(2):
        sel = perm[b * 8:(b + 1) * 8]
        inp, label = data[sel].permute(0, 2, 1), labels[sel]
        opt.zero_grad()
        logits = model(inp)
        loss = cal_loss(logits, label)
        loss.backward()
        opt.step()
        preds = logits.max(dim=1)[1]
        count += inp.size(0)
        train_loss += loss.item() * inp.size(0)
        train_true.append(label)
        train_pred.append(preds.detach())
    scheduler.step()
    train_true = torch.cat(train_true)
    train_pred = torch.cat(train_pred)
    acc = (train_true == train_pred).float().mean().item()
    print('Train %d, loss: %.3f, train acc: %.3f, lr: %.5f' % (epoch, train_loss * 1.0 / count, acc,
                                                               scheduler.get_last_lr()[0]))

model.eval()
with torch.no_grad():
    logits = model(data.permute(0, 2, 1))
    print("eval logits shape", tuple(logits.shape), "argmax", logits.argmax(1).tolist())
    print("smoothed loss (eval): %.2f  plain CE: %.2f" % (cal_loss(logits, labels).item(),
                                                            cal_loss(logits, labels, smoothing=False).item()))

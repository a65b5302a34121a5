"""PointNet classification in the style of the popular PyTorch re-implementations (fxia22/pointnet.pytorch,
yanx27/Pointnet_Pointnet2_pytorch): a T-Net (STN3d / STNkd) predicting a 3x3 and a 64x64 transform
that is added to the identity and applied with torch.bmm, shared MLPs as Conv1d(kernel_size=1) +
BatchNorm1d + ReLU, a max over points (torch.max(x, 2, keepdim=True)[0]), the feature-transform
regulariser ||I - A A^T||, NLL loss on log_softmax, SGD with momentum + StepLR, and the eval-time accuracy."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.utils.data


class STN3d(nn.Module):
    def __init__(self):
        super(STN3d, self).__init__()
        self.conv1 = torch.nn.Conv1d(3, 16, 1)
        self.conv2 = torch.nn.Conv1d(16, 32, 1)
        self.conv3 = torch.nn.Conv1d(32, 64, 1)
        self.fc1 = nn.Linear(64, 32)
        self.fc2 = nn.Linear(32, 16)
        self.fc3 = nn.Linear(16, 9)
        self.relu = nn.ReLU()

        self.bn1 = nn.BatchNorm1d(16)
        self.bn2 = nn.BatchNorm1d(32)
        self.bn3 = nn.BatchNorm1d(64)
        self.bn4 = nn.BatchNorm1d(32)
        self.bn5 = nn.BatchNorm1d(16)

    def forward(self, x):
        batchsize = x.size()[0]
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        x = F.relu(self.bn3(self.conv3(x)))
        x = torch.max(x, 2, keepdim=True)[0]
        x = x.view(-1, 64)

        x = F.relu(self.bn4(self.fc1(x)))
        x = F.relu(self.bn5(self.fc2(x)))
        x = self.fc3(x)

        iden = torch.from_numpy(np.array([1, 0, 0, 0, 1, 0, 0, 0, 1]).astype(np.float32)).view(1, 9).repeat(
            batchsize, 1)
        if x.is_cuda:
            iden = iden.cuda()
        x = x + iden
        x = x.view(-1, 3, 3)
        return x


class STNkd(nn.Module):
    def __init__(self, k=16):
        super(STNkd, self).__init__()
        self.conv1 = torch.nn.Conv1d(k, 32, 1)
        self.conv2 = torch.nn.Conv1d(32, 64, 1)
        self.fc1 = nn.Linear(64, 32)
        self.fc2 = nn.Linear(32, k * k)
        self.bn1 = nn.BatchNorm1d(32)
        self.bn2 = nn.BatchNorm1d(64)
        self.bn3 = nn.BatchNorm1d(32)
        self.k = k

    def forward(self, x):
        batchsize = x.size()[0]
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        x = torch.max(x, 2, keepdim=True)[0]
        x = x.view(-1, 64)
        x = F.relu(self.bn3(self.fc1(x)))
        x = self.fc2(x)
        iden = torch.eye(self.k).flatten().view(1, self.k * self.k).repeat(batchsize, 1)
        x = x + iden
        x = x.view(-1, self.k, self.k)
        return x


class PointNetfeat(nn.Module):
    def __init__(self, global_feat=True, feature_transform=False):
        super(PointNetfeat, self).__init__()
        self.stn = STN3d()
        self.conv1 = torch.nn.Conv1d(3, 16, 1)
        self.conv2 = torch.nn.Conv1d(16, 32, 1)
        self.conv3 = torch.nn.Conv1d(32, 64, 1)
        self.bn1 = nn.BatchNorm1d(16)
        self.bn2 = nn.BatchNorm1d(32)
        self.bn3 = nn.BatchNorm1d(64)
        self.global_feat = global_feat
        self.feature_transform = feature_transform
        if self.feature_transform:
            self.fstn = STNkd(k=16)

    def forward(self, x):
        n_pts = x.size()[2]
        trans = self.stn(x)
        x = x.transpose(2, 1)
        x = torch.bmm(x, trans)
        x = x.transpose(2, 1)
        x = F.relu(self.bn1(self.conv1(x)))

        if self.feature_transform:
            trans_feat = self.fstn(x)
            x = x.transpose(2, 1)
            x = torch.bmm(x, trans_feat)
            x = x.transpose(2, 1)
        else:
            trans_feat = None

        pointfeat = x
        x = F.relu(self.bn2(self.conv2(x)))
        x = self.bn3(self.conv3(x))
        x = torch.max(x, 2, keepdim=True)[0]
        x = x.view(-1, 64)
        if self.global_feat:
            return x, trans, trans_feat
        else:
            x = x.view(-1, 64, 1).repeat(1, 1, n_pts)
            return torch.cat([x, pointfeat], 1), trans, trans_feat


class PointNetCls(nn.Module):
    def __init__(self, k=2, feature_transform=False):
        super(PointNetCls, self).__init__()
        self.feature_transform = feature_transform
        self.feat = PointNetfeat(global_feat=True, feature_transform=feature_transform)
        self.fc1 = nn.Linear(64, 32)
        self.fc2 = nn.Linear(32, 16)
        self.fc3 = nn.Linear(16, k)
        self.dropout = nn.Dropout(p=0.3)
        self.bn1 = nn.BatchNorm1d(32)
        self.bn2 = nn.BatchNorm1d(16)
        self.relu = nn.ReLU()

    def forward(self, x):
        x, trans, trans_feat = self.feat(x)
        x = F.relu(self.bn1(self.fc1(x)))
        x = F.relu(self.bn2(self.dropout(self.fc2(x))))
        x = self.fc3(x)
        return F.log_softmax(x, dim=1), trans, trans_feat


def feature_transform_regularizer(trans):
    d = trans.size()[1]
    batchsize = trans.size()[0]
    I = torch.eye(d)[None, :, :]
    if trans.is_cuda:
        I = I.cuda()
    loss = torch.mean(torch.norm(torch.bmm(trans, trans.transpose(2, 1)) - I, dim=(1, 2)))
    return loss


def make_shapes(n_per_class, n_points, gen):
    """Built in float64 and rounded to float32 once. class 0: points on a unit sphere; class 1: points on the surface of a cube; class 2: a flat disc."""
    clouds, labels = [], []
    for c in range(3):
        for _ in range(n_per_class):
            if c == 0:
                p = torch.randn(n_points, 3, generator=gen, dtype=torch.float64)
                p = p / p.norm(dim=1, keepdim=True)
            elif c == 1:
                p = torch.rand(n_points, 3, generator=gen, dtype=torch.float64) * 2 - 1
                face = torch.randint(0, 3, (n_points,), generator=gen)
                sign = torch.randint(0, 2, (n_points,), generator=gen).double() * 2 - 1
                p[torch.arange(n_points), face] = sign
            else:
                r = torch.rand(n_points, generator=gen, dtype=torch.float64).sqrt()
                t = torch.rand(n_points, generator=gen, dtype=torch.float64) * 2 * np.pi
                p = torch.stack([r * torch.cos(t), r * torch.sin(t), 0.05 * torch.randn(n_points, generator=gen, dtype=torch.float64)], 1)
            p = p + 0.02 * torch.randn(n_points, 3, generator=gen, dtype=torch.float64)
            clouds.append(p.float())
            labels.append(c)
    return torch.stack(clouds), torch.tensor(labels)


class PointCloudDataset(torch.utils.data.Dataset):
    def __init__(self, points, labels, data_augmentation=True):
        self.points, self.labels = points, labels
        self.data_augmentation = data_augmentation

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        point_set = self.points[index].clone()
        point_set = point_set - point_set.mean(0, keepdim=True)  # center
        dist = torch.max(torch.linalg.norm(point_set, dim=1), 0)[0]
        point_set = point_set / dist  # scale
        if self.data_augmentation:
            theta = float(torch.rand(1)) * np.pi * 2
            rotation_matrix = torch.tensor([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]],
                                           dtype=torch.float32)
            point_set[:, [0, 2]] = point_set[:, [0, 2]].mm(rotation_matrix)  # random rotation
            point_set += torch.normal(0.0, 0.02, size=point_set.shape)  # random jitter
        return point_set, self.labels[index]


torch.manual_seed(1)
gen = torch.Generator().manual_seed(7)
pts, lbl = make_shapes(8, 64, gen)
print("dataset", tuple(pts.shape), "labels", torch.bincount(lbl).tolist())
train_ds = PointCloudDataset(pts, lbl)
test_ds = PointCloudDataset(pts, lbl, data_augmentation=False)
loader = torch.utils.data.DataLoader(train_ds, batch_size=8, shuffle=True)

classifier = PointNetCls(k=3, feature_transform=False)
print(classifier.feat.stn)
n_params = sum(p.numel() for p in classifier.parameters() if p.requires_grad)
print("parameters:", n_params)
# SGD rather than Adam: the conv/linear biases in front of a BatchNorm get a mathematically zero gradient
# (pure rounding noise), which Adam would blow up to +-lr steps whose signs depend on summation order
optimizer = torch.optim.SGD(classifier.parameters(), lr=0.01, momentum=0.9)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)

for epoch in range(3):
    for i, (points, target) in enumerate(loader):
        points = points.transpose(2, 1)
        optimizer.zero_grad()
        classifier = classifier.train()
        pred, trans, trans_feat = classifier(points)
        loss = F.nll_loss(pred, target)
        reg = feature_transform_regularizer(trans)  # the --feature_transform flag is off: regularise the input T-Net
        loss = loss + reg * 0.001
        loss.backward()
        optimizer.step()
        pred_choice = pred.data.max(1)[1]
        correct = pred_choice.eq(target.data).cpu().sum()
        if i % 3 == 0:
            print('[%d: %d] train loss: %.3f accuracy: %.3f reg: %.3f' % (
                epoch, i, loss.item(), correct.item() / float(points.size(0)), reg.item()))
    scheduler.step()
    print("lr", scheduler.get_last_lr())

classifier.eval()
with torch.no_grad():
    points = torch.stack([test_ds[i][0] for i in range(len(test_ds))]).transpose(2, 1)
    pred, trans, trans_feat = classifier(points)
    print("eval pred shape", tuple(pred.shape), "trans", tuple(trans.shape), "trans_feat", trans_feat)
    print("probs sum to one:", torch.allclose(pred.exp().sum(1), torch.ones(len(test_ds))))
    print("det of T-Net transform (first 3):", [round(d, 3) for d in torch.linalg.det(trans[:3]).tolist()])
    print("input regulariser (eval): %.2f" % feature_transform_regularizer(trans).item())
    fstn = STNkd(k=16).eval()
    feats = F.relu(classifier.feat.bn1(classifier.feat.conv1(points)))
    trans_feat = fstn(feats)
    print("untrained STNkd:", tuple(trans_feat.shape), "regulariser %.3f" % feature_transform_regularizer(trans_feat).item())
    print("bn running_mean[:4]", classifier.feat.bn1.running_mean[:4].round(decimals=3))
    print("num_batches_tracked", classifier.feat.bn1.num_batches_tracked)

# permutation invariance of the global feature: shuffling points must not change it
feat_net = classifier.feat.eval()
x = points[:2]
perm = torch.randperm(x.size(2))
g1 = feat_net(x)[0]
g2 = feat_net(x[:, :, perm])[0]
print("permutation invariant:", torch.allclose(g1, g2, atol=1e-5), (g1 - g2).abs().max().item() < 1e-5)
seg_feat, _, _ = PointNetfeat(global_feat=False).eval()(x)
print("segmentation features:", seg_feat.shape)

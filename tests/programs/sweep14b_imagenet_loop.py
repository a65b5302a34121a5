"""The training-loop machinery of pytorch/examples' imagenet/main.py on a synthetic 12-class image set:
AverageMeter with a Summary enum, ProgressMeter, top-k accuracy, SGD with momentum and weight decay,
StepLR, validate() under no_grad in eval mode, save_checkpoint with shutil.copyfile to model_best,
and --resume: reloading model, optimizer and scheduler state and carrying on."""
import os
import shutil
import tempfile
from enum import Enum

import torch
import torch.nn as nn
import torch.optim
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, Subset, TensorDataset

torch.manual_seed(7)


class Summary(Enum):
    NONE = 0
    AVERAGE = 1
    SUM = 2
    COUNT = 3


class AverageMeter(object):
    """Computes and stores the average and current value"""

    def __init__(self, name, fmt=':f', summary_type=Summary.AVERAGE):
        self.name = name
        self.fmt = fmt
        self.summary_type = summary_type
        self.reset()

    def reset(self):
        self.val = 0
        self.avg = 0
        self.sum = 0
        self.count = 0

    def update(self, val, n=1):
        self.val = val
        self.sum += val * n
        self.count += n
        self.avg = self.sum / self.count

    def all_reduce(self):
        total = torch.tensor([self.sum, self.count], dtype=torch.float32)
        self.sum, self.count = total.tolist()
        self.avg = self.sum / self.count

    def __str__(self):
        fmtstr = '{name} {val' + self.fmt + '} ({avg' + self.fmt + '})'
        return fmtstr.format(**self.__dict__)

    def summary(self):
        if self.summary_type is Summary.NONE:
            fmtstr = ''
        elif self.summary_type is Summary.AVERAGE:
            fmtstr = '{name} {avg:.3f}'
        elif self.summary_type is Summary.SUM:
            fmtstr = '{name} {sum:.3f}'
        elif self.summary_type is Summary.COUNT:
            fmtstr = '{name} {count:.3f}'
        else:
            raise ValueError('invalid summary type %r' % self.summary_type)
        return fmtstr.format(**self.__dict__)


class ProgressMeter(object):
    def __init__(self, num_batches, meters, prefix=""):
        self.batch_fmtstr = self._get_batch_fmtstr(num_batches)
        self.meters = meters
        self.prefix = prefix

    def display(self, batch):
        entries = [self.prefix + self.batch_fmtstr.format(batch)]
        entries += [str(meter) for meter in self.meters]
        print('\t'.join(entries))

    def display_summary(self):
        entries = [" *"]
        entries += [meter.summary() for meter in self.meters]
        print(' '.join(entries))

    def _get_batch_fmtstr(self, num_batches):
        num_digits = len(str(num_batches // 1))
        fmt = '{:' + str(num_digits) + 'd}'
        return '[' + fmt + '/' + fmt.format(num_batches) + ']'


def accuracy(output, target, topk=(1,)):
    """Computes the accuracy over the k top predictions for the specified values of k"""
    with torch.no_grad():
        maxk = max(topk)
        batch_size = target.size(0)

        _, pred = output.topk(maxk, 1, True, True)
        pred = pred.t()
        correct = pred.eq(target.view(1, -1).expand_as(pred))

        res = []
        for k in topk:
            correct_k = correct[:k].reshape(-1).float().sum(0, keepdim=True)
            res.append(correct_k.mul_(100.0 / batch_size))
        return res


def make_model(num_classes=12):
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(inplace=True), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(inplace=True),
        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Dropout(0.2), nn.Linear(16, num_classes))


def train(train_loader, model, criterion, optimizer, epoch):
    losses = AverageMeter('Loss', ':.3e')
    top1 = AverageMeter('Acc@1', ':6.2f')
    top5 = AverageMeter('Acc@5', ':6.2f')
    progress = ProgressMeter(len(train_loader), [losses, top1, top5], prefix="Epoch: [{}]".format(epoch))
    model.train()
    for i, (images, target) in enumerate(train_loader):
        output = model(images)
        loss = criterion(output, target)
        acc1, acc5 = accuracy(output, target, topk=(1, 5))
        losses.update(loss.item(), images.size(0))
        top1.update(acc1[0], images.size(0))
        top5.update(acc5[0], images.size(0))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if i % 4 == 0:
            progress.display(i + 1)


def validate(val_loader, model, criterion):
    losses = AverageMeter('Loss', ':.3e', Summary.NONE)
    top1 = AverageMeter('Acc@1', ':6.2f', Summary.AVERAGE)
    top5 = AverageMeter('Acc@5', ':6.2f', Summary.AVERAGE)
    progress = ProgressMeter(len(val_loader), [losses, top1, top5], prefix='Test: ')
    model.eval()
    with torch.no_grad():
        for i, (images, target) in enumerate(val_loader):
            output = model(images)
            loss = criterion(output, target)
            acc1, acc5 = accuracy(output, target, topk=(1, 5))
            losses.update(loss.item(), images.size(0))
            top1.update(acc1[0], images.size(0))
            top5.update(acc5[0], images.size(0))
            if i % 2 == 0:
                progress.display(i + 1)
    top1.all_reduce()
    top5.all_reduce()
    progress.display_summary()
    return top1.avg


def save_checkpoint(state, is_best, folder, filename='checkpoint.pth.tar'):
    path = os.path.join(folder, filename)
    torch.save(state, path)
    if is_best:
        shutil.copyfile(path, os.path.join(folder, 'model_best.pth.tar'))


# --- synthetic data: class-dependent colour and texture ------------------------------------------------------
N, C = 240, 12
labels = torch.arange(N) % C
base = torch.randn(C, 3, 1, 1)
freq = torch.linspace(0.3, 2.0, C)
xs = torch.arange(12.).view(1, 1, 12)
images = base[labels] + torch.sin(freq[labels].view(-1, 1, 1, 1) * xs.unsqueeze(-1) + xs.unsqueeze(-2)) \
    + 0.8 * torch.randn(N, 3, 12, 12)
dataset = TensorDataset(images, labels)
perm = torch.randperm(N).tolist()
train_dataset, val_dataset = Subset(dataset, perm[:192]), Subset(dataset, perm[192:])
train_loader = DataLoader(train_dataset, batch_size=16, shuffle=True, drop_last=False)
val_loader = DataLoader(val_dataset, batch_size=16, shuffle=False)
print(len(train_loader), len(val_loader), images.shape)

model = make_model()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), 0.1, momentum=0.9, weight_decay=1e-4)
scheduler = StepLR(optimizer, step_size=2, gamma=0.1)
out = torch.tensor([[0.1, 0.5, 0.2, 0.9, 0.3, 0.0], [0.8, 0.1, 0.05, 0.02, 0.01, 0.7]])
print(accuracy(out, torch.tensor([1, 0]), topk=(1, 2, 5)))
m = AverageMeter('Acc@1', ':6.2f')
m.update(torch.tensor(50.0), 4)
m.update(torch.tensor(75.0), 2)
print(m, "|", m.summary(), type(m.avg).__name__)

tmp = tempfile.mkdtemp()
best_acc1 = 0
for epoch in range(0, 3):
    train(train_loader, model, criterion, optimizer, epoch)
    acc1 = validate(val_loader, model, criterion)
    scheduler.step()
    is_best = acc1 > best_acc1
    best_acc1 = max(acc1, best_acc1)
    print("lr now", scheduler.get_last_lr(), "best", f"{best_acc1:.2f}", is_best)
    save_checkpoint({
        'epoch': epoch + 1,
        'arch': 'tinynet',
        'state_dict': model.state_dict(),
        'best_acc1': best_acc1,
        'optimizer': optimizer.state_dict(),
        'scheduler': scheduler.state_dict()
    }, is_best, tmp)
print(sorted(os.listdir(tmp)))

# --resume
checkpoint = torch.load(os.path.join(tmp, 'model_best.pth.tar'), weights_only=False)
print("=> loaded checkpoint (epoch {})".format(checkpoint['epoch']), type(checkpoint['best_acc1']).__name__,
      checkpoint['scheduler'])
model2 = make_model()
optimizer2 = torch.optim.SGD(model2.parameters(), 0.1, momentum=0.9, weight_decay=1e-4)
scheduler2 = StepLR(optimizer2, step_size=2, gamma=0.1)
model2.load_state_dict(checkpoint['state_dict'])
optimizer2.load_state_dict(checkpoint['optimizer'])
scheduler2.load_state_dict(checkpoint['scheduler'])
print(optimizer2.param_groups[0]['lr'], scheduler2.last_epoch, len(optimizer2.state))
print(list(optimizer2.state.values())[0]['momentum_buffer'].shape)
torch.manual_seed(99)
train(train_loader, model2, criterion, optimizer2, checkpoint['epoch'])
validate(val_loader, model2, criterion)

"""In the style of "Training with PyTorch" from the Introduction to PyTorch series: a Fashion-MNIST-like
synthetic dataset behind Dataset and DataLoader, a small CNN, CrossEntropyLoss and SGD with momentum,
train_one_epoch reporting the running loss, a validation pass, best-model checkpointing, and logging
train against validation loss with SummaryWriter."""
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from torch.utils.tensorboard import SummaryWriter

torch.manual_seed(42)

classes = ('T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
           'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle Boot')


class FakeFashion(Dataset):
    """28x28 images whose label is which horizontal band holds the bright stripe."""

    def __init__(self, n, seed, transform=None):
        g = torch.Generator().manual_seed(seed)
        self.labels = torch.randint(0, 10, (n,), generator=g)
        self.images = torch.rand(n, 1, 28, 28, generator=g) * 0.3
        for i, lab in enumerate(self.labels.tolist()):
            row = 1 + lab * 2 + (lab // 5)
            self.images[i, 0, row:row + 3, 4:24] += 0.7
        self.transform = transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        image = self.images[idx]
        if self.transform:
            image = self.transform(image)
        return image, int(self.labels[idx])


def normalize(img):
    return (img - 0.5) / 0.5


training_set = FakeFashion(240, seed=1, transform=normalize)
validation_set = FakeFashion(80, seed=2, transform=normalize)
training_loader = DataLoader(training_set, batch_size=8, shuffle=True,
                             generator=torch.Generator().manual_seed(7))
validation_loader = DataLoader(validation_set, batch_size=8, shuffle=False)
print('Training set has {} instances'.format(len(training_set)))
print('Validation set has {} instances'.format(len(validation_set)))
print(len(training_loader), len(validation_loader))

dataiter = iter(training_loader)
images, labels = next(dataiter)
print(images.shape, images.dtype, labels)
print('  '.join(classes[labels[j]] for j in range(4)))
print(f"{images.min().item():.4f} {images.max().item():.4f}")


class GarmentClassifier(nn.Module):
    def __init__(self):
        super(GarmentClassifier, self).__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 4 * 4, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 4 * 4)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


model = GarmentClassifier()
print(model)
loss_fn = torch.nn.CrossEntropyLoss()

dummy_outputs = torch.rand(4, 10)
dummy_labels = torch.tensor([1, 5, 3, 7])
print(dummy_outputs)
print(dummy_labels)
loss = loss_fn(dummy_outputs, dummy_labels)
print('Total loss for this batch: {:.4f}'.format(loss.item()))

optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
print(optimizer)


def train_one_epoch(epoch_index, tb_writer):
    running_loss = 0.
    last_loss = 0.
    for i, data in enumerate(training_loader):
        inputs, labels = data
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = loss_fn(outputs, labels)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
        if i % 10 == 9:
            last_loss = running_loss / 10
            print('  batch {} loss: {:.3f}'.format(i + 1, last_loss))
            tb_x = epoch_index * len(training_loader) + i + 1
            tb_writer.add_scalar('Loss/train', last_loss, tb_x)
            running_loss = 0.
    return last_loss


with tempfile.TemporaryDirectory() as tmp:
    writer = SummaryWriter(os.path.join(tmp, 'runs', 'fashion_trainer'))
    print(type(writer).__name__, os.path.basename(writer.get_logdir()))
    epoch_number = 0
    EPOCHS = 3
    best_vloss = 1_000_000.
    saved = []
    tags = []
    for epoch in range(EPOCHS):
        print('EPOCH {}:'.format(epoch_number + 1))
        model.train(True)
        avg_loss = train_one_epoch(epoch_number, writer)
        running_vloss = 0.0
        correct = 0
        model.eval()
        with torch.no_grad():
            for i, vdata in enumerate(validation_loader):
                vinputs, vlabels = vdata
                voutputs = model(vinputs)
                vloss = loss_fn(voutputs, vlabels)
                running_vloss += vloss
                correct += (voutputs.argmax(1) == vlabels).sum().item()
        avg_vloss = running_vloss / (i + 1)
        print('LOSS train {:.3f} valid {:.3f}'.format(avg_loss, avg_vloss))
        print('accuracy {}/{}'.format(correct, len(validation_set)))
        writer.add_scalars('Training vs. Validation Loss',
                           {'Training': avg_loss, 'Validation': avg_vloss},
                           epoch_number + 1)
        tags.append('Training vs. Validation Loss')
        writer.flush()
        if avg_vloss < best_vloss:
            best_vloss = avg_vloss
            model_path = os.path.join(tmp, 'model_{}'.format(epoch_number))
            torch.save(model.state_dict(), model_path)
            saved.append(os.path.basename(model_path))
        epoch_number += 1
    writer.close()
    print('saved', saved)
    print(sorted(set(tags)))
    logdir = os.path.join(tmp, 'runs', 'fashion_trainer')
    event_dirs = sorted(d for d in os.listdir(logdir) if os.path.isdir(os.path.join(logdir, d)))
    print(event_dirs)
    print(sum(1 for f in os.listdir(os.path.join(tmp, 'runs', 'fashion_trainer'))
              if f.startswith('events.out.tfevents')))
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    for sub in [''] + event_dirs:
        acc = EventAccumulator(os.path.join(logdir, sub))
        acc.Reload()
        for tag in acc.Tags()['scalars']:
            print(repr(sub), tag, [(e.step, round(e.value, 3)) for e in acc.Scalars(tag)])

    saved_model = GarmentClassifier()
    saved_model.load_state_dict(torch.load(os.path.join(tmp, saved[-1])))
    saved_model.eval()
    with torch.no_grad():
        images, labels = next(iter(validation_loader))
        preds = saved_model(images).argmax(1)
    print(labels)
    print(preds)
    print([classes[p] for p in preds[:4].tolist()])
    print(f"best {best_vloss.item():.3f}")

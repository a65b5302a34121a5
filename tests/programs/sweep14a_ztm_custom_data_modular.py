"""Custom datasets and "going modular" as a learner course does them, on synthetic images written to a
temporary folder as .npy files: walk_through_dir, find_classes, an ImageFolder-like Dataset subclass
with a transform, DataLoaders, a TinyVGG model, train_step/test_step/train functions returning a
results dict, a save_model utility, loading the model back and predicting on one custom image."""
import os
import tempfile
from pathlib import Path
from typing import Dict, List, Tuple

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(42)
rng = np.random.default_rng(42)
CLASSES = ["pizza", "steak", "sushi"]


def make_fake_images(root: Path):
    """Write small HWC uint8 'images' whose mean colour depends on their class."""
    for split, n in (("train", 8), ("test", 4)):
        for ci, cls in enumerate(CLASSES):
            d = root / split / cls
            d.mkdir(parents=True, exist_ok=True)
            for i in range(n):
                base = np.zeros((16, 16, 3), dtype=np.float64)
                base[..., ci] = 160
                img = np.clip(base + rng.normal(0, 40, size=(16, 16, 3)), 0, 255).astype(np.uint8)
                np.save(d / f"{cls}_{i:02d}.npy", img)


def walk_through_dir(dir_path):
    for dirpath, dirnames, filenames in sorted(os.walk(dir_path)):
        rel = os.path.relpath(dirpath, dir_path)
        print(f"There are {len(dirnames)} directories and {len(filenames)} images in '{rel}'.")


def find_classes(directory: str) -> Tuple[List[str], Dict[str, int]]:
    classes = sorted(entry.name for entry in os.scandir(directory) if entry.is_dir())
    if not classes:
        raise FileNotFoundError(f"Couldn't find any classes in {directory}.")
    class_to_idx = {cls_name: i for i, cls_name in enumerate(classes)}
    return classes, class_to_idx


class ToTensorNormalize:
    """HWC uint8 -> CHW float in [0, 1], optionally flipped horizontally with probability p."""

    def __init__(self, flip_p=0.0):
        self.flip_p = flip_p

    def __call__(self, img: np.ndarray) -> torch.Tensor:
        x = torch.from_numpy(img).permute(2, 0, 1).float() / 255.0
        if self.flip_p > 0 and torch.rand(1).item() < self.flip_p:
            x = torch.flip(x, dims=[2])
        return x

    def __repr__(self):
        return f"{self.__class__.__name__}(flip_p={self.flip_p})"


class ImageFolderCustom(Dataset):
    def __init__(self, targ_dir: str, transform=None) -> None:
        self.paths = sorted(Path(targ_dir).glob("*/*.npy"))
        self.transform = transform
        self.classes, self.class_to_idx = find_classes(targ_dir)

    def load_image(self, index: int) -> np.ndarray:
        return np.load(self.paths[index])

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, index: int) -> Tuple[torch.Tensor, int]:
        img = self.load_image(index)
        class_name = self.paths[index].parent.name
        class_idx = self.class_to_idx[class_name]
        if self.transform:
            return self.transform(img), class_idx
        return torch.from_numpy(img), class_idx


class TinyVGG(nn.Module):
    def __init__(self, input_shape: int, hidden_units: int, output_shape: int) -> None:
        super().__init__()
        self.conv_block_1 = nn.Sequential(
            nn.Conv2d(in_channels=input_shape, out_channels=hidden_units, kernel_size=3, stride=1, padding=1),
            nn.ReLU(),
            nn.Conv2d(in_channels=hidden_units, out_channels=hidden_units, kernel_size=3, stride=1, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
        )
        self.conv_block_2 = nn.Sequential(
            nn.Conv2d(hidden_units, hidden_units, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.Conv2d(hidden_units, hidden_units, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(in_features=hidden_units * 4 * 4, out_features=output_shape),
        )

    def forward(self, x: torch.Tensor):
        return self.classifier(self.conv_block_2(self.conv_block_1(x)))


def train_step(model, dataloader, loss_fn, optimizer, device):
    model.train()
    train_loss, train_acc = 0, 0
    for batch, (X, y) in enumerate(dataloader):
        X, y = X.to(device), y.to(device)
        y_pred = model(X)
        loss = loss_fn(y_pred, y)
        train_loss += loss.item()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        y_pred_class = torch.argmax(torch.softmax(y_pred, dim=1), dim=1)
        train_acc += (y_pred_class == y).sum().item() / len(y_pred)
    train_loss = train_loss / len(dataloader)
    train_acc = train_acc / len(dataloader)
    return train_loss, train_acc


def test_step(model, dataloader, loss_fn, device):
    model.eval()
    test_loss, test_acc = 0, 0
    with torch.inference_mode():
        for batch, (X, y) in enumerate(dataloader):
            X, y = X.to(device), y.to(device)
            test_pred_logits = model(X)
            loss = loss_fn(test_pred_logits, y)
            test_loss += loss.item()
            test_pred_labels = test_pred_logits.argmax(dim=1)
            test_acc += ((test_pred_labels == y).sum().item() / len(test_pred_labels))
    test_loss = test_loss / len(dataloader)
    test_acc = test_acc / len(dataloader)
    return test_loss, test_acc


def train(model, train_dataloader, test_dataloader, optimizer, loss_fn, epochs, device):
    results = {"train_loss": [], "train_acc": [], "test_loss": [], "test_acc": []}
    for epoch in range(epochs):
        train_loss, train_acc = train_step(model, train_dataloader, loss_fn, optimizer, device)
        test_loss, test_acc = test_step(model, test_dataloader, loss_fn, device)
        print(f"Epoch: {epoch + 1} | train_loss: {train_loss:.4f} | train_acc: {train_acc:.4f} | "
              f"test_loss: {test_loss:.4f} | test_acc: {test_acc:.4f}")
        results["train_loss"].append(round(train_loss, 3))
        results["train_acc"].append(round(train_acc, 3))
        results["test_loss"].append(round(test_loss, 3))
        results["test_acc"].append(round(test_acc, 3))
    return results


def save_model(model: nn.Module, target_dir: str, model_name: str):
    target_dir_path = Path(target_dir)
    target_dir_path.mkdir(parents=True, exist_ok=True)
    assert model_name.endswith(".pth") or model_name.endswith(".pt"), "model_name should end with '.pt' or '.pth'"
    model_save_path = target_dir_path / model_name
    print(f"[INFO] Saving model to: {model_save_path.name}")
    torch.save(obj=model.state_dict(), f=model_save_path)
    return model_save_path


with tempfile.TemporaryDirectory() as tmp:
    image_path = Path(tmp) / "pizza_steak_sushi"
    make_fake_images(image_path)
    walk_through_dir(image_path)
    train_dir, test_dir = image_path / "train", image_path / "test"
    print(find_classes(train_dir))
    try:
        find_classes(Path(tmp))
    except FileNotFoundError:
        print("FileNotFoundError")
    try:
        find_classes(train_dir / "pizza")
    except FileNotFoundError as e:
        print("FileNotFoundError:", str(e).replace(tmp, "<tmp>"))

    train_transforms = ToTensorNormalize(flip_p=0.5)
    test_transforms = ToTensorNormalize()
    train_data_custom = ImageFolderCustom(targ_dir=train_dir, transform=train_transforms)
    test_data_custom = ImageFolderCustom(targ_dir=test_dir, transform=test_transforms)
    print(len(train_data_custom), len(test_data_custom), train_data_custom.classes, train_data_custom.class_to_idx)
    print(train_transforms, isinstance(train_data_custom, Dataset))
    img, label = train_data_custom[0]
    print(f"Image tensor:\n{img[0, :2, :4]}")
    print(f"Image shape: {img.shape}")
    print(f"Image datatype: {img.dtype}")
    print(f"Image label: {label}")
    print(f"Label datatype: {type(label)}")
    img_permute = img.permute(1, 2, 0)
    print(f"Original shape: {img.shape} -> [color_channels, height, width]")
    print(f"Image permute shape: {img_permute.shape} -> [height, width, color_channels]")
    raw = ImageFolderCustom(targ_dir=test_dir)[1][0]
    print(raw.dtype, raw.shape, raw[0, 0], raw.float().mean(dim=(0, 1)).round(decimals=2))

    BATCH_SIZE = 4
    NUM_WORKERS = 0
    train_dataloader_custom = DataLoader(dataset=train_data_custom, batch_size=BATCH_SIZE,
                                         num_workers=NUM_WORKERS, shuffle=True)
    test_dataloader_custom = DataLoader(dataset=test_data_custom, batch_size=BATCH_SIZE,
                                        num_workers=NUM_WORKERS, shuffle=False)
    print(len(train_dataloader_custom), len(test_dataloader_custom), train_dataloader_custom.batch_size)
    img_custom, label_custom = next(iter(train_dataloader_custom))
    print(f"Image shape: {img_custom.shape} -> [batch_size, color_channels, height, width]")
    print(f"Label shape: {label_custom.shape}", label_custom, label_custom.dtype)

    torch.manual_seed(42)
    model_0 = TinyVGG(input_shape=3, hidden_units=10, output_shape=len(train_data_custom.classes))
    print(model_0)
    total = sum(p.numel() for p in model_0.parameters())
    trainable = sum(p.numel() for p in model_0.parameters() if p.requires_grad)
    print(f"Total params: {total:,} | Trainable params: {trainable:,}")
    x = torch.randn(1, 3, 16, 16)
    for name, layer in model_0.named_children():
        x = layer(x)
        print(f"{name}: {tuple(x.shape)}")
    img_single, label_single = img_custom[0].unsqueeze(dim=0), label_custom[0]
    print(f"Single image shape: {img_single.shape}\n")
    model_0.eval()
    with torch.inference_mode():
        pred = model_0(img_single)
    print(f"Output logits:\n{pred.round(decimals=4)}\n")
    print(f"Output prediction probabilities:\n{torch.softmax(pred, dim=1).round(decimals=4)}\n")
    print(f"Output prediction label:\n{torch.argmax(torch.softmax(pred, dim=1), dim=1)}\n")
    print(f"Actual label:\n{label_single}")
    try:
        model_0(torch.randn(1, 3, 32, 32))
    except RuntimeError as e:
        print("RuntimeError:", e)
    try:
        model_0(torch.randn(3, 16, 16))
    except RuntimeError as e:
        print("RuntimeError:", e)

    torch.manual_seed(42)
    NUM_EPOCHS = 5
    model_0 = TinyVGG(input_shape=3, hidden_units=10, output_shape=len(train_data_custom.classes))
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(params=model_0.parameters(), lr=0.001)
    model_0_results = train(model=model_0, train_dataloader=train_dataloader_custom,
                            test_dataloader=test_dataloader_custom, optimizer=optimizer, loss_fn=loss_fn,
                            epochs=NUM_EPOCHS, device="cpu")
    print(model_0_results.keys(), len(model_0_results["train_loss"]))

    target = save_model(model=model_0, target_dir=Path(tmp) / "models", model_name="05_going_modular_tinyvgg.pth")
    try:
        save_model(model=model_0, target_dir=Path(tmp) / "models", model_name="bad_name.txt")
    except AssertionError as e:
        print("AssertionError:", e)
    loaded = TinyVGG(input_shape=3, hidden_units=10, output_shape=3)
    print(loaded.load_state_dict(torch.load(target, weights_only=True)))
    print(list(torch.load(target).keys())[:4], os.path.getsize(target) > 0)
    loaded.eval()
    model_0.eval()
    custom_image = torch.from_numpy(np.load(test_dir / "sushi" / "sushi_00.npy")).type(torch.float32)
    print(custom_image.shape, custom_image.dtype, custom_image.max() > 1)
    custom_image = custom_image / 255.0
    custom_image = custom_image.permute(2, 0, 1)
    with torch.inference_mode():
        custom_image_pred = loaded(custom_image.unsqueeze(dim=0))
        same = torch.equal(custom_image_pred, model_0(custom_image.unsqueeze(dim=0)))
    custom_image_pred_probs = torch.softmax(custom_image_pred, dim=1)
    custom_image_pred_label = torch.argmax(custom_image_pred_probs, dim=1)
    print(same, custom_image_pred_probs.round(decimals=3), custom_image_pred_label,
          train_data_custom.classes[custom_image_pred_label.cpu()])
    print(f"Pred: {train_data_custom.classes[custom_image_pred_label]} | Prob: {custom_image_pred_probs.max():.3f}")

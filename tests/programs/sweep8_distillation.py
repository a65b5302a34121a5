"""Knowledge distillation: a big teacher, a small student, KLDivLoss on temperature-softened outputs plus hard CE."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(42)

n_features, n_classes = 20, 5
centers = torch.randn(n_classes, n_features) * 2
y_all = torch.randint(0, n_classes, (600,))
X_all = centers[y_all] + torch.randn(600, n_features) * 1.5
train_dl = DataLoader(TensorDataset(X_all[:500], y_all[:500]), batch_size=50, shuffle=True)
test_dl = DataLoader(TensorDataset(X_all[500:], y_all[500:]), batch_size=100)


class DeepNN(nn.Module):
    def __init__(self, num_classes=5):
        super(DeepNN, self).__init__()
        self.features = nn.Sequential(nn.Linear(n_features, 128), nn.ReLU(), nn.Dropout(0.1),
                                      nn.Linear(128, 64), nn.ReLU())
        self.classifier = nn.Linear(64, num_classes)

    def forward(self, x):
        return self.classifier(self.features(x))


class LightNN(nn.Module):
    def __init__(self, num_classes=5):
        super(LightNN, self).__init__()
        self.net = nn.Sequential(nn.Linear(n_features, 8), nn.ReLU(), nn.Linear(8, num_classes))

    def forward(self, x):
        return self.net(x)


def train(model, train_loader, epochs, learning_rate):
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    model.train()
    for epoch in range(epochs):
        running_loss = 0.0
        for inputs, labels in train_loader:
            optimizer.zero_grad()
            loss = criterion(model(inputs), labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
        print(f"Epoch {epoch + 1}/{epochs}, Loss: {running_loss / len(train_loader):.4f}")


def test(model, test_loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for inputs, labels in test_loader:
            outputs = model(inputs)
            _, predicted = torch.max(outputs.data, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
    accuracy = 100 * correct / total
    print(f"Test Accuracy: {accuracy:.2f}%")
    return accuracy


def train_knowledge_distillation(teacher, student, train_loader, epochs, learning_rate, T,
                                 soft_target_loss_weight, ce_loss_weight):
    ce_loss = nn.CrossEntropyLoss()
    kl = nn.KLDivLoss(reduction="batchmean")
    optimizer = torch.optim.Adam(student.parameters(), lr=learning_rate)
    teacher.eval()
    student.train()
    for epoch in range(epochs):
        running_loss = 0.0
        for inputs, labels in train_loader:
            optimizer.zero_grad()
            with torch.inference_mode():
                teacher_logits = teacher(inputs)
            student_logits = student(inputs)
            soft_targets = F.softmax(teacher_logits / T, dim=-1)
            soft_prob = F.log_softmax(student_logits / T, dim=-1)
            soft_targets_loss = kl(soft_prob, soft_targets) * (T ** 2)
            label_loss = ce_loss(student_logits, labels)
            loss = soft_target_loss_weight * soft_targets_loss + ce_loss_weight * label_loss
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
        print(f"Epoch {epoch + 1}/{epochs}, Loss: {running_loss / len(train_loader):.4f}")
    return soft_targets, teacher_logits


torch.manual_seed(42)
nn_deep = DeepNN(num_classes=n_classes)
train(nn_deep, train_dl, epochs=3, learning_rate=0.001)
test_accuracy_deep = test(nn_deep, test_dl)

torch.manual_seed(42)
nn_light = LightNN(num_classes=n_classes)
torch.manual_seed(42)
new_nn_light = LightNN(num_classes=n_classes)
print("Norm of 1st layer of nn_light:", round(torch.norm(nn_light.net[0].weight).item(), 4))
print("Norm of 1st layer of new_nn_light:", round(torch.norm(new_nn_light.net[0].weight).item(), 4))
total_params_deep = "{:,}".format(sum(p.numel() for p in nn_deep.parameters()))
total_params_light = "{:,}".format(sum(p.numel() for p in nn_light.parameters()))
print(f"DeepNN parameters: {total_params_deep}")
print(f"LightNN parameters: {total_params_light}")

train(nn_light, train_dl, epochs=3, learning_rate=0.001)
test_accuracy_light_ce = test(nn_light, test_dl)
soft, tlog = train_knowledge_distillation(teacher=nn_deep, student=new_nn_light, train_loader=train_dl, epochs=3,
                                          learning_rate=0.001, T=2, soft_target_loss_weight=0.25, ce_loss_weight=0.75)
test_accuracy_light_ce_and_kd = test(new_nn_light, test_dl)
print(f"Teacher accuracy: {test_accuracy_deep:.2f}%")
print(f"Student accuracy without teacher: {test_accuracy_light_ce:.2f}%")
print(f"Student accuracy with CE + KD: {test_accuracy_light_ce_and_kd:.2f}%")
print(tlog.is_inference(), tlog.requires_grad, soft.is_inference(), soft.requires_grad)
print(torch.is_inference_mode_enabled(), torch.is_grad_enabled())

# the functional spellings, log_target and the reductions
p = F.log_softmax(torch.randn(4, 5), dim=1)
q = F.log_softmax(torch.randn(4, 5), dim=1)
for red in ["batchmean", "sum", "mean", "none"]:
    v = F.kl_div(p, q, reduction=red, log_target=True)
    print(red, v.shape, [round(x, 4) for x in v.flatten().tolist()[:3]])
print(torch.allclose(F.kl_div(p, q.exp(), reduction="batchmean"), F.kl_div(p, q, reduction="batchmean", log_target=True)))
print(nn.KLDivLoss(reduction="batchmean", log_target=True))
with torch.inference_mode():
    t = torch.ones(3)
try:
    t.add_(1)
except RuntimeError as e:
    print("RuntimeError:", str(e).splitlines()[0])
with torch.inference_mode(mode=False):
    print(torch.is_inference_mode_enabled(), torch.ones(2).is_inference())

"""Linear / logistic regression the 2017 way (pytorch-tutorial repos, course notebooks): Variable
wrappers with requires_grad and volatile, manual SGD through .data and .sub_, grad.data.zero_(),
legacy FloatTensor constructors and .type() strings, loss.item() where loss.data[0] used to be."""
import warnings

import numpy as np
import torch
from torch.autograd import Variable

torch.manual_seed(0)
np.random.seed(0)

x_np = np.random.rand(32, 3).astype(np.float32)
w_true = np.array([[1.5], [-2.0], [0.5]], dtype=np.float32)
y_np = x_np.dot(w_true) + 0.3

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    x = Variable(torch.from_numpy(x_np))
    y = Variable(torch.from_numpy(y_np), requires_grad=False)
    w = Variable(torch.randn(3, 1).type(torch.FloatTensor), requires_grad=True)
    b = Variable(torch.zeros(1), requires_grad=True)
    v = Variable(torch.ones(2), volatile=True)
    print("volatile ->", v.requires_grad, type(v).__name__)
for wm in caught:
    print("warning:", wm.category.__name__, str(wm.message))

print(type(x), x.type(), w.type(), w.data.type())
print("is leaf:", w.is_leaf, "requires_grad:", w.requires_grad, "grad:", w.grad)

lr = 0.1
for epoch in range(60):
    y_pred = x.mm(w) + b
    loss = (y_pred - y).pow(2).mean()
    loss.backward()
    w.data.sub_(lr * w.grad.data)
    b.data -= lr * b.grad.data
    w.grad.data.zero_()
    b.grad.data.zero_()
    if epoch % 20 == 0:
        print("epoch {:3d} loss {:.4f}".format(epoch, loss.item()))
print("w:", w.data.view(-1).tolist().__len__(), torch.round(w.data * 100).view(-1))
print("b:", "%.3f" % b.data[0])
print("grad after zero:", w.grad.data.view(-1))

# logistic regression with nn.Module and a legacy LongTensor target
labels = torch.LongTensor((x_np[:, 0] > 0.5).astype(np.int64).tolist())
print(labels.type(), labels.dtype, labels[:8])
model = torch.nn.Linear(3, 2)
crit = torch.nn.CrossEntropyLoss()
opt = torch.optim.SGD(model.parameters(), lr=0.5)
for it in range(40):
    inputs, targets = Variable(x), Variable(labels)
    opt.zero_grad()
    out = model(inputs)
    loss = crit(out, targets)
    loss.backward()
    opt.step()
_, predicted = torch.max(out.data, 1)
correct = (predicted == targets.data).sum()
print("correct:", correct, type(correct).__name__, correct.item(), "acc %.2f" % (100.0 * correct.item() / targets.size(0)))
print("loss %.4f" % loss.data.item(), loss.data.type(), loss.data.dim(), loss.size())

# evaluation under no_grad instead of volatile
with torch.no_grad():
    test = Variable(torch.FloatTensor([[0.9, 0.1, 0.2], [0.1, 0.8, 0.3]]))
    probs = torch.nn.functional.softmax(model(test), dim=1)
    print(probs.requires_grad, torch.round(probs.data * 1000) / 1000)
print(torch.FloatTensor([1, 2]).type(torch.DoubleTensor), torch.FloatTensor([1.5, -2]).type('torch.IntTensor'))
print(torch.FloatTensor([1, 2]).type(torch.float64).type(), torch.ones(2).type(torch.LongTensor).type())
x64 = Variable(torch.DoubleTensor(2, 2).fill_(0.5), requires_grad=True)
(x64 * 3).sum().backward()
print(x64.grad, x64.grad.type())

# a custom autograd Function as 0.4 tutorials wrote it (ctx.saved_variables), and the pre-0.4 style
class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_variables
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


class OldStyleReLU(torch.autograd.Function):
    def forward(self, input):
        self.save_for_backward(input)
        return input.clamp(min=0)


h = Variable(torch.FloatTensor([[-1.0, 2.0], [0.5, -3.0]]), requires_grad=True)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    out = MyReLU.apply(h)
    (out * torch.Tensor([[1, 2], [3, 4]])).sum().backward()
    try:
        OldStyleReLU()(h)
    except RuntimeError as e:
        print("RuntimeError:", str(e)[:90])
for wm in caught:
    print("warning:", wm.category.__name__, str(wm.message))
print(out, out.grad_fn.__class__.__name__, h.grad)

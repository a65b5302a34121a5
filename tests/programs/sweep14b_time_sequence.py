"""time_sequence_prediction in the style of pytorch/examples: two stacked LSTMCells in double precision
learn sine waves, trained with LBFGS and a closure, then predict the future; the data is generated and
saved with torch.save into a temporary directory, as the example's generate_sine_wave.py does."""
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim

# --- generate_sine_wave.py ---------------------------------------------------------------------------
np.random.seed(2)
T = 20
L = 60
N = 12
x = np.empty((N, L), "int64")
x[:] = np.array(range(L)) + np.random.randint(-4 * T, 4 * T, N).reshape(N, 1)
data = np.sin(x / 1.0 / T).astype("float64")
tmp = tempfile.mkdtemp()
path = os.path.join(tmp, "traindata.pt")
torch.save(data, open(path, "wb"))
print("saved", os.path.basename(path), data.shape, data.dtype)


class Sequence(nn.Module):
    def __init__(self, hidden=16):
        super(Sequence, self).__init__()
        self.hidden = hidden
        self.lstm1 = nn.LSTMCell(1, hidden)
        self.lstm2 = nn.LSTMCell(hidden, hidden)
        self.linear = nn.Linear(hidden, 1)

    def forward(self, input, future=0):
        outputs = []
        h_t = torch.zeros(input.size(0), self.hidden, dtype=torch.double)
        c_t = torch.zeros(input.size(0), self.hidden, dtype=torch.double)
        h_t2 = torch.zeros(input.size(0), self.hidden, dtype=torch.double)
        c_t2 = torch.zeros(input.size(0), self.hidden, dtype=torch.double)

        for input_t in input.split(1, dim=1):
            h_t, c_t = self.lstm1(input_t, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        for i in range(future):  # if we should predict the future
            h_t, c_t = self.lstm1(output, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        outputs = torch.cat(outputs, dim=1)
        return outputs


# --- train.py ----------------------------------------------------------------------------------------
np.random.seed(0)
torch.manual_seed(0)
data = torch.load(path, weights_only=False)
print(type(data).__name__, data.shape)
input = torch.from_numpy(data[3:, :-1])
target = torch.from_numpy(data[3:, 1:])
test_input = torch.from_numpy(data[:3, :-1])
test_target = torch.from_numpy(data[:3, 1:])
print("input", input.shape, input.dtype, "test", test_input.shape)

seq = Sequence()
seq.double()
print(seq)
print("params", sum(p.numel() for p in seq.parameters()), next(seq.parameters()).dtype)
criterion = nn.MSELoss()
optimizer = optim.LBFGS(seq.parameters(), lr=0.8, max_iter=6)
n_closure = [0]
for i in range(4):
    print("STEP: ", i)

    def closure():
        optimizer.zero_grad()
        out = seq(input)
        loss = criterion(out, target)
        n_closure[0] += 1
        print("loss: %.6f" % loss.item())
        loss.backward()
        return loss

    ret = optimizer.step(closure)
    print("step returned", type(ret).__name__, f"{ret.item():.6f}")
    with torch.no_grad():
        future = 20
        pred = seq(test_input, future=future)
        loss = criterion(pred[:, :-future], test_target)
        print("test loss: %.6f" % loss.item())
        y = pred.detach().numpy()
    print("pred", pred.shape, pred.requires_grad, np.round(y[0, -5:], 4))

print("closure calls", n_closure[0])
st = optimizer.state[optimizer.param_groups[0]["params"][0]]
print("lbfgs state keys", sorted(st.keys()))
print("func_evals", st["func_evals"], "n_iter", st["n_iter"], "history", len(st["old_dirs"]))
print(round(float(st["t"]), 6))

# --- a few LSTMCell details the example relies on -----------------------------------------------------
cell = nn.LSTMCell(1, 3).double()
h, c = cell(torch.ones(2, 1, dtype=torch.double))
print(h.dtype, h.shape, c.shape, h.grad_fn.name() is not None)
print(torch.round(h, decimals=4))
h1, c1 = cell(torch.ones(1, dtype=torch.double))
print(h1.shape, c1.shape)
print([n for n, _ in cell.named_parameters()])
print(cell.weight_ih.shape, cell.weight_hh.shape, cell.bias_ih.shape)
print(repr(cell))

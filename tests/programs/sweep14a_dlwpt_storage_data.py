"""Tensors the way the storage chapter of a deep-learning book explains them (lists vs tensors,
storage, offsets, strides, transposes that share memory, contiguity, dtypes, einsum for grayscale,
serialization to a file object), then its data chapters with synthetic tables: a wine-quality table
(one-hot with scatter_, normalisation, boolean masks), an hourly bike table reshaped into days,
character/word one-hot encoding of a text, and an image batch of uint8 normalised per channel."""
import io
import tempfile
import os

import numpy as np
import torch

torch.set_printoptions(precision=4, sci_mode=False)

a = [1.0, 2.0, 1.0]
print(a[0], a)
a[2] = 3.0
print(a)
a = torch.ones(3)
print(a, a[1], float(a[1]))
a[2] = 2.0
print(a)
points = torch.zeros(6)
points[0] = 4.0
points[1] = 1.0
points[2] = 5.0
points[3] = 3.0
points[4] = 2.0
points[5] = 1.0
print(points)
points = torch.tensor([4.0, 1.0, 5.0, 3.0, 2.0, 1.0])
print(points, float(points[0]), float(points[1]))
points = torch.tensor([[4.0, 1.0], [5.0, 3.0], [2.0, 1.0]])
print(points, points.shape)
print(torch.zeros(3, 2))
print(points[0, 1], points[0])
print(points[1:], points[1:, :], points[1:, 0], points[None], points[None].shape)

# storage, offsets, strides
points_storage = points.untyped_storage()
print(len(points_storage), points_storage.nbytes(), points.element_size(), points.nbytes)
print(list(points.untyped_storage())[:8], points.untyped_storage()[4], points.untyped_storage()[-1])
print(torch.tensor([1, 258], dtype=torch.int16).untyped_storage())
ts = points.storage()
print(ts)
print(ts[0], ts[1], len(ts), ts.dtype, ts.size(), ts.tolist())
points_2 = torch.tensor([[4.0, 1.0], [5.0, 3.0], [2.0, 1.0]])
points_2.storage()[0] = 2.0
print(points_2)
a = torch.ones(3, 2)
a.zero_()
print(a)
second_point = points[1]
print(second_point.storage_offset(), second_point.size(), second_point.shape, points.stride(), second_point.stride())
second_point = points[1].clone()
second_point[0] = 10.0
print(points)
second_point = points[1]
second_point[0] = 10.0
print(points, second_point.untyped_storage().data_ptr() == points.untyped_storage().data_ptr())
points_t = points.t()
print(points_t, id(points.untyped_storage()) == id(points_t.untyped_storage()))
print(points.untyped_storage().data_ptr() == points_t.untyped_storage().data_ptr())
print(points.stride(), points_t.stride(), points.is_contiguous(), points_t.is_contiguous())
some_t = torch.ones(3, 4, 5)
transpose_t = some_t.transpose(0, 2)
print(some_t.shape, transpose_t.shape, some_t.stride(), transpose_t.stride())
points_t_cont = points_t.contiguous()
print(points_t_cont, points_t_cont.stride(), points_t_cont.storage_offset(), points_t_cont.is_contiguous())
print(points_t_cont.storage().tolist())
print(points[1:, 1:].storage_offset(), points[:, 1].stride(), points[::2].stride(), points[::2].is_contiguous())
print(points.view(-1).tolist(), points.t().reshape(-1).tolist(), points.flatten().data_ptr() == points.data_ptr())
print(points.t().flatten().data_ptr() == points.data_ptr(), points.unsqueeze(1).stride(), points.expand(2, 3, 2).stride())
z = torch.empty(0)
print(z, z.shape, z.numel(), z.stride(), z.untyped_storage().nbytes())
try:
    points_t.view(6)
except RuntimeError as e:
    print("RuntimeError:", e)
x = torch.arange(12).view(3, 4)
y = torch.as_strided(x, (2, 2), (1, 4), 1)
print(y, y.storage_offset(), y.is_contiguous())
x.set_(torch.arange(6.0).untyped_storage(), 0, (2, 3), (3, 1)) if False else None

# dtypes
double_points = torch.ones(10, 2, dtype=torch.double)
short_points = torch.tensor([[1, 2], [3, 4]], dtype=torch.short)
print(short_points.dtype, double_points.dtype, short_points)
double_points = torch.zeros(10, 2).double()
short_points = torch.ones(10, 2).short()
print(double_points.dtype, short_points.dtype, short_points[:2])
double_points = torch.zeros(10, 2).to(torch.double)
short_points = torch.ones(10, 2).to(dtype=torch.short)
points_64 = torch.rand(5, dtype=torch.double)
points_short = points_64.to(torch.short)
print(points_64 * points_short, (points_64 * points_short).dtype)
print(torch.tensor([1, 2], dtype=torch.int16) * torch.tensor([3.5]), torch.tensor([300]).to(torch.uint8))
print(torch.tensor([-1.7, 2.9]).to(torch.int8), torch.tensor([1, 0, 2]).bool(), torch.tensor([True]).long())
print(torch.get_default_dtype(), torch.tensor(1.0).dtype, torch.tensor(1).dtype, torch.tensor([1, 2.0]).dtype)
print(torch.promote_types(torch.int32, torch.float16), torch.result_type(torch.tensor([1]), 2.0),
      torch.can_cast(torch.float32, torch.int32), torch.finfo(torch.float32).eps, torch.iinfo(torch.int16).max)

# the tensor API
a = torch.ones(3, 2)
a_t = torch.transpose(a, 0, 1)
print(a.shape, a_t.shape, a.transpose(0, 1).shape)
points_np = points.numpy()
print(points_np, points_np.dtype)
points = torch.from_numpy(points_np)
print(points.dtype)

# grayscale with einsum, broadcasting and unsqueeze
torch.manual_seed(3)
img_t = torch.randn(3, 5, 5)
weights = torch.tensor([0.2126, 0.7152, 0.0722])
batch_t = torch.randn(2, 3, 5, 5)
img_gray_naive = img_t.mean(-3)
batch_gray_naive = batch_t.mean(-3)
print(img_gray_naive.shape, batch_gray_naive.shape)
unsqueezed_weights = weights.unsqueeze(-1).unsqueeze_(-1)
img_weights = img_t * unsqueezed_weights
batch_weights = batch_t * unsqueezed_weights
img_gray_weighted = img_weights.sum(-3)
batch_gray_weighted = batch_weights.sum(-3)
print(batch_weights.shape, batch_t.shape, unsqueezed_weights.shape, unsqueezed_weights)
img_gray_weighted_fancy = torch.einsum("...chw,c->...hw", img_t, weights)
batch_gray_weighted_fancy = torch.einsum("...chw,c->...hw", batch_t, weights)
print(batch_gray_weighted_fancy.shape, torch.allclose(batch_gray_weighted_fancy, batch_gray_weighted, atol=1e-6))
print(torch.allclose(img_gray_weighted_fancy, img_gray_weighted, atol=1e-6), img_gray_weighted_fancy[0, :3].round(decimals=3))
print(torch.einsum("ij,jk->ik", torch.ones(2, 3), torch.ones(3, 2)), torch.einsum("ii", torch.eye(3)))
print(torch.einsum("i,j->ij", torch.arange(3.0), torch.arange(2.0)), torch.einsum("bij->bji", torch.zeros(1, 2, 3)).shape)
try:
    torch.einsum("ij,jk->ik", torch.ones(2, 3), torch.ones(2, 2))
except RuntimeError as e:
    print("RuntimeError:", e)

# serialization to file-likes
buf = io.BytesIO()
torch.save(points, buf)
buf.seek(0)
points_loaded = torch.load(buf)
print(points_loaded, torch.equal(points_loaded, points))
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "ourpoints.t")
    with open(path, "wb") as f:
        torch.save({"points": points, "t": points.t(), "meta": [1, "two"]}, f)
    with open(path, "rb") as f:
        obj = torch.load(f)
    print(sorted(obj), obj["t"].is_contiguous(), obj["t"].stride(), obj["meta"])
    print(obj["t"].untyped_storage().data_ptr() == obj["points"].untyped_storage().data_ptr())

# a wine-quality-like table
rng = np.random.default_rng(0)
wineq_numpy = np.concatenate([rng.uniform(0, 10, size=(40, 11)), rng.integers(3, 9, size=(40, 1))], 1)
wineq_numpy = wineq_numpy.astype(np.float32)
print(wineq_numpy.shape, wineq_numpy.dtype)
wineq = torch.from_numpy(wineq_numpy)
print(wineq.shape, wineq.dtype)
data = wineq[:, :-1]
print(data[:2], data.shape)
target = wineq[:, -1]
print(target[:10], target.shape)
target = wineq[:, -1].long()
print(target[:10])
target_onehot = torch.zeros(target.shape[0], 10)
print(target_onehot.scatter_(1, target.unsqueeze(1), 1.0)[:3])
target_unsqueezed = target.unsqueeze(1)
print(target_unsqueezed[:3], target_unsqueezed.shape)
print(torch.nn.functional.one_hot(target[:5], num_classes=10))
data_mean = torch.mean(data, dim=0)
data_var = torch.var(data, dim=0)
print(data_mean.round(decimals=3), data_var.round(decimals=3))
data_normalized = (data - data_mean) / torch.sqrt(data_var)
print(data_normalized[:2].round(decimals=3))
bad_indexes = target <= 3
print(bad_indexes.shape, bad_indexes.dtype, bad_indexes.sum())
bad_data = data[bad_indexes]
print(bad_data.shape)
bad_data = data[target <= 3]
mid_data = data[(target > 3) & (target < 7)]
good_data = data[target >= 7]
bad_mean = torch.mean(bad_data, dim=0)
mid_mean = torch.mean(mid_data, dim=0)
good_mean = torch.mean(good_data, dim=0)
for i, args in enumerate(zip(["fixed acidity", "volatile acidity", "citric acid"], bad_mean, mid_mean, good_mean)):
    print("{:2} {:20} {:6.2f} {:6.2f} {:6.2f}".format(i, *args))
total_sulfur_threshold = 5.0
total_sulfur_data = data[:, 6]
predicted_indexes = torch.lt(total_sulfur_data, total_sulfur_threshold)
print(predicted_indexes.shape, predicted_indexes.dtype, predicted_indexes.sum())
actual_indexes = target > 5
print(actual_indexes.shape, actual_indexes.dtype, actual_indexes.sum())
n_matches = torch.sum(actual_indexes & predicted_indexes).item()
n_predicted = torch.sum(predicted_indexes).item()
n_actual = torch.sum(actual_indexes).item()
print(n_matches, n_matches / n_predicted, n_matches / n_actual)

# bikes: hourly rows reshaped into days
hours = 24 * 5
bikes_numpy = np.zeros((hours, 6), dtype=np.float32)
bikes_numpy[:, 0] = np.arange(hours)
bikes_numpy[:, 1] = np.arange(hours) % 24
bikes_numpy[:, 2] = rng.integers(1, 5, size=hours)
bikes_numpy[:, 3] = rng.uniform(0, 1, size=hours).round(2)
bikes_numpy[:, 4] = rng.uniform(0, 1, size=hours).round(2)
bikes_numpy[:, 5] = rng.integers(0, 300, size=hours)
bikes = torch.from_numpy(bikes_numpy)
print(bikes.shape, bikes.stride())
daily_bikes = bikes.view(-1, 24, bikes.shape[1])
print(daily_bikes.shape, daily_bikes.stride())
daily_bikes = daily_bikes.transpose(1, 2)
print(daily_bikes.shape, daily_bikes.stride(), daily_bikes.is_contiguous())
first_day = bikes[:24].long()
weather_onehot = torch.zeros(first_day.shape[0], 4)
print(first_day[:, 2])
weather_onehot.scatter_(dim=1, index=first_day[:, 2].unsqueeze(1).long() - 1, value=1.0)
print(weather_onehot[:4])
print(torch.cat((bikes[:24], weather_onehot), 1)[:1])
daily_weather_onehot = torch.zeros(daily_bikes.shape[0], 4, daily_bikes.shape[2])
print(daily_weather_onehot.shape)
daily_weather_onehot.scatter_(1, daily_bikes[:, 2, :].long().unsqueeze(1) - 1, 1.0)
print(daily_weather_onehot.shape, daily_weather_onehot.sum(1).unique())
daily_bikes = torch.cat((daily_bikes, daily_weather_onehot), dim=1)
print(daily_bikes.shape, daily_bikes.is_contiguous(), daily_bikes.stride())
daily_bikes[:, 2, :] = (daily_bikes[:, 2, :] - 1.0) / 3.0
temp = daily_bikes[:, 3, :]
temp_min = torch.min(temp)
temp_max = torch.max(temp)
daily_bikes[:, 3, :] = (daily_bikes[:, 3, :] - temp_min) / (temp_max - temp_min)
daily_bikes[:, 4, :] = (daily_bikes[:, 4, :] - torch.mean(temp)) / torch.std(temp)
print(daily_bikes[0, :5, :4])

# text: characters and words one-hot
text = """It is a truth universally acknowledged, that a single man in possession of a good fortune,
must be in want of a wife. However little known the feelings or views of such a man may be."""
lines = text.split("\n")
line = lines[0]
letter_t = torch.zeros(len(line), 128)
print(letter_t.shape)
for i, letter in enumerate(line.lower().strip()):
    letter_index = ord(letter) if ord(letter) < 128 else 0
    letter_t[i][letter_index] = 1
print(letter_t.sum(), letter_t.argmax(1)[:10], letter_t[0].nonzero())


def clean_words(input_str):
    punctuation = '.,;:"!?”“_-'
    word_list = input_str.lower().replace("\n", " ").split()
    word_list = [word.strip(punctuation) for word in word_list]
    return word_list


words_in_line = clean_words(line)
print(line, words_in_line)
word_list = sorted(set(clean_words(text)))
word2index_dict = {word: i for (i, word) in enumerate(word_list)}
print(len(word2index_dict), word2index_dict["possession"])
word_t = torch.zeros(len(words_in_line), len(word2index_dict))
for i, word in enumerate(words_in_line):
    word_index = word2index_dict[word]
    word_t[i][word_index] = 1
    print("{:2} {:4} {}".format(i, word_index, word))
print(word_t.shape, word_t.sum(0).max(), torch.nonzero(word_t)[:4])

# images: a uint8 batch, normalised per channel; a volume
batch_size = 3
batch = torch.zeros(batch_size, 3, 8, 8, dtype=torch.uint8)
for i in range(batch_size):
    img_arr = rng.integers(0, 256, size=(8, 8, 3), dtype=np.uint8)
    img_t = torch.from_numpy(img_arr)
    img_t = img_t.permute(2, 0, 1)
    img_t = img_t[:3]
    batch[i] = img_t
print(batch.dtype, batch[0, 0, 0], batch.float().mean())
batch = batch.float()
batch /= 255.0
n_channels = batch.shape[1]
for c in range(n_channels):
    mean = torch.mean(batch[:, c])
    std = torch.std(batch[:, c])
    batch[:, c] = (batch[:, c] - mean) / std
print(batch.mean((0, 2, 3)).abs().lt(1e-5), batch.std((0, 2, 3)).round(decimals=3))
vol_arr = rng.integers(0, 2000, size=(4, 6, 6)).astype(np.int16)
vol = torch.from_numpy(vol_arr).float()
vol = torch.unsqueeze(vol, 0)
print(vol.shape, vol.dtype, vol_arr.dtype, torch.from_numpy(vol_arr).dtype, torch.from_numpy(vol_arr)[0, 0])

# the convolution chapter sets kernels by hand
conv = torch.nn.Conv2d(3, 1, kernel_size=3, padding=1)
print(conv, conv.weight.shape, conv.bias.shape)
try:
    conv.weight[:] = 0.0
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    conv.weight[0] = 0.0
except RuntimeError as e:
    print("RuntimeError:", e)
with torch.no_grad():
    conv.bias.zero_()
    conv.weight.fill_(1.0 / 9.0)
print(conv.weight.requires_grad, conv.weight.grad_fn, conv.bias)
with torch.no_grad():
    conv.weight[:] = torch.tensor([[-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0]])
output = conv(batch[:1])
print(output.shape, output.grad_fn.__class__.__name__, output[0, 0, :2, :4].round(decimals=3))
h = output * 1
h[:] = torch.zeros(8)
print(h.grad_fn.__class__.__name__, h.grad_fn.next_functions[1][0].__class__.__name__)
h = output * 1
h[...] = 0.5
print(h.grad_fn.__class__.__name__, h.abs().sum())
h = output * 1
h[:, :, 0] = 0.0
print(h.grad_fn.__class__.__name__, torch.fill(output, 2.0).grad_fn.__class__.__name__,
      (output * 1).fill_(torch.tensor(1.0)).grad_fn.__class__.__name__)

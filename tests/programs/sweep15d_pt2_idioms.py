""""What's new in PyTorch 2.x" walkthrough, notebook style.

Covers the idioms a migration guide shows: torch.compile on a function and on a module (it must give
the eager results), default dtype / default device and the ``with torch.device(...)`` context,
F.scaled_dot_product_attention with boolean and float masks and ``is_causal``, inference_mode versus
no_grad, and a small transformer block written with the new APIs.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_printoptions(precision=4, sci_mode=False)
print("version has 2.x API:", hasattr(torch, "compile"), callable(torch.compile))


# --- torch.compile ----------------------------------------------------------------
def gelu_tanh(x):
    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


x = torch.randn(6)
eager = gelu_tanh(x)
print("eager:", eager)
print("F.gelu tanh matches:", torch.allclose(eager, F.gelu(x, approximate="tanh"), atol=1e-6))


class MLP(nn.Module):
    def __init__(self, d=8, h=16):
        super().__init__()
        self.fc1 = nn.Linear(d, h)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(h, d)

    def forward(self, x):
        return x + self.fc2(self.act(self.fc1(x)))


mlp = MLP()
inp = torch.randn(3, 8)
with torch.no_grad():
    ref = mlp(inp)
print("module output sum:", f"{ref.sum().item():.4f}")
def my_backend(gm, example_inputs):
    """A do-nothing compiler backend: run the captured graph as it is (the debugging backend)."""
    return gm.forward


compiled_fn = torch.compile(gelu_tanh, backend=my_backend)
print("compiled function matches eager:", torch.allclose(compiled_fn(x), eager, atol=1e-6))
compiled_mlp = torch.compile(mlp, dynamic=False, backend=my_backend)
print("compiled module:", compiled_mlp)      # compiles lazily, on its first call (skipped here: slow)
print("compiled keeps the parameters:", compiled_mlp.fc1.weight is mlp.fc1.weight,
      sum(p.numel() for p in compiled_mlp.parameters()))
print("state_dict keys:", list(compiled_mlp.state_dict().keys())[:2])
print("_orig_mod is mlp:", compiled_mlp._orig_mod is mlp, type(compiled_mlp).__name__)
fresh = MLP()
try:
    fresh.load_state_dict(compiled_mlp.state_dict())
except RuntimeError as e:
    print(type(e).__name__, e)
clean = {k.removeprefix("_orig_mod."): v for k, v in compiled_mlp.state_dict().items()}
print("after stripping the prefix:", fresh.load_state_dict(clean))


@torch.compile(fullgraph=True, backend=my_backend)
def fused_step(a, b):
    return torch.sin(a) ** 2 + torch.cos(b) ** 2


print("decorated compile:", fused_step.__name__, callable(fused_step))
print("is_compiling outside:", torch.compiler.is_compiling())
if hasattr(torch, "_dynamo"):
    torch._dynamo.reset()

# --- default dtype and device ----------------------------------------------------------
print("\n## defaults")
print("default dtype:", torch.get_default_dtype())
torch.set_default_dtype(torch.float64)
print("now:", torch.get_default_dtype(), torch.tensor([1.0]).dtype, torch.randn(2).dtype,
      torch.tensor([1]).dtype, torch.arange(3.0).dtype, torch.tensor(1.5 + 2j).dtype)
lin64 = nn.Linear(2, 2)
print("new Linear weight dtype:", lin64.weight.dtype)
torch.set_default_dtype(torch.float32)
print("restored:", torch.tensor([1.0]).dtype, torch.tensor(1j).dtype)
try:
    torch.set_default_dtype(torch.int64)
except TypeError as e:
    print(type(e).__name__, e)

with torch.device("cpu"):
    t = torch.ones(2, 2)
    layer = nn.Linear(2, 3)
print("inside with torch.device:", t.device, layer.weight.device)
dev = torch.device("cpu")
print("device object:", dev, repr(dev), dev.type, dev.index, torch.device("cpu", 0))
print("to(dev) is a no-op:", t.to(dev) is t, t.to("cpu", torch.float64).dtype)
torch.set_default_device("cpu")
print("after set_default_device:", torch.zeros(1).device, torch.get_default_device())
torch.set_default_device(None)
print("cuda available:", torch.cuda.is_available(), "mps:", torch.backends.mps.is_available())
device = "cuda" if torch.cuda.is_available() else "cpu"
print("chosen device:", device)

# --- scaled_dot_product_attention ------------------------------------------------------------
print("\n## scaled_dot_product_attention")
B, H, L, S, E = 2, 2, 4, 4, 8
q = torch.randn(B, H, L, E)
k = torch.randn(B, H, S, E)
v = torch.randn(B, H, S, E)


def manual_attention(q, k, v, mask=None, causal=False, scale=None):
    scale = 1 / math.sqrt(q.size(-1)) if scale is None else scale
    scores = q @ k.transpose(-2, -1) * scale
    if causal:
        tri = torch.ones(q.size(-2), k.size(-2), dtype=torch.bool).tril()
        scores = scores.masked_fill(~tri, float("-inf"))
    if mask is not None:
        if mask.dtype == torch.bool:
            scores = scores.masked_fill(~mask, float("-inf"))
        else:
            scores = scores + mask
    return scores.softmax(-1) @ v


out = F.scaled_dot_product_attention(q, k, v)
print("plain:", out.shape, torch.allclose(out, manual_attention(q, k, v), atol=1e-5))
out_c = F.scaled_dot_product_attention(q, k, v, is_causal=True)
print("causal:", torch.allclose(out_c, manual_attention(q, k, v, causal=True), atol=1e-5))
print("first query attends only to first key:", torch.allclose(out_c[:, :, 0], v[:, :, 0], atol=1e-6))
bool_mask = torch.tensor([True, True, True, False]).expand(L, S)
out_b = F.scaled_dot_product_attention(q, k, v, attn_mask=bool_mask)
print("bool mask:", torch.allclose(out_b, manual_attention(q, k, v, mask=bool_mask), atol=1e-5))
float_mask = torch.zeros(L, S)
float_mask[:, -1] = float("-inf")
out_f = F.scaled_dot_product_attention(q, k, v, attn_mask=float_mask)
print("float mask == bool mask:", torch.allclose(out_f, out_b, atol=1e-6))
out_s = F.scaled_dot_product_attention(q, k, v, scale=0.5, dropout_p=0.0)
print("custom scale:", torch.allclose(out_s, manual_attention(q, k, v, scale=0.5), atol=1e-5))
print("sample row:", out_c[0, 0, 1])
try:
    F.scaled_dot_product_attention(q, k, v, attn_mask=bool_mask, is_causal=True)
except RuntimeError as e:
    print(type(e).__name__, str(e).splitlines()[0])
try:
    F.scaled_dot_product_attention(q, k[..., :4], v)
except RuntimeError as e:
    print(type(e).__name__, str(e).splitlines()[0])
qg = q.clone().requires_grad_()
F.scaled_dot_product_attention(qg, k, v, is_causal=True).sum().backward()
print("grad norm:", f"{qg.grad.norm():.4f}")

# 3-D inputs and GQA-free multi-head through nn.MultiheadAttention
mha = nn.MultiheadAttention(embed_dim=8, num_heads=2, batch_first=True)
seq = torch.randn(2, 5, 8)
causal_mask = nn.Transformer.generate_square_subsequent_mask(5)
print("generated mask:\n", causal_mask)
attn_out, attn_w = mha(seq, seq, seq, attn_mask=causal_mask, need_weights=True)
print("mha:", attn_out.shape, attn_w.shape, attn_w[0, 1])
attn_out2, w2 = mha(seq, seq, seq, attn_mask=causal_mask, need_weights=False)
print("need_weights=False:", w2, torch.allclose(attn_out, attn_out2, atol=1e-6))

# --- inference_mode -----------------------------------------------------------------------
print("\n## inference_mode")
with torch.inference_mode():
    y = mlp(inp)
    print("inside:", torch.is_inference_mode_enabled(), y.requires_grad, y.is_inference())
print("outside:", torch.is_inference_mode_enabled(), y.is_inference())
try:
    (y * mlp.fc1.weight.sum()).sum().backward()
except RuntimeError as e:
    print(type(e).__name__, e)
with torch.no_grad():
    z = mlp(inp)
print("no_grad tensor:", z.requires_grad, z.is_inference(), z.grad_fn)


@torch.inference_mode()
def predict(model, batch):
    return model(batch).argmax(-1)


print("decorated predict:", predict(mlp, inp))
with torch.inference_mode(mode=False):
    print("mode=False:", torch.is_inference_mode_enabled())
with torch.enable_grad():
    print("grad enabled:", torch.is_grad_enabled())
torch.set_grad_enabled(False)
print("set_grad_enabled(False):", mlp(inp).requires_grad)
torch.set_grad_enabled(True)
print("back on:", mlp(inp).requires_grad, mlp(inp).grad_fn.name())

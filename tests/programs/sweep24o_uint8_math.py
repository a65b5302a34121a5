"""8-bit image arithmetic as taught in image-processing courses: float -> uint8 with and without
.round(), clamp(0, 255) before the cast, wrap-around of byte addition/subtraction, true division
of uint8 tensors (promotes to float), torch.div with rounding_mode floor/trunc on uint8 and int16,
brightness/contrast with saturating arithmetic via int16, bit-plane slicing with bitwise ops and
shifts, and printing small images as int tensors."""
import torch

torch.manual_seed(7)

img = torch.randint(0, 256, (4, 6), dtype=torch.uint8)
print(img)
print(img.dtype, img.min().item(), img.max().item(), img.sum().item(), img.sum().dtype)

# naive brightening overflows (wraps modulo 256)
wrapped = img + 100
print("wrapped\n", wrapped)
# saturating add through int16
sat = (img.to(torch.int16) + 100).clamp(0, 255).to(torch.uint8)
print("saturated\n", sat)
# subtraction wraps too
print("dark wrap", (img - 200)[0])
print("abs diff", (img.int() - img.flip(1).int()).abs().to(torch.uint8)[0])

# float conversion paths
f = img.float() / 255.0
g = f * 1.37 - 0.1
print("truncate", (g * 255).to(torch.uint8)[1])
print("clamp+truncate", (g * 255).clamp(0, 255).to(torch.uint8)[1])
print("clamp+round", (g * 255).clamp(0, 255).round().to(torch.uint8)[1])
print("halves", torch.tensor([0.5, 1.5, 2.5, 253.5, 254.5, -0.5]).round())
print("byte of negatives", torch.tensor([-1.0, -0.7, 255.9, 3.99]).to(torch.int16))

# true division of integer images gives float
ratio = img / img.flip(0).clamp(min=1)
print(ratio.dtype, f"{ratio.mean().item():.4f}")
print("floor div", torch.div(img, 3, rounding_mode="floor")[0])
print("trunc div", torch.div(img, 7, rounding_mode="trunc")[2])
print("// op", (img // 16)[3])
print("% op", (img % 16)[3])
signed = img.to(torch.int16) - 128
print("int16 floor", torch.div(signed, 10, rounding_mode="floor")[0])
print("int16 trunc", torch.div(signed, 10, rounding_mode="trunc")[0])
print("int16 true", torch.div(signed, 10)[0])
print("int16 remainder", torch.remainder(signed, 10)[0], torch.fmod(signed, 10)[0])

# posterize / quantize with shifts and masks
print("posterize 3 bits", (img >> 5) << 5)
print("bit plane 7", ((img >> 7) & 1)[0], ((img & 0x80) != 0).sum().item())
print("invert", (255 - img)[0], (~img)[0])
print("xor", (img ^ 0xFF)[0])

# brightness / contrast with mean
mean = img.float().mean()
contrast = ((img.float() - mean) * 1.5 + mean).clamp(0, 255).round().byte()
print(f"mean {mean.item():.3f}")
print(contrast)

# gamma via lookup table
lut = ((torch.arange(256, dtype=torch.float32) / 255) ** 0.5 * 255).round().to(torch.uint8)
print("lut head", lut[:10])
print(lut[img.long()])
print(lut.index_select(0, img.flatten().long()).view_as(img)[0])

# highlights: masked assignment of a tensor value (range-checked like a Python number)
hl = img.clone()
hl[hl > 200] = torch.tensor(255)
hl[hl < 50] = torch.tensor(-1)          # -1 wraps to 255, as uint8(-1)
print("highlights\n", hl)
try:
    hl[hl > 250] = torch.tensor(300)
except RuntimeError as e:
    print("masked assign 300:", e)
hl[:, 0] = torch.tensor(300)            # a plain slice copy wraps instead
print("slice copy 300", hl[:, 0])

# mixing dtypes
print((img * 2).dtype, (img * 2.0).dtype, (img + torch.tensor(1, dtype=torch.int16)).dtype)
print((img.to(torch.int8))[0], img.to(torch.int8).to(torch.uint8).equal(img))
print(torch.tensor([200, 100], dtype=torch.uint8) * torch.tensor([2, 3], dtype=torch.uint8))
print(img.double().mean(dim=1), img.float().std().round())
print(torch.tensor([[0, 128, 255]], dtype=torch.uint8).repeat(2, 2))

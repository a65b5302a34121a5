"""``DynamicQuantizedLinear``: an ``nn.Linear`` with an int8 weight, its input quantized per call.

What torch's x86 (fbgemm) kernel computes, step by step, every step exact except where noted:

1. the input (all of it, flattened to rows) gets a uint8 scale and zero point from its min and max
   (``choose_qparams``, with ``reduce_range``: 7 bits, 0..127, so int16 pair sums cannot saturate);
2. it is quantized: ``xq = clamp(nearbyint(fma(x, 1 / s_x, z_x)), 0, 255)`` in float32;
3. int32 accumulate: ``acc[i, j] = sum_k (xq[i, k] - z_x) * wq[j, k]`` (the weight's zero point is 0);
4. float output: ``y = fma(float(acc), float(s_x) * s_w, bias)``: one float32 rounding after the multiply-add
   (without bias, the product rounded once).
"""
from ... import _tensor_helpers as _h
from ......nn.modules.module import Module


class Linear(Module):
    """torch.ao.nn.quantized.dynamic.Linear: ``y = dequant(quant(x) @ wq.T) + bias``, int8 weight."""
    _version = 4

    def __init__(self, in_features, out_features, bias_=True, dtype=None):
        super().__init__()
        from ...... import qint8
        self.in_features, self.out_features = in_features, out_features
        self.scale, self.zero_point = 1.0, 0
        self._dtype = qint8 if dtype is None else dtype
        self._weight_bias = (None, None)     # a plain tuple: torch's packed params are no Parameters

    def _get_name(self):
        return "DynamicQuantizedLinear"

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, dtype={self._dtype}, "
                f"qscheme={self.weight().qscheme()}")

    def weight(self):
        return self._weight_bias[0]

    def bias(self):
        return self._weight_bias[1]

    def set_weight_bias(self, w, b):
        self._weight_bias = (w, b)

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        from ...... import tensor
        destination[prefix + "scale"] = tensor(self.scale)
        destination[prefix + "zero_point"] = tensor(self.zero_point)
        destination[prefix + "_packed_params.dtype"] = self._dtype
        destination[prefix + "_packed_params._packed_params"] = self._weight_bias
        from ......_quant_serialization import note_packed_params_version
        note_packed_params_version(destination, prefix)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        """Pop scale, zero_point and the packed (weight, bias); then the base class's hooks and key checks."""
        from ......_quant_serialization import load_dynamic_linear
        load_dynamic_linear(self, state_dict, prefix)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)

    def forward(self, x):
        return _h.dynamic_linear(x, *self._weight_bias)

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """The weight gets a symmetric per-tensor qint8 scale, max(|w|) / 127.5 (MinMaxObserver's rule)."""
        w = mod.weight
        q = _h.quantize_weight(w)
        new = cls(mod.in_features, mod.out_features, dtype=q.dtype)
        new.set_weight_bias(q, mod.bias)
        return new

"""Modules ordinary programs import at their top: ``torch.onnx`` (pytorch/examples'
word_language_model imports it unconditionally), ``torch.functional``, ``torch.nn.common_types`` and
``torch.backends.quantized`` / ``nnpack`` / ``xnnpack``, against torch.  Fixed in glasstorch: each was
a ModuleNotFoundError.  ``torch.onnx.export`` itself raises NotImplementedError in glasstorch (no
tracer): see docs/differences.md."""
import importlib

import pytest
import torch
import torch.backends.xnnpack  # noqa: F401  (torch loads it on import only)

import glasstorch

from ._helpers import same_error

MODS = (torch, glasstorch)


def _mod(m, name):
    return importlib.import_module(name.replace("torch", m.__name__, 1))


CASES = {
    "onnx_not_exporting": lambda m: _mod(m, "torch.onnx").is_in_onnx_export(),
    "onnx_enums": lambda m: [(str(e), int(e), e == int(e)) for E in (m.onnx.OperatorExportTypes, m.onnx.TrainingMode,
                                                                      m.onnx.TensorProtoDataType)
                             for e in E.__members__.values()],
    "onnx_producer": lambda m: (m.onnx.producer_name, m.onnx.producer_version),
    "onnx_error_class": lambda m: [c.__name__ for c in m.onnx.OnnxExporterError.__mro__],
    "onnx_mode_bad": lambda m: m.onnx.select_model_mode_for_export(m.nn.Linear(1, 1), 1).__enter__(),
    "functional_names": lambda m: sorted(_mod(m, "torch.functional").__all__),
    "functional_einsum": lambda m: _mod(m, "torch.functional").einsum("ij->i", m.arange(6.0).reshape(2, 3)).tolist(),
    "common_types": lambda m: [str(getattr(_mod(m, "torch.nn.common_types"), n)).replace(m.__name__, "torch")
                               for n in ("_size_1_t", "_size_2_t", "_size_any_t", "_ratio_2_t")],
    "quantized_engine": lambda m: (m.backends.quantized.engine,
                                   m.backends.quantized.supported_engines),
    "quantized_bad_engine": lambda m: setattr(m.backends.quantized, "engine", "tpu"),
    "xnnpack": lambda m: m.backends.xnnpack.enabled,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_import_surface(name):
    fn = CASES[name]
    try:
        want = fn(torch)
    except Exception:      # noqa: BLE001 - torch's error is the expectation
        same_error(fn)
        return
    assert fn(glasstorch) == want


def test_select_model_mode_for_export():
    got = []
    for m in MODS:
        net = m.nn.Linear(2, 2)
        seen = []
        for mode in (m.onnx.TrainingMode.EVAL, m.onnx.TrainingMode.TRAINING, m.onnx.TrainingMode.PRESERVE):
            net.train(mode != m.onnx.TrainingMode.TRAINING)
            with m.onnx.select_model_mode_for_export(net, mode):
                seen.append(net.training)
            seen.append(net.training)
        got.append(seen)
    assert got[1] == got[0]


def test_quantized_engine_set():
    got = []
    for m in MODS:
        q = m.backends.quantized
        before = q.engine
        q.engine = "qnnpack"
        got.append(q.engine)
        q.engine = before
    assert got[1] == got[0] == "qnnpack"


def test_onnx_export_refuses():
    with pytest.raises(NotImplementedError, match="cannot export to ONNX"):
        glasstorch.onnx.export(glasstorch.nn.Linear(2, 2), (glasstorch.ones(1, 2),), "/tmp/never.onnx")


def test_imports_through_the_torch_shim(tmp_path):
    """``import torch.backends.quantized`` and friends, as a program run by ``glasstorch run`` writes them."""
    import subprocess
    import sys
    prog = tmp_path / "p.py"
    prog.write_text("import torch.onnx, torch.functional, torch.backends.quantized, torch.backends.nnpack\n"
                    "import torch.backends.xnnpack\nfrom torch.nn.common_types import _size_2_t\n"
                    "print(torch.backends.quantized.engine, torch.backends.nnpack.is_available(), _size_2_t)\n")
    out = [subprocess.run(cmd + [str(prog)], capture_output=True, text=True, check=True).stdout
           for cmd in ([sys.executable], [sys.executable, "-m", "glasstorch", "run"])]
    assert out[1] == out[0].replace("True", "False")      # (glasstorch has no NNPACK: unavailable)

"""torch.utils.tensorboard parity: the same logging function writes with torch's SummaryWriter and with
glasstorch's into two directories; the event files are read back and compared record by record
(everything but wall times and file names: tags, steps, values bit for bit, histogram buckets, PNG
bytes, text, plugin data), as are the other files written (projector files)."""
import os
import re
import socket
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.utils.tensorboard  # noqa: F401
from hypothesis import given, settings, strategies as st
from tensorboard.backend.event_processing.event_file_loader import RawEventFileLoader
from tensorboard.compat.proto import event_pb2

import glasstorch
import glasstorch.utils.tensorboard  # noqa: F401
from ._helpers import MODS, same_error


def read_logs(root):
    """{relative dir: [Event, ...] without wall times} plus {relative path: bytes} for other files."""
    events, files = {}, {}
    for dirpath, _, names in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        for name in sorted(names):
            path = os.path.join(dirpath, name)
            if name.startswith("events.out.tfevents."):
                for raw in RawEventFileLoader(path).Load():
                    ev = event_pb2.Event.FromString(raw)
                    ev.wall_time = 0
                    events.setdefault(rel, []).append(ev)
            else:
                with open(path, "rb") as f:
                    files[os.path.join(rel, name)] = f.read()
    return events, files


def write_both(tmp_path, fn, **kw):
    """Run ``fn(mod, writer)`` with each library's SummaryWriter; return both logs."""
    out = {}
    for m in MODS:
        d = str(tmp_path / m.__name__)
        with m.utils.tensorboard.SummaryWriter(d, **kw) as w:
            fn(m, w)
        out[m] = read_logs(d)
    return out


def same_logs(tmp_path, fn, **kw):
    out = write_both(tmp_path, fn, **kw)
    (ev_t, files_t), (ev_g, files_g) = out[torch], out[glasstorch]
    logged = sum(len(v) for v in ev_t.values()) > len(ev_t) or files_t   # beyond each file_version record
    assert logged, "torch logged nothing"
    assert sorted(ev_t) == sorted(ev_g), f"event dirs: torch {sorted(ev_t)} vs glasstorch {sorted(ev_g)}"
    for rel in ev_t:
        assert len(ev_t[rel]) == len(ev_g[rel]), f"{rel}: {len(ev_t[rel])} vs {len(ev_g[rel])} events"
        for i, (a, b) in enumerate(zip(ev_t[rel], ev_g[rel])):
            assert a == b, f"{rel} event {i}:\ntorch\n{a}\nglasstorch\n{b}"
    assert files_t == files_g
    return ev_t, files_t


def t(m, arr):
    return m.from_numpy(np.array(arr, copy=True))


def test_module_paths():
    for name in ("SummaryWriter", "FileWriter", "RecordWriter"):
        assert hasattr(glasstorch.utils.tensorboard, name)
    assert sorted(glasstorch.utils.tensorboard.__all__) == sorted(torch.utils.tensorboard.__all__)
    from glasstorch.utils.tensorboard.writer import SummaryWriter
    from glasstorch.utils.tensorboard import summary
    assert SummaryWriter is glasstorch.utils.tensorboard.SummaryWriter
    assert sorted(summary.__all__) == sorted(torch.utils.tensorboard.summary.__all__)
    for name in summary.__all__:
        assert callable(getattr(summary, name)), name


def test_scalars_python_numpy_tensors(tmp_path):
    def fn(m, w):
        w.add_scalar("loss", 0.1, 0)
        w.add_scalar("loss", 3, 1)
        w.add_scalar("loss", np.float64(1 / 3), 2)
        w.add_scalar("loss", np.float32(2 / 3), np.int64(3))
        w.add_scalar("acc", t(m, np.float32(0.7)), 4)
        w.add_scalar("acc", t(m, np.array([1e-40], np.float64)), 5)
        w.add_scalar("acc", t(m, np.array([[7]], np.int64)), 6)
        w.add_scalar("acc", m.tensor(2.5, requires_grad=True) * 2, 7)
        w.add_scalar("new", 1 / 7, 8, new_style=True)
        w.add_scalar("new", 1 / 7, 9, new_style=True, double_precision=True)
        w.add_scalar("nostep", float("nan"))
        w.add_scalar("wt", 1.0, 10, walltime=123.0)
    same_logs(tmp_path, fn)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), min_size=1, max_size=5),
       st.booleans())
def test_scalar_values_bit_exact(tmp_path_factory, values, f32):
    tmp = tmp_path_factory.mktemp("scalars")

    def fn(m, w):
        for i, v in enumerate(values):
            w.add_scalar("a", t(m, np.array(v, np.float32 if f32 else np.float64)), i)
            w.add_scalar("b", v, i, new_style=True, double_precision=not f32)
    same_logs(tmp, fn)


def test_add_scalars_subruns_training_tutorial(tmp_path):
    def fn(m, w):       # "Training with PyTorch": train and validation loss on one chart
        for epoch in range(3):
            w.add_scalars("Training vs. Validation Loss", {"Training": 1.0 / (epoch + 1),
                                                           "Validation": t(m, np.float32(0.5 + epoch))},
                          epoch + 1)
            w.flush()
        w.add_scalars("a/b", {"x": 1.0}, 0, walltime=5.0)
    ev, _ = same_logs(tmp_path, fn)
    assert "Training vs. Validation Loss_Training" in ev and "a_b_x" in ev


@pytest.mark.parametrize("bins,max_bins", [("tensorflow", None), ("auto", None), ("fd", None), (10, None),
                                           ("sturges", 3), (50, 7), ("tensorflow", 40)])
def test_histograms(tmp_path, bins, max_bins):
    rng = np.random.default_rng(3)
    a32 = rng.standard_normal((4, 50)).astype(np.float32)
    a64 = rng.standard_normal(77) * 1e3
    ints = rng.integers(-5, 5, 30)

    def fn(m, w):
        w.add_histogram("w32", t(m, a32), 0, bins=bins, max_bins=max_bins)
        w.add_histogram("w64", t(m, a64), 1, bins=bins, max_bins=max_bins)
        w.add_histogram("np", a64, 2, bins=bins, max_bins=max_bins)
        w.add_histogram("int", t(m, ints), 3, bins=bins, max_bins=max_bins)
        w.add_histogram("const", t(m, np.zeros(5, np.float32)), 4, bins=bins, max_bins=max_bins)
    same_logs(tmp_path, fn)


def test_histogram_raw_and_tensor(tmp_path):
    def fn(m, w):
        w.add_histogram_raw("raw", -1.0, 4.0, 6, 7.5, 20.25, [0.0, 1.0, 4.0], [1, 3, 2], 3)
        w.add_tensor("t32", t(m, np.arange(6, dtype=np.float32).reshape(2, 3)), 1)
        w.add_tensor("t64", t(m, np.array([1.5, -2.0])), 2)
        w.add_tensor("i64", t(m, np.array([1, 2, 3])), 3)
        w.add_tensor("u8", t(m, np.array([0, 255], np.uint8)), 4)
        w.add_tensor("b", t(m, np.array([True, False])), 5)
        w.add_tensor("h", t(m, np.array([0.5, 1.25], np.float16)), 6)
    same_logs(tmp_path, fn)


@pytest.mark.parametrize("shape,fmt,dtype", [((3, 8, 6), "CHW", np.float32), ((8, 6, 3), "HWC", np.float32),
                                             ((1, 5, 4), "CHW", np.float64), ((5, 4), "HW", np.float32),
                                             ((5, 4, 1), "HWC", np.float32), ((3, 7, 5), "CHW", np.uint8),
                                             ((4, 6, 3), "WHC", np.float32)])
def test_add_image_formats(tmp_path, shape, fmt, dtype):
    rng = np.random.default_rng(1)
    if dtype == np.uint8:
        img = rng.integers(0, 256, shape).astype(np.uint8)
    else:
        img = (rng.random(shape) * 1.4 - 0.2).astype(dtype)   # some values clip at 0 and 1
        img.flat[:4] = [0.5, 1.0, 0.999, 0.00196]              # exact float32 scaling edges

    def fn(m, w):
        w.add_image("img", t(m, img), 0, dataformats=fmt)
        w.add_image("np", img, 1, dataformats=fmt)
    same_logs(tmp_path, fn)


@pytest.mark.parametrize("shape,fmt", [((5, 3, 4, 4), "NCHW"), ((10, 1, 3, 2), "NCHW"), ((2, 4, 4, 3), "NHWC")])
def test_add_images_grid(tmp_path, shape, fmt):
    imgs = np.random.default_rng(2).random(shape).astype(np.float32)

    def fn(m, w):
        w.add_images("batch", t(m, imgs), 0, dataformats=fmt)
        w.add_image("grid_as_image", t(m, imgs), 1, dataformats=fmt)
        w.add_image_with_boxes("boxes", t(m, imgs[0]) if fmt == "NCHW" else t(m, imgs[0].transpose(2, 0, 1)),
                               t(m, np.array([[0.0, 0.0, 2.0, 2.0]], np.float32)), 2, labels="x")
    same_logs(tmp_path, fn)


def test_add_figure(tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def fig():
        f = plt.figure(figsize=(2, 1.5), dpi=40)
        plt.plot([0, 1, 2], [1, 0, 1])
        return f

    kept = {}

    def fn(m, w):
        w.add_figure("one", fig(), 0)
        w.add_figure("many", [fig(), fig()], 1)
        f = fig()
        w.add_figure("kept", f, 2, close=False)
        kept[m] = plt.fignum_exists(f.number)
        plt.close(f)
    same_logs(tmp_path, fn)
    assert kept[torch] and kept[glasstorch]


def test_text_hparams_custom_scalars(tmp_path):
    def fn(m, w):
        w.add_text("notes", "hello **world** ü", 0)
        w.add_text("notes", "second", 1)
        w.add_hparams({"lr": 0.1, "bsize": 4, "opt": "sgd", "nesterov": True, "skip": None,
                       "wd": t(m, np.array([1e-4], np.float32))},
                      {"hparam/accuracy": 0.9, "hparam/loss": t(m, np.float32(0.25))},
                      hparam_domain_discrete={"opt": ["sgd", "adam"], "bsize": [4, 8]}, run_name="run1")
        w.add_hparams({"lr": 0.2}, {"hparam/accuracy": 1}, run_name="run2", global_step=5)
        w.add_custom_scalars({"Losses": {"loss": ["Multiline", ["loss/train", "loss/val"]]},
                              "Margins": {"m": ["Margin", ["x", "x_lo", "x_hi"]]}})
        w.add_custom_scalars_multilinechart(["a", "b"], category="C", title="T")
        w.add_custom_scalars_marginchart(["a", "b", "c"])
    ev, _ = same_logs(tmp_path, fn)
    assert {"run1", "run2"} <= set(ev)


def test_add_hparams_default_run_name(tmp_path):
    for m in MODS:
        d = tmp_path / m.__name__
        with m.utils.tensorboard.SummaryWriter(str(d)) as w:
            w.add_hparams({"a": 1}, {"m": 2.0})
        subs = [p for p in os.listdir(d) if os.path.isdir(d / p)]
        assert len(subs) == 1 and re.fullmatch(r"\d+\.\d+", subs[0]), subs


def test_pr_curves_tutorial(tmp_path):
    rng = np.random.default_rng(4)
    labels = rng.integers(0, 2, 40)
    probs = rng.random(40).astype(np.float32)
    weights = rng.random(40)

    def fn(m, w):       # "Visualizing Models, Data, and Training": one PR curve per class
        w.add_pr_curve("cls", t(m, labels) == 1, t(m, probs), global_step=0)
        w.add_pr_curve("np", labels, probs.astype(np.float64), 1, num_thresholds=200, weights=weights)
        w.add_pr_curve("few", t(m, labels), t(m, probs), 2, num_thresholds=5)
        c = np.arange(5, dtype=np.float64)
        w.add_pr_curve_raw("raw", c, c + 1, c + 2, c + 3, c / 10, c / 20, 3, num_thresholds=5)
    same_logs(tmp_path, fn)


def test_add_embedding_projector_files(tmp_path):
    rng = np.random.default_rng(5)
    feats = rng.standard_normal((6, 4)).astype(np.float32)
    imgs = rng.random((6, 1, 3, 3)).astype(np.float32)

    def fn(m, w):
        w.add_embedding(t(m, feats), metadata=["a", "b", "c", "d", "e", "f"], label_img=t(m, imgs))
        w.add_embedding(t(m, feats).double(), metadata=[[1, "x"]] * 6, metadata_header=["n", "s"], global_step=3,
                        tag="dir/ta%g")
        w.add_embedding(feats[:, :2], global_step=4)
    _, files = same_logs(tmp_path, fn)
    assert os.path.join("00000", "default", "sprite.png") in files
    assert os.path.join("00003", "dir%2fta%25g", "metadata.tsv") in files
    assert os.path.join(".", "projector_config.pbtxt") in files


def test_audio_and_mesh(tmp_path):
    rng = np.random.default_rng(6)
    snd = (rng.random(100) * 2 - 1).astype(np.float32)
    verts = rng.random((1, 4, 3)).astype(np.float32)
    faces = np.array([[[0, 1, 2], [1, 2, 3]]], np.int32)
    colors = np.array([[[255, 0, 0]] * 4], np.uint8)

    def fn(m, w):
        w.add_audio("snd", t(m, snd), 0, sample_rate=8000)
        w.add_mesh("mesh", t(m, verts), colors=t(m, colors), faces=t(m, faces), global_step=1,
                   config_dict={"camera": {"fov": 75}})
    same_logs(tmp_path, fn)


def test_purge_step_suffix_queue_and_reopen(tmp_path):
    def fn(m, w):
        w.add_scalar("x", 1.0, 10)
        w.close()
        w.close()                       # a second close is ignored
        w.add_scalar("x", 2.0, 11)      # writes to a new event file
        w.flush()
    ev, _ = same_logs(tmp_path, fn, purge_step=10, max_queue=1, flush_secs=1, filename_suffix=".sfx")
    assert ev["."][1].file_version == "brain.Event:2" and ev["."][2].session_log.status == 1
    for m in MODS:
        names = os.listdir(tmp_path / m.__name__)
        assert len(names) == 2 and all(n.endswith(".sfx") for n in names)


def test_default_logdir_naming(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    dirs = {}
    for m in MODS:
        w = m.utils.tensorboard.SummaryWriter(comment="_LR_0.1")
        dirs[m] = w.get_logdir()
        assert os.path.isdir(dirs[m])
        w.close()
    for m in MODS:
        head, tail = os.path.split(dirs[m])
        assert head == "runs"
        assert re.fullmatch(r"[A-Z][a-z]{2}\d{2}_\d{2}-\d{2}-\d{2}_" + re.escape(socket.gethostname()) + "_LR_0.1",
                            tail), tail
    w = glasstorch.utils.tensorboard.SummaryWriter(tmp_path / "pathlike")
    assert w.get_logdir() == tmp_path / "pathlike" and os.path.isdir(tmp_path / "pathlike")
    w.close()


def test_add_graph_io_nodes_match_torch(tmp_path):
    def build(m):
        class Net(m.nn.Module):
            def __init__(self):
                super().__init__()
                self.conv1 = m.nn.Conv2d(1, 2, 3)
                self.fc1 = m.nn.Linear(8, 3)

            def forward(self, x):
                x = m.nn.functional.max_pool2d(m.nn.functional.relu(self.conv1(x)), 2)
                return self.fc1(x.view(-1, 8))
        return Net()

    x = np.random.default_rng(7).standard_normal((5, 1, 6, 6)).astype(np.float32)
    out = write_both(tmp_path, lambda m, w: w.add_graph(build(m), t(m, x)))
    graphs = {}
    from tensorboard.compat.proto.graph_pb2 import GraphDef
    for m in MODS:
        evs = out[m][0]["."]
        assert [e.WhichOneof("what") for e in evs] == ["file_version", "graph_def", "tagged_run_metadata"]
        assert evs[2].tagged_run_metadata == out[torch][0]["."][2].tagged_run_metadata
        graphs[m] = GraphDef.FromString(evs[1].graph_def)
    # TorchScript adds ".1" to an input name that forward assigns again (x = ...): compare without it
    io = {m: {re.sub(r"^(input/.*)\.\d+$", r"\1", n.name): list(n.attr["_output_shapes"].list.shape[0].dim)
              for n in graphs[m].node if n.op == "IO Node"} for m in MODS}
    assert io[torch] == io[glasstorch]
    g_nodes = {n.name: n for n in graphs[glasstorch].node}
    assert {"Net/Conv2d[conv1]/weight/weight", "Net/Linear[fc1]/bias/bias"} <= set(g_nodes)
    ops = [n.op for n in graphs[glasstorch].node]
    assert "aten::convolution" in ops and "aten::relu" in ops and "aten::max_pool2d_with_indices" in ops
    for n in graphs[glasstorch].node:   # every edge points at a node of the graph
        assert all(i in g_nodes for i in n.input), (n.name, list(n.input))
    model = build(glasstorch)
    assert model.training
    with glasstorch.utils.tensorboard.SummaryWriter(str(tmp_path / "again")) as w:
        w.add_graph(model, [t(glasstorch, x)])
    assert model.training


def _writer_error(fn, tmp_path):
    def run(m):
        with m.utils.tensorboard.SummaryWriter(str(tmp_path / m.__name__)) as w:
            fn(m, w)
    return run


@pytest.mark.parametrize("fn", [
    lambda m, w: w.add_image("x", t(m, np.zeros((2, 3, 4, 5), np.float32))),
    lambda m, w: w.add_image("x", t(m, np.zeros((3, 4), np.float32)), dataformats="CHW"),
    lambda m, w: w.add_image("x", t(m, np.zeros((3, 4, 4), np.float32)), dataformats="CCW"),
    lambda m, w: w.add_images("x", t(m, np.zeros((2, 2, 4, 4), np.float32))),
    lambda m, w: w.add_hparams([("lr", 1)], {"m": 1}),
    lambda m, w: w.add_hparams({"lr": 1}, None),
    lambda m, w: w.add_hparams({"lr": [1]}, {"m": 1}),
    lambda m, w: w.add_hparams({"lr": 1}, {"m": 1}, hparam_domain_discrete={"lr": [1.5]}),
    lambda m, w: w.add_hparams({"lr": 1}, {"m": 1}, hparam_domain_discrete=[1]),
    lambda m, w: w.add_scalar("x", t(m, np.ones(2, np.float32))),
    lambda m, w: w.add_scalar("x", [1.0]),
    lambda m, w: w.add_histogram("x", t(m, np.zeros(0, np.float32))),
    lambda m, w: w.add_histogram_raw("x", 0, 1, 2, 1, 1, [0.5, 1.0], [2]),
    lambda m, w: w.add_custom_scalars_marginchart(["a", "b"]),
    lambda m, w: w.add_custom_scalars({"c": {"t": ["Margin", ["a"]]}}),
    lambda m, w: w.add_embedding(t(m, np.zeros((3, 2), np.float32)), metadata=["a"]),
    lambda m, w: w.add_embedding(t(m, np.zeros((3, 2, 1), np.float32))),
    lambda m, w: w.add_embedding(t(m, np.zeros((2, 2), np.float32)), metadata=[[1, 2]] * 2, metadata_header=["a"]),
    lambda m, w: w.add_audio("a", t(m, np.zeros((2, 3), np.float32))),
])
def test_errors_match_torch(fn, tmp_path):
    same_error(_writer_error(fn, tmp_path))


def _in_subprocess(code):
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return r.stdout.strip()


@pytest.mark.parametrize("setup", ["sys.modules['tensorboard'] = None",
                                   "import tensorboard; tensorboard.__version__ = '1.14.0'",
                                   "import tensorboard; del tensorboard.__version__"])
def test_import_without_or_with_old_tensorboard(setup):
    code = ("import sys\n" + setup + "\n"
            "try:\n    import {mod}.utils.tensorboard\nexcept Exception as e:\n"
            "    print(type(e).__name__, e)\nelse:\n    print('ok')\n")
    res = {m: _in_subprocess(code.format(mod=m)) for m in ("torch", "glasstorch")}
    assert res["torch"] != "ok" and res["torch"] == res["glasstorch"], res


def test_glasstorch_import_does_not_load_tensorboard():
    out = _in_subprocess("import sys, glasstorch, glasstorch.utils, glasstorch.nn\n"
                         "print('tensorboard' in sys.modules)")
    assert out == "False"

"""Parity pins for helper task "sh": HuggingFace accelerate 1.15 (its own test scripts test_script.py,
test_sync.py, test_ops.py, and a driver of Accelerator(cpu=True) prepare / accumulate / gather_for_metrics /
save_state / load_state / init_empty_weights / find_executable_batch_size) and pytorch-ignite 0.5.5
(examples/mnist/mnist.py, examples/mnist/mnist_save_resume_engine.py, examples/gan/dcgan.py, and a driver
of its metrics, handlers and LR schedulers).

Fixed in glasstorch:
- ``torch.utils.data.datapipes`` did not exist (accelerate's ``prepare_data_loader(dispatch_batches=True)``
  imports ``datapipes.iter.combinatorics.ShufflerIterDataPipe``): now ``IterDataPipe`` / ``MapDataPipe`` /
  ``DFIterDataPipe`` / ``DataChunk`` with the functional forms (``dp.map``, ``filter``, ``batch``,
  ``unbatch``, ``zip``, ``concat``, ``shuffle``, ``sharding_filter``), torch's iterator hook (a new iterator
  resets the pipe and invalidates the old one with torch's message; an exception raised inside a pipe's
  ``__iter__`` names the pipe), the core iterable pipes (IterableWrapper, Mapper, Filter, Batcher,
  UnBatcher, Concater, Zipper, Sampler, Shuffler, ShardingFilter) and map pipes (SequenceWrapper, Mapper,
  Batcher, Concater, Zipper), the lambda/local-function pickling warning, ``functional_datapipe`` and the
  determinism switches, ``torch.utils.data.graph.traverse_dps`` and ``graph_settings``
  (apply_shuffle_settings / apply_random_seed / apply_sharding); the DataLoader wraps a DataPipe in
  ``_IterDataPipeSerializationWrapper`` / ``_MapDataPipeSerializationWrapper``, applies ``shuffle=`` to the
  pipeline's shufflers (the Shuffler it would append is dropped, as torch drops it, leaving only the
  warning), and each new iterator draws the shared seed (one int64 from the loader's generator, before the
  sampler's base seed) that seeds the pipeline's Shufflers; with workers, each worker's copy is seeded with it
  and sharded over the workers before ``worker_init_fn``, and the iterator's reset draws one more shared seed
  (torch's extra draw) that seeds the main copy and each persistent worker's next epoch (_workers.py)
  (utils/data/datapipes/, graph.py, graph_settings.py, _datapipe_loader.py, dataloader.py, __init__.py);
- importing ``torch.distributed.optim`` / ``fsdp`` / ``tensor`` imports sympy in torch, whose import adds a
  warnings filter and so clears the once-per-line warning registries; glasstorch clears them at the first
  of those modules or ``torch._dynamo`` to load, once per process as sympy's one import does
  (ignite's Checkpoint imports torch.distributed.optim: the DataLoader worker-count warning of
  mnist_save_resume_engine.py --deterministic was shown three times instead of twice)
  (_sympy_import.py, _dynamo/__init__.py, distributed/{optim,fsdp,tensor}/__init__.py);
- ``torch.distributed.checkpoint.state_dict`` did not exist (accelerate's ``load_checkpoint_in_model`` without
  a device_map imports ``set_model_state_dict`` and ``StateDictOptions``): now ``StateDictOptions``,
  ``get_model_state_dict`` and ``set_model_state_dict`` for one process -- FQN keys without the DDP /
  torch.compile prefixes, submodule filtering (with its FutureWarning), ``ignore_frozen_params``, a plain
  dict for full / cpu-offloaded state dicts, ``strict``, the deprecated module-keyed input, and for a full
  state dict on an all-meta model torch's ``_get_pg_default_device`` warning and "Default process group has
  not been initialized" error (distributed/checkpoint/state_dict.py).
"""
import os
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODS = (torch, glasstorch)


def _plain(x):
    """Python values of an outcome: tensors as (dtype name, shape, values)."""
    if isinstance(x, (torch.Tensor, glasstorch.Tensor)):
        return ("tensor", str(x.dtype).split(".")[-1], tuple(x.shape), np.asarray(x.detach().numpy()).tolist())
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [_plain(v) for v in x])
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    return x


def _outcome(fn, mod):
    """fn(mod)'s plain value, or its exception's type and message; and the warnings it gave."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            out = ("ok", _plain(fn(mod)))
        except Exception as e:  # noqa: BLE001 - torch's error is the expectation
            out = ("error", type(e).__name__, str(e))
    return out, [(c.category.__name__, str(c.message)) for c in w]


def same(fn):
    want = _outcome(fn, torch)
    got = _outcome(fn, glasstorch)
    assert got == want


def _it(m):
    return m.utils.data.datapipes.iter


def _map(m):
    return m.utils.data.datapipes.map


def _double(x):
    return x * 2


def _odd(x):
    return x % 2 == 1


# ---- iterable pipes: values, lengths, names, errors ------------------------------------------------------
IT_CASES = {
    "wrapper": lambda m: (list(_it(m).IterableWrapper(range(5))), len(_it(m).IterableWrapper(range(5)))),
    "repr_str": lambda m: (repr(_it(m).IterableWrapper([1])), str(_it(m).IterableWrapper([1]).map(_double))),
    "map_filter": lambda m: list(_it(m).IterableWrapper(range(10)).map(_double).filter(_odd)),
    "map_lambda": lambda m: list(_it(m).IterableWrapper(range(4)).map(lambda x: x + 1)),
    "map_cols": lambda m: list(_it(m).IterableWrapper([(1, 2), (3, 4)]).map(lambda a, b: a + b, input_col=[0, 1])),
    "map_out_col": lambda m: list(_it(m).IterableWrapper([[1, 2], [3, 4]]).map(_double, input_col=0, output_col=-1)),
    "map_bad_cols": lambda m: _it(m).IterableWrapper([1]).map(_double, output_col=1),
    "map_not_callable": lambda m: _it(m).IterableWrapper([1]).map(3),
    "batch": lambda m: [(type(b).__name__, list(b)) for b in _it(m).IterableWrapper(range(7)).batch(3)],
    "batch_len": lambda m: (len(_it(m).IterableWrapper(range(7)).batch(3)),
                            len(_it(m).IterableWrapper(range(7)).batch(3, drop_last=True))),
    "batch_zero": lambda m: _it(m).IterableWrapper(range(7)).batch(0),
    "unbatch": lambda m: list(_it(m).IterableWrapper([[[1, 2], [3]], [[4]]]).unbatch(unbatch_level=2)),
    "unbatch_all": lambda m: list(_it(m).IterableWrapper([[[1, 2], [3]], [[4]]]).unbatch(unbatch_level=-1)),
    "unbatch_deep": lambda m: list(_it(m).IterableWrapper([1, 2]).unbatch(unbatch_level=1)),
    "zip": lambda m: (list(_it(m).IterableWrapper(range(3)).zip(_it(m).IterableWrapper("abcd"))),
                      len(_it(m).IterableWrapper(range(3)).zip(_it(m).IterableWrapper("abcd")))),
    "zip_bad": lambda m: _it(m).Zipper(_it(m).IterableWrapper([1]), [2]),
    "concat": lambda m: list(_it(m).IterableWrapper([1]).concat(_it(m).IterableWrapper([2, 3]))),
    "concat_none": lambda m: _it(m).Concater(),
    "no_len": lambda m: len(_it(m).IterableWrapper(iter([1, 2])).map(_double)),
    "filter_non_bool": lambda m: list(_it(m).IterableWrapper([1, 2]).filter(lambda x: 1)),
    "raise_inside": lambda m: list(_it(m).IterableWrapper([1, 0]).map(lambda x: 1 // x)),
    "no_function": lambda m: _it(m).IterableWrapper([1]).nope,
    "sampler": lambda m: list(_it(m).Sampler(_it(m).IterableWrapper(range(4)))),
    "is_dataset": lambda m: (isinstance(_it(m).IterableWrapper([1]), m.utils.data.IterableDataset),
                             isinstance(_map(m).SequenceWrapper([1]), m.utils.data.Dataset),
                             issubclass(_it(m).Shuffler, m.utils.data.IterDataPipe)),
}


@pytest.mark.parametrize("name", sorted(IT_CASES))
def test_iter_datapipes(name):
    same(IT_CASES[name])


def test_second_iterator_invalidates_the_first():
    def fn(m):
        dp = _it(m).IterableWrapper(range(4))
        it1 = iter(dp)
        a = next(it1)
        it2 = iter(dp)
        b = next(it2)
        return a, b, next(it1)
    same(fn)


@settings(max_examples=15, deadline=None)
@given(n=st.integers(0, 30), buffer=st.integers(1, 40), seed=st.integers(0, 2**31), explicit=st.booleans())
def test_shuffler_order_and_rng(n, buffer, seed, explicit):
    # reset() seeds Python's Random from one draw of the global generator unless set_seed was called
    def fn(m):
        m.manual_seed(seed)
        dp = _it(m).IterableWrapper(range(n)).shuffle(buffer_size=buffer)
        if explicit:
            dp.set_seed(seed % 1000)
        return list(dp), list(dp), m.rand(2)
    same(fn)


@settings(max_examples=15, deadline=None)
@given(n=st.integers(0, 20), k=st.integers(1, 5), data=st.data())
def test_sharding_filter(n, k, data):
    i = data.draw(st.integers(0, k))

    def fn(m):
        dp = _it(m).IterableWrapper(range(n)).sharding_filter()
        dp.apply_sharding(k, i)
        return list(dp), len(dp)
    same(fn)


# ---- map pipes ---------------------------------------------------------------------------------------------
MAP_CASES = {
    "sequence": lambda m: [_map(m).SequenceWrapper([3, 4, 5])[i] for i in range(3)],
    "map": lambda m: list(_map(m).SequenceWrapper([3, 4, 5]).map(_double)),
    "batch": lambda m: [list(b) for b in _map(m).SequenceWrapper(range(5)).batch(2)],
    "batch_drop": lambda m: (len(_map(m).SequenceWrapper(range(5)).batch(2, drop_last=True)),
                             _map(m).SequenceWrapper(range(5)).batch(2, drop_last=True)[2]),
    "zip": lambda m: list(_map(m).SequenceWrapper([1, 2]).zip(_map(m).SequenceWrapper("abc"))),
    "zip_oob": lambda m: _map(m).Zipper(_map(m).SequenceWrapper([1, 2]), _map(m).SequenceWrapper([1]))[1],
    "concat": lambda m: list(_map(m).SequenceWrapper([1]).concat(_map(m).SequenceWrapper([2, 3]))),
    "concat_oob": lambda m: _map(m).SequenceWrapper([1]).concat(_map(m).SequenceWrapper([2]))[5],
    "concat_bad": lambda m: _map(m).Concater(_map(m).SequenceWrapper([1]), [2]),
    "no_function": lambda m: _map(m).SequenceWrapper([1]).nope,
    "shuffle": lambda m: (m.manual_seed(2), list(_map(m).SequenceWrapper(range(9)).shuffle()), m.rand(1))[1:],
    "shuffle_seeded": lambda m: list(_map(m).SequenceWrapper(range(9)).shuffle().set_seed(4)),
    "shuffle_off": lambda m: (m.manual_seed(2), list(_map(m).SequenceWrapper(range(5)).shuffle().set_shuffle(False)),
                              len(_map(m).SequenceWrapper(range(5)).shuffle()), m.rand(1))[1:],
    "lambda_warns": lambda m: list(_map(m).SequenceWrapper([1]).map(lambda x: x)),
}


@pytest.mark.parametrize("name", sorted(MAP_CASES))
def test_map_datapipes(name):
    same(MAP_CASES[name])


# ---- graph and its settings --------------------------------------------------------------------------------
def _graph_names(g):
    return [(type(dp).__name__, _graph_names(sub)) for dp, sub in g.values()]


def test_traverse_dps():
    def fn(m):
        a = _it(m).IterableWrapper(range(3))
        dp = a.shuffle().map(_double).zip(a.batch(2)).concat(_it(m).IterableWrapper([9]))
        return _graph_names(m.utils.data.graph.traverse_dps(dp))
    same(fn)


def test_apply_random_seed_and_shuffle_settings():
    def fn(m):
        m.manual_seed(0)
        gs = m.utils.data.graph_settings
        dp = _it(m).IterableWrapper(range(8)).shuffle().map(_double).shuffle(buffer_size=3)
        g = m.Generator()
        g.manual_seed(5)
        gs.apply_random_seed(dp, g)
        first = list(dp)
        gs.apply_shuffle_settings(dp, shuffle=False)
        return first, list(dp), gs.apply_shuffle_settings(_it(m).IterableWrapper([1]), shuffle=None) is not None
    same(fn)


# ---- the DataLoader over DataPipes ---------------------------------------------------------------------------
LOADER_CASES = {
    "plain": lambda m: (list(m.utils.data.DataLoader(_it(m).IterableWrapper(range(10)), batch_size=4)), m.rand(2)),
    "shuffler": lambda m: (list(m.utils.data.DataLoader(_it(m).IterableWrapper(range(10)).shuffle(), batch_size=4)),
                           m.rand(2)),
    "shuffle_false": lambda m: list(m.utils.data.DataLoader(_it(m).IterableWrapper(range(6)).shuffle(),
                                                            batch_size=4, shuffle=False)),
    "shuffle_true_no_shuffler": lambda m: (list(m.utils.data.DataLoader(_it(m).IterableWrapper(range(6)),
                                                                        batch_size=4, shuffle=True)), m.rand(1)),
    "generator": lambda m: list(m.utils.data.DataLoader(_it(m).IterableWrapper(range(8)).shuffle(), batch_size=3,
                                                        generator=m.Generator().manual_seed(3))),
    "two_epochs": lambda m: [list(dl) for dl in [m.utils.data.DataLoader(
        _it(m).IterableWrapper(range(6)).shuffle(), batch_size=6)] for _ in range(2)],
    "wrapper_type": lambda m: (type(m.utils.data.DataLoader(_it(m).IterableWrapper([1])).dataset).__name__,
                               type(m.utils.data.DataLoader(_map(m).SequenceWrapper([1])).dataset).__name__,
                               len(m.utils.data.DataLoader(_map(m).SequenceWrapper([1, 2, 3]), batch_size=2))),
    "map_pipe": lambda m: list(m.utils.data.DataLoader(_map(m).SequenceWrapper([1.0, 2.0, 3.0]).map(_double),
                                                       batch_size=2, shuffle=True)),
    "no_len": lambda m: len(m.utils.data.DataLoader(_it(m).IterableWrapper(iter([1, 2])))),
    "workers_sharded": lambda m: (list(m.utils.data.DataLoader(_it(m).IterableWrapper(range(10)).shuffle()
                                                               .sharding_filter(), batch_size=2, num_workers=2)),
                                  m.rand(2)),
    "workers_unsharded": lambda m: list(m.utils.data.DataLoader(_it(m).IterableWrapper(range(6)), batch_size=2,
                                                                num_workers=2)),
    "workers_persistent": lambda m: [list(dl) for dl in [m.utils.data.DataLoader(
        _it(m).IterableWrapper(range(8)).shuffle().sharding_filter(), batch_size=2, num_workers=2,
        persistent_workers=True)] for _ in range(2)] + [m.rand(1)],
    "workers_map_pipe": lambda m: list(m.utils.data.DataLoader(_map(m).SequenceWrapper(range(7)), batch_size=2,
                                                               num_workers=3, shuffle=True)),
}


@pytest.mark.parametrize("name", sorted(LOADER_CASES))
def test_dataloader_over_datapipes(name):
    def fn(m):
        m.manual_seed(0)
        return LOADER_CASES[name](m)
    same(fn)


def test_functional_datapipe_registers_a_name():
    def fn(m):
        D = m.utils.data

        class Twice(D.IterDataPipe):
            def __init__(self, dp):
                self.dp = dp

            def __iter__(self):
                for x in self.dp:
                    yield x
                    yield x
        name = f"twice_sh_{m.__name__}"
        D.functional_datapipe(name)(Twice)
        try:
            D.functional_datapipe(name)(Twice)
        except Exception as e:  # noqa: BLE001
            err = (type(e).__name__, str(e).replace(name, "NAME"))
        return list(getattr(_it(m).IterableWrapper([1, 2]), name)()), err
    same(fn)


def test_non_deterministic_under_guarantee():
    def fn(m):
        D = m.utils.data

        @D.non_deterministic
        class Rand(D.IterDataPipe):
            def __iter__(self):
                yield 1
        with D.guaranteed_datapipes_determinism():
            return Rand()
    same(fn)


# ---- sympy's import clears the once-per-line warning registries ---------------------------------------------
def _run(code, glass):
    code = code.lstrip("\n")
    pre = "import glasstorch._shim as s; s.install_as_torch(); " if glass else ""
    r = subprocess.run([sys.executable, "-c", pre + code], capture_output=True, text=True, cwd=_ROOT,
                       env={**os.environ, "PYTHONWARNINGS": ""})
    return re.sub(r"\S*/(torch|glasstorch)/\S*\.py:\d+:", "<lib>:", r.stdout + r.stderr)


@pytest.mark.parametrize("first", ["torch.distributed.optim", "torch.distributed.fsdp", "torch.distributed.tensor",
                                   "torch._dynamo"])
def test_sympy_modules_reset_warning_registry_once(first):
    code = ("import warnings, torch\ndef w():\n    warnings.warn('x')\n"
            f"w(); w(); import {first}\nw(); print('a', flush=True)\n"
            "import torch._dynamo, torch.distributed.optim\nw(); print('b', flush=True)\n"
            "net = torch.nn.Linear(1, 1); opt = torch.optim.SGD(net.parameters(), lr=0.1)\n"
            "w(); print('c', flush=True)\n")
    assert _run(code, True) == _run(code, False)


def test_worker_warning_with_checkpoint_imports():
    # ignite's order: a loader with too many workers, then torch.distributed.optim, then another loader
    code = ("import torch, os\nn = len(os.sched_getaffinity(0)) + 2\n"
            "a = torch.utils.data.DataLoader(list(range(4)), num_workers=n)\n"
            "import torch.distributed.optim\n"
            "b = torch.utils.data.DataLoader(list(range(4)), num_workers=n)\n"
            "opt = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1)\n"
            "c = torch.utils.data.DataLoader(list(range(4)), num_workers=n)\nprint('done', flush=True)\n")
    assert _run(code, True) == _run(code, False)


# ---- torch.distributed.checkpoint.state_dict (model half) ----------------------------------------------------
def _dsd(m):
    import importlib
    return importlib.import_module(m.__name__ + ".distributed.checkpoint.state_dict")


def _net(m):
    m.manual_seed(0)
    return m.nn.Sequential(m.nn.Linear(2, 3), m.nn.BatchNorm1d(3))


DSD_OPTIONS = [None, dict(full_state_dict=True), dict(cpu_offload=True), dict(full_state_dict=True, cpu_offload=True),
               dict(ignore_frozen_params=True), dict(broadcast_from_rank0=True)]


@pytest.mark.parametrize("opts", DSD_OPTIONS)
def test_get_model_state_dict(opts):
    def fn(m):
        net = _net(m)
        net[0].weight.requires_grad_(False)
        o = None if opts is None else _dsd(m).StateDictOptions(**opts)
        sd = _dsd(m).get_model_state_dict(net, options=o)
        base = net.state_dict()
        return type(sd).__name__, sd, [sd[k].data_ptr() == base[k].data_ptr() for k in sd]
    same(fn)


SET_CASES = {
    "strict": lambda m, n: _dsd(m).set_model_state_dict(n, {k: v * 0 + 1 for k, v in n.state_dict().items()}),
    "empty": lambda m, n: _dsd(m).set_model_state_dict(n, {}),
    "missing": lambda m, n: _dsd(m).set_model_state_dict(n, {"0.weight": m.ones(3, 2)}),
    "not_strict": lambda m, n: _dsd(m).set_model_state_dict(n, {"0.weight": m.ones(3, 2)},
                                                           options=_dsd(m).StateDictOptions(strict=False)),
    "full": lambda m, n: _dsd(m).set_model_state_dict(n, {k: v * 0 + 2 for k, v in n.state_dict().items()},
                                                     options=_dsd(m).StateDictOptions(full_state_dict=True)),
    "by_module": lambda m, n: _dsd(m).set_model_state_dict(n, {n[0]: {"weight": m.zeros(3, 2), "bias": m.zeros(3)}},
                                                          options=_dsd(m).StateDictOptions(strict=False)),
}


@pytest.mark.parametrize("name", sorted(SET_CASES))
def test_set_model_state_dict(name):
    def fn(m):
        net = _net(m)
        r = SET_CASES[name](m, net)
        return str(r), net.state_dict()
    same(fn)


@pytest.mark.parametrize("full", [False, True])
def test_set_model_state_dict_on_meta(full):
    # a full state dict needs the process group's device when every model tensor is on meta
    def fn(m):
        with m.device("meta"):
            lin = m.nn.Linear(2, 3)
        o = m.distributed.checkpoint.state_dict.StateDictOptions(full_state_dict=full)
        r = _dsd(m).set_model_state_dict(lin, {"weight": m.ones(3, 2), "bias": m.ones(3)}, options=o)
        return str(r), str(lin.weight.device)
    same(fn)


def test_get_model_state_dict_submodules():
    def fn(m):
        net = _net(m)
        o = _dsd(m).StateDictOptions(keep_submodule_prefixes=False)
        return _dsd(m).get_model_state_dict(net, submodules={net[1]}, options=o)
    same(fn)


def test_model_state_dict_drops_the_compile_prefix():
    for m in MODS:      # torch.compile's first use imports its machinery, with warnings of its own
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m.compile(m.nn.Linear(1, 1))

    def fn(m):
        net = m.nn.Sequential(m.nn.Linear(2, 3))
        c = m.compile(net)
        keys = list(_dsd(m).get_model_state_dict(c))
        r = _dsd(m).set_model_state_dict(c, {"0.weight": m.ones(3, 2), "0.bias": m.ones(3)})
        return keys, str(r), net[0].weight.detach()
    same(fn)


def test_pipes_pickle_and_show_torch_paths():
    import pickle

    def fn(m):
        dp = _it(m).IterableWrapper([3, 1, 2]).map(abs).batch(2)
        back = pickle.loads(pickle.dumps(dp))
        names = [type(x).__module__.replace(m.__name__, "torch") + "." + type(x).__qualname__
                 for x in (dp, back, m.utils.data.DataLoader(dp).dataset, _map(m).SequenceWrapper([1]).shuffle())]
        return [list(b) for b in back], names
    same(fn)

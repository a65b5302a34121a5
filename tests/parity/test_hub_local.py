"""torch.hub against torch on the same tmp_path directories: get_dir / set_dir and $TORCH_HOME, load with
source='local' (entrypoints, dependencies, errors), load_state_dict_from_url / download_url_to_file over
file:// URLs (the checkpoints dir, file names, hash prefixes), and ``import torch.hub`` under the shim."""
import hashlib
import io
import os
import subprocess
import sys
import textwrap
import zipfile
from contextlib import redirect_stdout

import pytest
import torch

import glasstorch
from tests.parity._helpers import MODS

HUBCONF = '''
"""a test repo"""
import helper_mod_{tag}
dependencies = {deps!r}


def small(n=2, scale=1.0):
    """Makes a small thing.

    Args: n, scale
    """
    return {{"n": n, "scale": scale, "helper": helper_mod_{tag}.VALUE}}


def _private():
    return 1


def nodoc():
    return 3


CONST = 5
'''


def _repo(tmp_path, name, deps=("os",)):
    d = tmp_path / name
    d.mkdir()
    tag = name.replace("-", "_")
    (d / "hubconf.py").write_text(HUBCONF.format(deps=list(deps), tag=tag))
    (d / f"helper_mod_{tag}.py").write_text("VALUE = 41\n")
    return str(d)


def _outcome(fn):
    try:
        return ("ok", fn())
    except Exception as e:            # noqa: BLE001 - torch's exception is the expectation
        return (type(e).__name__, str(e))


def _both(fn):
    got = {m: _outcome(lambda: fn(m)) for m in MODS}
    assert got[torch] == got[glasstorch], f"torch {got[torch]!r}\nglasstorch {got[glasstorch]!r}"
    return got[torch]


@pytest.fixture
def hub_env(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TORCH_HUB", raising=False)
    monkeypatch.delenv("TORCH_MODEL_ZOO", raising=False)
    for m in MODS:
        monkeypatch.setattr(m.hub, "_hub_dir", None)
    return tmp_path


def test_get_dir_and_set_dir(hub_env, monkeypatch):
    assert _both(lambda m: m.hub.get_dir()) == ("ok", str(hub_env / "home" / "hub"))
    monkeypatch.delenv("TORCH_HOME")
    monkeypatch.setenv("XDG_CACHE_HOME", str(hub_env / "xdg"))
    assert _both(lambda m: m.hub.get_dir()) == ("ok", str(hub_env / "xdg" / "torch" / "hub"))
    monkeypatch.delenv("XDG_CACHE_HOME")
    _both(lambda m: m.hub.get_dir())                               # ~/.cache/torch/hub
    _both(lambda m: (m.hub.set_dir("~/elsewhere"), m.hub.get_dir()))
    _both(lambda m: (m.hub.set_dir(hub_env / "p"), m.hub.get_dir()))


@pytest.mark.parametrize("call", [
    lambda m, d: m.hub.load(d, "small", 5, scale=2.0, source="local"),
    lambda m, d: m.hub.load(d, "small", source="LOCAL", trust_repo=False, force_reload=True, verbose=False),
    lambda m, d: m.hub.load(d, "nodoc", source="local", skip_validation=True),
    lambda m, d: m.hub.load(d, "nope", source="local"),
    lambda m, d: m.hub.load(d, "CONST", source="local"),
    lambda m, d: m.hub.load(d, "_private", source="local"),
    lambda m, d: m.hub.load(d, 3, source="local"),
    lambda m, d: m.hub.load(d, "small", source="bad"),
    lambda m, d: m.hub.load(d + "_missing", "small", source="local"),
    lambda m, d: m.hub._load_local(d, "small", 7),
])
def test_load_local(hub_env, call):
    d = _repo(hub_env, "repo")
    _both(lambda m: call(m, d))
    assert not os.path.exists(hub_env / "home" / "hub" / "trusted_list")   # local repos skip the trust check


def test_load_local_missing_dependency(hub_env):
    d = _repo(hub_env, "repo-deps", deps=("os", "no_such_module_xyz", "another_missing_one"))
    assert _both(lambda m: m.hub.load(d, "small", source="local"))[0] == "RuntimeError"


def test_list_and_help_are_github_only(hub_env):
    d = _repo(hub_env, "repo2")
    _both(lambda m: m.hub.list(d, source="local"))
    _both(lambda m: m.hub.help(d, "small", source="local"))
    # the entrypoint helpers behind list/help, on the local hubconf
    mods = {}
    for m in MODS:
        with m.hub._add_to_sys_path(d):
            mods[m] = m.hub._import_module("hubconf.py", os.path.join(d, "hubconf.py"))
    for m in MODS:
        assert m.hub._load_entry_from_hubconf(mods[m], "small").__doc__ == mods[m].small.__doc__


def _checkpoint(tmp_path):
    """A torch.save file (made by torch, read by both) and its SHA256."""
    path = tmp_path / "src.pth"
    torch.save({"w": torch.arange(4.0), "step": 3}, str(path))
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def _loaded(m, fn):
    buf = io.StringIO()
    with redirect_stdout(buf):
        res = fn()
    if isinstance(res, dict):
        res = {k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in res.items()}
    return res, buf.getvalue().replace(os.sep, "/")


def test_load_state_dict_from_url_file_urls(hub_env):
    src, digest = _checkpoint(hub_env)
    good = hub_env / f"weights-{digest[:10]}.pth"
    good.write_bytes(src.read_bytes())
    bad = hub_env / "weights-abc123.pth"
    bad.write_bytes(src.read_bytes())
    for m in MODS:
        m.hub.set_dir(str(hub_env / f"hub_{m.__name__}"))
    got = {}
    for m in MODS:
        out = []
        for kw in [dict(url=good.as_uri(), check_hash=True), dict(url=good.as_uri()),          # second: cached
                   dict(url=bad.as_uri(), file_name="renamed.pt"), dict(url=bad.as_uri(), check_hash=True),
                   dict(url=bad.as_uri(), model_dir=str(hub_env / f"own_{m.__name__}"))]:
            out.append(_outcome(lambda: _loaded(m, lambda: m.hub.load_state_dict_from_url(progress=False, **kw))))
        out.append(sorted(os.listdir(hub_env / f"hub_{m.__name__}" / "checkpoints")))
        got[m] = repr(out).replace(f"hub_{m.__name__}", "HUB").replace(f"own_{m.__name__}", "OWN")
    assert got[torch] == got[glasstorch]


def test_legacy_zip_checkpoint(hub_env):
    src, _ = _checkpoint(hub_env)
    z = hub_env / "legacy.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(src, "inner.pth")
    got = {}
    for m in MODS:
        import warnings
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            res = _loaded(m, lambda: m.hub.load_state_dict_from_url(z.as_uri(), model_dir=str(hub_env / m.__name__),
                                                                     progress=False))
        got[m] = (repr(res).replace(m.__name__, "M"), [(x.category.__name__, str(x.message)) for x in w],
                  sorted(os.listdir(hub_env / m.__name__)))
    assert got[torch] == got[glasstorch]


def test_download_url_to_file(hub_env):
    src, digest = _checkpoint(hub_env)
    res = {}
    for m in MODS:
        dst = hub_env / f"dl_{m.__name__}"
        out = [_outcome(lambda: m.hub.download_url_to_file(src.as_uri(), str(dst), digest[:6], progress=False)),
               dst.read_bytes() == src.read_bytes(),
               _outcome(lambda: m.hub.download_url_to_file(src.as_uri(), str(dst) + "2", "ffff0", progress=False)),
               os.path.exists(str(dst) + "2"),
               [f for f in os.listdir(hub_env) if f.endswith(".partial")],
               _outcome(lambda: m.hub.download_url_to_file((hub_env / "none").as_uri(), str(dst) + "3"))]
        res[m] = repr(out).replace(f"dl_{m.__name__}", "DST")
    assert res[torch] == res[glasstorch]


def test_github_source_offline_cache(hub_env):
    """A GitHub repo already in the hub cache loads from there; being downloaded makes it trusted, so
    trusted_list stays empty."""
    for m in MODS:
        m.hub.set_dir(str(hub_env / f"gh_{m.__name__}"))
        os.makedirs(m.hub.get_dir())
        repo = _repo(hub_env, f"src_{m.__name__}")
        os.rename(repo, os.path.join(m.hub.get_dir(), "someone_proj_main"))
    got = {m: _outcome(lambda: m.hub.load("someone/proj:main", "small", 1, trust_repo=True, verbose=False))
           for m in MODS}
    assert got[torch] == got[glasstorch]
    lists = {m: open(os.path.join(m.hub.get_dir(), "trusted_list")).read() for m in MODS}
    assert lists[torch] == lists[glasstorch] == ""


@pytest.mark.parametrize("answer", ["n", "", "maybe"])
def test_github_untrusted_prompt(hub_env, monkeypatch, answer):
    """An unknown repo with trust_repo='check' asks first (no network before the answer); 'n' or
    nothing refuses, anything else but yes is an error."""
    prompts = []
    monkeypatch.setattr("builtins.input", lambda msg: prompts.append(msg) or answer)
    for m in MODS:
        m.hub.set_dir(str(hub_env / f"t_{m.__name__}"))
    _both(lambda m: m.hub.load("stranger/proj:dev", "small", verbose=False))
    _both(lambda m: m.hub.list("stranger/proj:dev", trust_repo=False))
    assert len(prompts) == 4 and prompts[0] == prompts[1]


def test_import_torch_hub_under_the_shim(tmp_path):
    code = textwrap.dedent("""
        import glasstorch
        glasstorch.install_as_torch()
        import torch.hub
        from torch.hub import load_state_dict_from_url, get_dir
        import torch
        print(torch.hub.__name__, torch.hub is glasstorch.hub, get_dir())
    """)
    env = dict(os.environ, TORCH_HOME=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["glasstorch.hub", "True", os.path.join(str(tmp_path), "hub")]

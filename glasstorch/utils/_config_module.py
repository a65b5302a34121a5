"""``torch.utils._config_module``: the module type behind ``torch._inductor.config`` and
``torch._dynamo.config``.

A config module's attributes are a closed set of flags (dotted ones such as ``triton.cudagraphs``
live in sub-namespaces); reading or setting a name outside the set raises
``AttributeError: <module>.NAME does not exist``.  Some old names are aliases of new ones
(``torch._dynamo.config.cache_size_limit`` reads and writes ``recompile_limit``) and stay out of
``get_config_copy()``.
"""
import copy
import types


class _SubConfigProxy:
    """One dotted namespace (``config.triton``): reads and writes go to the module's flat table."""

    def __init__(self, config, prefix):
        super().__setattr__("_config", config)
        super().__setattr__("_prefix", prefix)

    def __getattr__(self, name):
        return self._config._get(self._prefix + name)

    def __setattr__(self, name, value):
        self._config._set(self._prefix + name, value)

    def __delattr__(self, name):
        self._config._del(self._prefix + name)


class ConfigModule(types.ModuleType):
    """A module whose attributes are a closed set of flags, as torch's config modules are."""

    def _get(self, name):
        config = self.__dict__["_config"]
        name = self.__dict__["_aliases"].get(name, name)
        if name in config:
            return config[name]
        prefix = name + "."
        if any(k.startswith(prefix) for k in config):
            return _SubConfigProxy(self, prefix)
        raise AttributeError(f"{self.__dict__['_public_name']}.{name} does not exist")

    def _set(self, name, value):
        name = self.__dict__["_aliases"].get(name, name)
        if name not in self.__dict__["_config"]:
            raise AttributeError(f"{self.__dict__['_public_name']}.{name} does not exist")
        self.__dict__["_config"][name] = value

    def _del(self, name):
        # torch forgets the user's value and falls back to the default
        name = self.__dict__["_aliases"].get(name, name)
        self._set(name, copy.deepcopy(self.__dict__["_defaults"][name]))

    def __getattr__(self, name):
        return self._get(name)

    def __setattr__(self, name, value):
        if name.startswith("__") or name in self.__dict__:
            return super().__setattr__(name, value)
        self._set(name, value)

    def __delattr__(self, name):
        self._del(name)

    def get_config_copy(self):
        return copy.deepcopy(self.__dict__["_config"])

    def load_config(self, maybe_pickled_config):
        if isinstance(maybe_pickled_config, (bytes, bytearray)):
            import pickle
            maybe_pickled_config = pickle.loads(maybe_pickled_config)
        for k, v in maybe_pickled_config.items():
            self._set(k, v)

    def save_config(self):
        import pickle
        return pickle.dumps(self.get_config_copy(), protocol=2)

    def to_dict(self):
        return self.get_config_copy()

    def patch(self, arg1=None, arg2=None, **kwargs):
        """``config.patch(name, value)`` / ``config.patch({...})`` / ``config.patch(name=value)``: a
        context manager (and decorator) that restores the previous values on exit."""
        import contextlib
        import functools

        changes = dict(kwargs)
        if isinstance(arg1, str):
            changes[arg1] = arg2
        elif isinstance(arg1, dict):
            changes.update(arg1)
        for k in changes:
            self._get(k)                    # unknown names fail on entry, as in torch
        module = self

        class _Patch(contextlib.ContextDecorator):
            def __enter__(self):
                self._prior = {k: module.__dict__["_config"][k] for k in changes}
                for k, v in changes.items():
                    module._set(k, v)

            def __exit__(self, *exc):
                for k, v in self._prior.items():
                    module._set(k, v)
                return False

        return _Patch()


def install_config_module(module, public_name, defaults, aliases=None):
    """Turn ``module`` into a config module holding a copy of ``defaults``."""
    module.__dict__["_defaults"] = defaults
    module.__dict__["_config"] = copy.deepcopy(defaults)
    module.__dict__["_aliases"] = dict(aliases or {})
    module.__dict__["_public_name"] = public_name
    module.__class__ = ConfigModule

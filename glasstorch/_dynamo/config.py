"""``torch._dynamo.config``: dynamo's flags, with torch's defaults.

Scripts set a few of these before ``torch.compile`` (``suppress_errors``, ``cache_size_limit``...);
glasstorch runs every compiled callable eagerly, so the values are only stored and read back.  Unknown
names raise ``AttributeError: torch._dynamo.config.NAME does not exist``; the old ``*cache_size_limit``
names are aliases of the ``*recompile_limit`` flags, as in torch.
"""
import sys

from ..utils._config_module import install_config_module

_DEFAULTS = {
    "suppress_errors": False, "verbose": False, "recompile_limit": 8, "accumulated_recompile_limit": 256,
    "capture_scalar_outputs": False, "capture_dynamic_output_shape_ops": False, "optimize_ddp": True,
    "automatic_dynamic_shapes": True, "assume_static_by_default": True, "specialize_int": False,
    "specialize_float": False, "dynamic_shapes": True, "force_parameter_static_shapes": True,
    "force_nn_module_property_static_shapes": True, "inline_inbuilt_nn_modules": True,
    "guard_nn_modules": True, "error_on_recompile": False, "replay_record_enabled": False,
    "rewrite_assert_with_torch_assert": True, "allow_unspec_int_on_nn_module": False,
    "use_numpy_random_stream": False, "allow_rnn": False, "skip_nnmodule_hook_guards": True,
    "raise_on_ctx_manager_usage": True, "disable": False, "log_compilation_metrics": True,
    "skip_fsdp_guards": True, "trace_numpy": True, "numpy_default_float": "float64",
    "numpy_default_complex": "complex128", "numpy_default_int": "int64", "enable_compiler_collectives": False,
    "prefer_deferred_runtime_asserts_over_guards": False, "fail_on_recompile_limit_hit": False,
    "cudagraph_backend_keep_input_mutation": False, "do_not_emit_runtime_asserts": False,
    "capture_autograd_function": True, "capture_func_transforms": True,
    "skip_tensor_guards_with_matching_dict_tags": True, "compiled_autograd": False,
    "enable_cpp_guard_manager": True, "optimize_ddp_lazy_compile": False, "report_guard_failures": True,
    "repro_after": None, "repro_level": 2, "repro_tolerance": 0.001,
}

install_config_module(sys.modules[__name__], "torch._dynamo.config", _DEFAULTS,
                      aliases={"cache_size_limit": "recompile_limit",
                               "accumulated_cache_size_limit": "accumulated_recompile_limit"})

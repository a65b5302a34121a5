"""``torch._inductor.config``: inductor's tuning flags, with torch's defaults on a CPU build.

torch builds this module as a ``ConfigModule``: a module whose attributes are a fixed set of flags
(dotted ones such as ``triton.cudagraphs`` live in sub-namespaces), where reading or setting a name
outside the set raises ``AttributeError: torch._inductor.config.NAME does not exist``.  Scripts
flip a few of these before ``torch.compile``; glasstorch runs every compiled callable eagerly, so the
values are only stored and read back.
"""
import os
import sys

from ..utils._config_module import install_config_module

_PUBLIC_NAME = "torch._inductor.config"      # the name torch users see in its messages

_DEFAULTS = {
    "debug": False, "disable_progress": True, "verbose_progress": False, "fx_graph_cache": True,
    "fx_graph_remote_cache": None, "autotune_local_cache": True, "autotune_remote_cache": None,
    "cpp_wrapper": False, "online_softmax": True, "dce": False,
    "static_weight_shapes": True, "size_asserts": True, "nan_asserts": False, "pick_loop_orders": True,
    "inplace_buffers": True, "allow_buffer_reuse": True, "memory_planning": False,
    "benchmark_harness": True, "epilogue_fusion": True, "epilogue_fusion_first": False,
    "pattern_matcher": True, "split_cat_fx_passes": True, "efficient_conv_bn_eval_fx_passes": False,
    "group_fusion": False, "batch_fusion": True, "reorder_for_locality": True,
    "dynamic_scale_rblock": True, "force_fuse_int_mm_with_mul": False, "use_mixed_mm": True,
    "reorder_for_compute_comm_overlap": False, "reorder_for_peak_memory": True,
    "estimate_op_runtime": "default", "intra_node_bw": None, "inter_node_bw": None,
    "max_autotune": False, "max_autotune_pointwise": False, "max_autotune_gemm": False,
    "max_autotune_gemm_backends": "ATEN,TRITON,CPP", "max_autotune_conv_backends": "ATEN,TRITON",
    "max_autotune_gemm_search_space": "DEFAULT", "autotune_fallback_to_aten": False,
    "autotune_in_subproc": False, "autotune_multi_device": False, "coordinate_descent_tuning": False,
    "coordinate_descent_check_all_directions": False, "coordinate_descent_search_radius": 1,
    "layout_optimization": True, "force_layout_optimization": False, "keep_output_stride": True,
    "warn_mix_layout": False, "realize_reads_threshold": 4, "realize_opcount_threshold": None,
    "realize_acc_reads_threshold": None, "fallback_random": False, "implicit_fallbacks": True,
    "aggressive_fusion": False, "debug_fusion": False, "benchmark_fusion": False,
    "enabled_metric_tables": "", "loop_ordering_after_fusion": True, "score_fusion_memory_threshold": 10,
    "benchmark_epilogue_fusion": True, "max_epilogue_benchmarked_choices": 1, "max_fusion_size": 64,
    "max_pointwise_cat_inputs": 8, "force_pointwise_cat": False, "unroll_reductions_threshold": 8,
    "comment_origin": False, "conv_1x1_as_mm": False, "split_reductions": True,
    "benchmark_kernel": False, "constant_and_index_propagation": True, "always_keep_tensor_constants": False,
    "assert_indirect_indexing": True, "compute_all_bounds": False, "combo_kernels": False,
    "benchmark_combo_kernel": False, "joint_graph_constant_folding": True, "debug_index_asserts": False,
    "emulate_precision_casts": False, "is_nightly_or_source": False, "developer_warnings": False,
    "optimize_scatter_upon_const_tensor": True, "worker_start_method": "subprocess",
    "compile_threads": min(32, len(os.sched_getaffinity(0))) if hasattr(os, "sched_getaffinity") else 1, "global_cache_dir": None, "kernel_name_max_ops": 10, "shape_padding": True,
    "comprehensive_padding": True, "pad_channels_last": False, "disable_padding_cpu": True,
    "padding_alignment_bytes": 128, "padding_stride_threshold": 1024, "pad_outputs": False,
    "bw_outputs_user_visible": True, "force_shape_pad": False, "permute_fusion": False,
    "profiler_mark_wrapper_call": False, "generate_intermediate_hooks": False, "debug_ir_traceback": False,
    "profile_bandwidth": False, "profile_bandwidth_regex": "", "profile_bandwidth_output": None,
    "profile_bandwidth_with_do_bench_using_profiling": False, "disable_cpp_codegen": False,
    "freezing": False, "freezing_discard_parameters": False, "decompose_mem_bound_mm": False,
    "assume_aligned_inputs": False, "unsafe_ignore_unsupported_triton_autotune_args": False,
    "check_stack_no_cycles_TESTING_ONLY": False, "enable_linear_binary_folding": False,
    "annotate_training": False, "graph_partition": True, "fallback_by_default": False,
    "triton.cudagraphs": False, "triton.cudagraph_trees": True, "triton.cudagraph_skip_dynamic_graphs": False,
    "triton.slow_path_cudagraph_asserts": True, "triton.cudagraph_trees_history_recording": False,
    "triton.cudagraph_support_input_mutation": True, "triton.cudagraph_unexpected_rerecord_limit": 128,
    "triton.cudagraph_dynamic_shape_warn_limit": 8, "triton.force_cudagraph_sync": False,
    "triton.force_cudagraphs_warmup": False, "triton.fast_path_cudagraph_asserts": False,
    "triton.skip_cudagraph_warmup": False, "triton.debug_sync_graph": False, "triton.debug_sync_kernel": False,
    "triton.dense_indexing": False, "triton.max_tiles": None, "triton.prefer_nd_tiling": False,
    "triton.autotune_pointwise": True, "triton.autotune_cublasLt": True, "triton.autotune_at_compile_time": None,
    "triton.tiling_prevents_pointwise_fusion": True, "triton.tiling_prevents_reduction_fusion": True,
    "triton.unique_kernel_names": True, "triton.unique_user_kernel_names": False,
    "triton.descriptive_names": "original_aten", "triton.persistent_reductions": True,
    "triton.cooperative_reductions": False, "triton.force_cooperative_reductions": False,
    "triton.multi_kernel": 0, "triton.divisible_by_16": True, "triton.min_split_scan_rblock": 256,
    "triton.store_cubin": False, "triton.spill_threshold": 16, "triton.use_block_ptr": False,
    "triton.inject_relu_bug_TESTING_ONLY": None, "triton.codegen_upcast_to_fp32": True,
    "triton.enable_persistent_tma_matmul": False,
    "cpp.threads": -1, "cpp.no_redundant_loops": True, "cpp.dynamic_threads": False, "cpp.simdlen": None,
    "cpp.min_chunk_size": 512, "cpp.cxx": (None, "g++"), "cpp.enable_kernel_profile": False,
    "cpp.weight_prepack": True, "cpp.inject_relu_bug_TESTING_ONLY": None,
    "cpp.inject_log1p_bug_TESTING_ONLY": None, "cpp.vec_isa_ok": None, "cpp.descriptive_names": "original_aten",
    "cpp.max_horizontal_fusion_size": 16, "cpp.fallback_scatter_reduce_sum": True,
    "cpp.enable_unsafe_math_opt_flag": False, "cpp.enable_floating_point_contract_flag": "off",
    "cpp.enable_tiling_heuristics": True, "cpp.enable_grouped_gemm_template": False,
    "cpp.gemm_max_k_slices": 1, "cpp.gemm_cache_blocking": None, "cpp.gemm_thread_factors": None,
    "cpp.enable_loop_tail_vec": True, "cpp.enable_concat_linear": False, "cpp.use_decompose_tanh": False,
    "aot_inductor.output_path": "", "aot_inductor.debug_compile": False, "aot_inductor.compile_wrapper_opt_level": "O1",
    "aot_inductor.debug_intermediate_value_printer": "0", "aot_inductor.filtered_kernel_names": None,
    "aot_inductor.serialized_in_spec": "", "aot_inductor.serialized_out_spec": "",
    "aot_inductor.use_runtime_constant_folding": False, "aot_inductor.force_mmap_weights": False,
    "aot_inductor.package": False, "aot_inductor.package_cpp_only": None, "aot_inductor.metadata": {},
    "aot_inductor.raise_error_on_ignored_optimization": True, "aot_inductor.dump_aoti_minifier": False,
    "aot_inductor.presets": {}, "aot_inductor.allow_stack_allocation": False,
    "aot_inductor.use_minimal_arrayref_interface": False, "aot_inductor.package_constants_in_so": True,
    "trace.enabled": False, "trace.save_real_tensors": False, "trace.debug_dir": None, "trace.debug_log": False,
    "trace.info_log": False, "trace.fx_graph": True, "trace.fx_graph_transformed": True, "trace.ir_pre_fusion": True,
    "trace.ir_post_fusion": True, "trace.output_code": True, "trace.graph_diagram": False,
    "trace.draw_orig_fx_graph": False, "trace.dot_graph_shape": None, "trace.log_url_for_graph_xform": None,
    "trace.compile_profile": False, "trace.upload_tar": None, "trace.log_autotuning_results": False,
    "cuda.arch": None, "cuda.version": None, "cuda.compile_opt_level": "-O1", "cuda.enable_cuda_lto": False,
    "cuda.enable_ptxas_info": False, "cuda.enable_debug_info": False, "cuda.use_fast_math": False,
    "cuda.cutlass_max_profiling_configs": None, "cuda.cuda_cxx": None, "cuda.cutlass_backend_min_gemm_size": 1,
    "cuda.generate_test_runner": False, "cuda.cutlass_op_allowlist_regex": None,
    "cuda.cutlass_op_denylist_regex": None,
}


install_config_module(sys.modules[__name__], _PUBLIC_NAME, _DEFAULTS)

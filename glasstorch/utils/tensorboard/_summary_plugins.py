"""Plugin summaries: hparams (three summaries per session), custom-scalar layouts, PR curves, meshes."""
import json
import logging

import numpy as np
from google.protobuf import struct_pb2
from tensorboard.compat.proto.summary_pb2 import Summary, SummaryMetadata
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboard.plugins.custom_scalar import layout_pb2
from tensorboard.plugins.pr_curve.plugin_data_pb2 import PrCurvePluginData

from ._convert_np import make_np

logger = logging.getLogger("glasstorch.utils.tensorboard.summary")


def _plugin_summary(tag, plugin_name, content):
    smd = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name=plugin_name,
                                                                  content=content.SerializeToString()))
    return Summary(value=[Summary.Value(tag=tag, metadata=smd)])


def hparams(hparam_dict=None, metric_dict=None, hparam_domain_discrete=None):
    """The hparams plugin's experiment, session-start and session-end summaries (returned in that
    order).  Numbers (bools too: they are ints) are FLOAT64 hyperparameters, strings STRING;
    ``None`` values are left out; a one-element tensor counts as a number."""
    from ..._tensor import Tensor
    from tensorboard.plugins.hparams.api_pb2 import DataType, Experiment, HParamInfo, MetricInfo, MetricName, \
        Status
    from tensorboard.plugins.hparams.metadata import EXPERIMENT_TAG, PLUGIN_DATA_VERSION, PLUGIN_NAME, \
        SESSION_END_INFO_TAG, SESSION_START_INFO_TAG
    from tensorboard.plugins.hparams.plugin_data_pb2 import HParamsPluginData, SessionEndInfo, SessionStartInfo

    for d, name in ((hparam_dict, "hparam_dict"), (metric_dict, "metric_dict")):
        if not isinstance(d, dict):
            logger.warning(f"parameter: {name} should be a dictionary, nothing logged.")
            raise TypeError(f"parameter: {name} should be a dictionary, nothing logged.")
    hparam_domain_discrete = hparam_domain_discrete or {}
    if not isinstance(hparam_domain_discrete, dict):
        raise TypeError("parameter: hparam_domain_discrete should be a dictionary, nothing logged.")
    for k, v in hparam_domain_discrete.items():
        if k not in hparam_dict or not isinstance(v, list) or not all(isinstance(d, type(hparam_dict[k]))
                                                                    for d in v):
            raise TypeError(f"parameter: hparam_domain_discrete[{k}] should be a list of same type as "
                            f"hparam_dict[{k}].")

    def domain(k, field):
        if k not in hparam_domain_discrete:
            return None
        return struct_pb2.ListValue(values=[struct_pb2.Value(**{field: d}) for d in hparam_domain_discrete[k]])

    infos = []
    ssi = SessionStartInfo()
    for k, v in hparam_dict.items():
        if v is None:
            continue
        if isinstance(v, (int, float)):     # bool lands here too, as in torch
            ssi.hparams[k].number_value = v
            infos.append(HParamInfo(name=k, type=DataType.Value("DATA_TYPE_FLOAT64"),
                                    domain_discrete=domain(k, "number_value")))
        elif isinstance(v, str):
            ssi.hparams[k].string_value = v
            infos.append(HParamInfo(name=k, type=DataType.Value("DATA_TYPE_STRING"),
                                    domain_discrete=domain(k, "string_value")))
        elif isinstance(v, Tensor):
            ssi.hparams[k].number_value = make_np(v)[0]
            infos.append(HParamInfo(name=k, type=DataType.Value("DATA_TYPE_FLOAT64")))
        else:
            raise ValueError("value should be one of int, float, str, bool, or torch.Tensor")

    start = _plugin_summary(SESSION_START_INFO_TAG, PLUGIN_NAME,
                            HParamsPluginData(session_start_info=ssi, version=PLUGIN_DATA_VERSION))
    exp = Experiment(hparam_infos=infos, metric_infos=[MetricInfo(name=MetricName(tag=k)) for k in metric_dict])
    experiment = _plugin_summary(EXPERIMENT_TAG, PLUGIN_NAME,
                                 HParamsPluginData(experiment=exp, version=PLUGIN_DATA_VERSION))
    sei = SessionEndInfo(status=Status.Value("STATUS_SUCCESS"))
    end = _plugin_summary(SESSION_END_INFO_TAG, PLUGIN_NAME,
                          HParamsPluginData(session_end_info=sei, version=PLUGIN_DATA_VERSION))
    return experiment, start, end


def custom_scalars(layout):
    """``{category: {chart title: ["Multiline", [tags]] or ["Margin", [value, lower, upper]]}}`` as
    the custom-scalars plugin's layout."""
    categories = []
    for title, charts_spec in layout.items():
        charts = []
        for chart_name, (kind, tags) in ((n, (m[0], m[1])) for n, m in charts_spec.items()):
            if kind == "Margin":
                if len(tags) != 3:
                    raise AssertionError("len(tags) != 3")
                series = layout_pb2.MarginChartContent.Series(value=tags[0], lower=tags[1], upper=tags[2])
                charts.append(layout_pb2.Chart(title=chart_name,
                                               margin=layout_pb2.MarginChartContent(series=[series])))
            else:
                charts.append(layout_pb2.Chart(title=chart_name,
                                               multiline=layout_pb2.MultilineChartContent(tag=tags)))
        categories.append(layout_pb2.Category(title=title, chart=charts))
    proto = TensorProto(dtype="DT_STRING", string_val=[layout_pb2.Layout(category=categories).SerializeToString()],
                        tensor_shape=TensorShapeProto())
    smd = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="custom_scalars"))
    return Summary(value=[Summary.Value(tag="custom_scalars__config__", tensor=proto, metadata=smd)])


def _pr_summary(tag, data, num_thresholds):
    content = PrCurvePluginData(version=0, num_thresholds=num_thresholds).SerializeToString()
    smd = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="pr_curves", content=content))
    shape = TensorShapeProto(dim=[TensorShapeProto.Dim(size=data.shape[0]), TensorShapeProto.Dim(size=data.shape[1])])
    proto = TensorProto(dtype="DT_FLOAT", float_val=data.reshape(-1).tolist(), tensor_shape=shape)
    return Summary(value=[Summary.Value(tag=tag, metadata=smd, tensor=proto)])


def pr_curve_raw(tag, tp, fp, tn, fn, precision, recall, num_thresholds=127, weights=None):
    """A PR curve from counts the caller computed (6 x num_thresholds float32 values)."""
    if num_thresholds > 127:   # torch caps it: larger values break the plugin
        num_thresholds = 127
    return _pr_summary(tag, np.stack((tp, fp, tn, fn, precision, recall)), num_thresholds)


def pr_curve(tag, labels, predictions, num_thresholds=127, weights=None):
    """A PR curve of ``predictions`` in [0, 1] against 0/1 ``labels`` (``compute_curve``)."""
    num_thresholds = min(num_thresholds, 127)
    data = compute_curve(labels, predictions, num_thresholds=num_thresholds, weights=weights)
    return _pr_summary(tag, data, num_thresholds)


def compute_curve(labels, predictions, num_thresholds=None, weights=None):
    """Bucket each prediction at floor(p * (T - 1)); true/false positives at threshold i are the
    (weighted) labels in buckets >= i:  precision = tp / max(1e-7, tp + fp), recall = tp / max(1e-7, tp + fn)."""
    minimum = 1e-7
    if weights is None:
        weights = 1.0
    buckets = np.int32(np.floor(predictions * (num_thresholds - 1)))
    pos = labels.astype(np.float64)
    rng = (0, num_thresholds - 1)
    tp_buckets, _ = np.histogram(buckets, bins=num_thresholds, range=rng, weights=pos * weights)
    fp_buckets, _ = np.histogram(buckets, bins=num_thresholds, range=rng, weights=(1.0 - pos) * weights)
    tp = np.cumsum(tp_buckets[::-1])[::-1]
    fp = np.cumsum(fp_buckets[::-1])[::-1]
    tn = fp[0] - fp
    fn = tp[0] - tp
    precision = tp / np.maximum(minimum, tp + fp)
    recall = tp / np.maximum(minimum, tp + fn)
    return np.stack((tp, fp, tn, fn, precision, recall))


def _mesh_value(name, display_name, description, tensor, content_type, components, json_config):
    from tensorboard.plugins.mesh import metadata
    arr = make_np(tensor) if not isinstance(tensor, (list, tuple)) else np.asarray(tensor)
    smd = metadata.create_summary_metadata(name, display_name, content_type, components, list(arr.shape),
                                           description, json_config=json_config)
    shape = TensorShapeProto(dim=[TensorShapeProto.Dim(size=s) for s in arr.shape[:3]])
    proto = TensorProto(dtype="DT_FLOAT", float_val=arr.reshape(-1).tolist(), tensor_shape=shape)
    return Summary.Value(tag=metadata.get_instance_name(name, content_type), tensor=proto, metadata=smd)


def mesh(tag, vertices, colors, faces, config_dict, display_name=None, description=None):
    """A 3D mesh: (B, N, 3) vertices, optional faces and colors, for the mesh plugin."""
    from tensorboard.plugins.mesh import metadata
    from tensorboard.plugins.mesh.plugin_data_pb2 import MeshPluginData
    json_config = "{}" if config_dict is None else json.dumps(config_dict, sort_keys=True)
    parts = [(t, kind) for t, kind in ((vertices, MeshPluginData.VERTEX), (faces, MeshPluginData.FACE),
                                       (colors, MeshPluginData.COLOR)) if t is not None]
    components = metadata.get_components_bitmask([kind for _, kind in parts])
    return Summary(value=[_mesh_value(tag, display_name, description, t, kind, components, json_config)
                          for t, kind in parts])

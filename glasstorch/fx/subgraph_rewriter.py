"""``torch.fx.subgraph_rewriter``: replace every occurrence of a pattern graph with a replacement.

``replace_pattern(gm, pattern, replacement)`` traces both callables (or takes Graphs/GraphModules),
finds the non-overlapping, self-contained matches with ``SubgraphMatcher``, and for each one copies
the replacement graph in just before the first user of the match's results (its placeholders bound
to the matched inputs), reroutes those users, erases the matched nodes, and finally recompiles.
"""
import copy
from dataclasses import dataclass
from typing import Any, NamedTuple

from .graph import Graph
from .graph_module import GraphModule, _module_cls
from .node import Node
from ._symbolic_trace import symbolic_trace

__all__ = ["Match", "replace_pattern", "replace_pattern_with_filters", "ReplacedPatterns"]


class Match(NamedTuple):
    anchor: Node           # the node in the target graph that matched the pattern's anchor
    nodes_map: dict        # pattern node -> target graph node


@dataclass
class ReplacedPatterns:
    anchor: Node
    nodes_map: dict
    replacements: list     # the nodes copied in from the replacement graph


def replace_pattern(gm, pattern, replacement):
    """Returns a list of ``Match`` (anchor, nodes_map), one per replaced occurrence."""
    done = _replace_pattern(gm, pattern, replacement)
    return [Match(anchor=m.anchor, nodes_map=m.nodes_map) for m in done]


def replace_pattern_with_filters(gm, pattern, replacement=None, match_filters=None, ignore_literals=False,
                                 replacement_callback=None, node_name_match=""):
    """Like ``replace_pattern``, keeping only matches every ``match_filter(match, graph, pattern)`` accepts."""
    return _replace_pattern(gm, pattern, replacement, match_filters, ignore_literals, replacement_callback,
                            node_name_match)


def _as_graph(obj):
    if isinstance(obj, GraphModule):
        return obj.graph
    if isinstance(obj, Graph):
        return obj
    return symbolic_trace(obj).graph


def _replace_pattern(gm, pattern, replacement=None, match_filters=None, ignore_literals=False,
                     replacement_callback=None, node_name_match=""):
    from .passes.utils.matcher_utils import SubgraphMatcher

    graph = gm.graph
    pattern_graph = _as_graph(pattern)
    matcher = SubgraphMatcher(pattern_graph, match_output=False, match_placeholder=False,
                              remove_overlapping_matches=True, ignore_literals=ignore_literals)
    matches = [m for m in matcher.match(graph, node_name_match=node_name_match)
               if all(f(m, graph, pattern_graph) for f in (match_filters or []))]
    if replacement is None and replacement_callback is None:
        raise AssertionError("Must provide either a replacement GraphModule or a replacement callback")
    common = _as_graph(replacement) if replacement is not None or replacement_callback is None else None

    changed = {}   # graph node already replaced by an earlier match -> its replacement
    results = []
    for match in matches:
        rep_graph = replacement_callback(match, graph, pattern_graph) if replacement_callback else common
        rep_placeholders = [n for n in rep_graph.nodes if n.op == "placeholder"]
        if len(match.placeholder_nodes) != len(rep_placeholders):
            raise AssertionError(f"Placeholder count mismatch: {len(match.placeholder_nodes)} vs "
                                 f"{len(rep_placeholders)}")
        val_map = {}
        for rn, gn in zip(rep_placeholders, match.placeholder_nodes):
            if isinstance(gn, Node) and gn in changed:   # an input an earlier replacement rewrote
                new = changed[gn]
                match.placeholder_nodes[match.placeholder_nodes.index(gn)] = new
                key = next(k for k, v in match.nodes_map.items() if v is gn)
                match.nodes_map[key] = new
                gn = new
            val_map[rn] = gn

        users = {u for n in match.returning_nodes for u in n.users}
        insert_point = next((n for n in graph.nodes if n in users), None)
        if insert_point is None:   # results unused: insert right after the last returning node
            nodes = list(graph.nodes)
            last = max(nodes.index(n) for n in match.returning_nodes)
            insert_point = nodes[last + 1] if last + 1 < len(nodes) else None
        if insert_point is None:
            raise AssertionError("The insert point can't be None")
        with graph.inserting_before(insert_point):
            copied = graph.graph_copy(rep_graph, val_map)
        if isinstance(copied, Node):
            copied = (copied,)
        replacement_nodes = [v for v in val_map.values() if v not in match.placeholder_nodes]
        if len(match.returning_nodes) != len(copied):
            raise AssertionError(f"Returning nodes count mismatch: {len(match.returning_nodes)} vs {len(copied)}")
        for gn, new in zip(match.returning_nodes, copied):
            gn.replace_all_uses_with(new)
            changed[gn] = new
        for pn in reversed(pattern_graph.nodes):
            if pn.op not in ("placeholder", "output"):
                graph.erase_node(match.nodes_map[pn])
        results.append(ReplacedPatterns(anchor=match.anchors[0], nodes_map=match.nodes_map,
                                        replacements=replacement_nodes))
    gm.recompile()
    if isinstance(replacement, _module_cls()):
        _copy_attributes(gm, replacement)
    return results


def _copy_attributes(gm, replacement):
    """Bring over submodules/attributes the inserted get_attr / call_module nodes refer to."""
    gm.delete_all_unused_submodules()
    for node in gm.graph.nodes:
        if node.op in ("get_attr", "call_module"):
            owner, _, leaf = node.target.rpartition(".")
            try:
                _fetch(gm, node.target)
                continue
            except AttributeError:
                pass
            value = copy.deepcopy(_fetch(replacement, node.target))
            parent = _fetch(gm, owner) if owner else gm
            setattr(parent, leaf, value)


def _fetch(module, target):
    obj = module
    for part in target.split("."):
        obj = getattr(obj, part)
    return obj

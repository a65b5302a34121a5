"""torch.utils._pytree as training code uses it: moving a nested batch (dicts of lists of tensors) to
another dtype, detaching it, flattening it to leaves and back, printing TreeSpecs, and registering a
namedtuple-like and a dataclass container of one's own."""
import collections
import dataclasses

import torch
import torch.utils._pytree as pytree
from torch.utils._pytree import tree_flatten, tree_map, tree_unflatten, tree_leaves

torch.manual_seed(0)

batch = {
    "image": torch.randn(2, 3),
    "tokens": [torch.arange(4), torch.arange(2)],
    "meta": {"ids": (7, 8), "name": "batch0", "weight": torch.tensor([0.5, 2.0])},
    "mask": None,
}

print("-- flatten / unflatten")
leaves, spec = tree_flatten(batch)
print(len(leaves), [type(x).__name__ for x in leaves])
print(spec)
print(spec.num_leaves, spec.num_nodes, spec.num_children, spec.type, spec.context)
print(pytree.treespec_pprint(spec))
rebuilt = tree_unflatten(leaves, spec)
print(rebuilt.keys() == batch.keys(), rebuilt["tokens"][1], rebuilt["meta"]["ids"], rebuilt["mask"])
print(tree_unflatten(list(range(spec.num_leaves)), spec))
print(pytree.tree_structure(batch) == spec, pytree.tree_structure([1, 2]) == pytree.tree_structure([3, 4]))
print(pytree.tree_structure((1, [2])) == pytree.tree_structure((1, (2,))))
print(pytree.tree_structure([1, [2, 3], {"a": 4}]))
print(tree_flatten(None), tree_flatten([]), tree_flatten({}), tree_flatten(()))
print(tree_flatten(3.5), tree_flatten(torch.ones(1)))
print(pytree.tree_is_leaf(1), pytree.tree_is_leaf([1]), pytree.tree_is_leaf(None), pytree.tree_is_leaf("ab"))
print(pytree.tree_is_leaf((1, 2), is_leaf=lambda x: isinstance(x, tuple)))

print("-- moving a batch")
half = tree_map(lambda x: x.to(torch.float64) if isinstance(x, torch.Tensor) and x.is_floating_point() else x, batch)
print(half["image"].dtype, half["tokens"][0].dtype, half["meta"]["weight"].dtype, half["meta"]["name"])
only = pytree.tree_map_only(torch.Tensor, lambda t: t.to(torch.float16), batch)
print([t.dtype for t in tree_leaves(only) if isinstance(t, torch.Tensor)])
w = torch.ones(2, requires_grad=True)
out = {"loss": (w * 3).sum(), "parts": [w * 2, w + 1], "step": 3}
det = pytree.tree_map_only(torch.Tensor, torch.Tensor.detach, out)
print([t.requires_grad for t in tree_leaves(out) if isinstance(t, torch.Tensor)])
print([t.requires_grad for t in tree_leaves(det) if isinstance(t, torch.Tensor)], det["step"])
print(pytree.tree_map(lambda a, b: a + b, {"x": 1, "y": [2, 3]}, {"x": 10, "y": [20, 30]}))
print(pytree.tree_map(lambda a, b: (a, b), [1, 2], [[5, 6], (7,)]))
cnt = []
print(pytree.tree_map_(cnt.append, [1, (2, 3)]) == [1, (2, 3)], cnt)
print(pytree.tree_all(lambda x: x > 0, [1, (2, 3)]), pytree.tree_any(lambda x: x > 2, {"a": [1, 2]}))
print(pytree.tree_all_only(int, lambda x: x > 0, [1, "s", -0.5]), pytree.tree_any_only(str, lambda s: s == "s", [1, "s"]))
sq = pytree.map_only(int)(lambda x: x * x)
print(pytree.tree_map(sq, [2, "two", 3.0]))
print(list(pytree.tree_iter({"b": [1, 2], "a": 3})))
stacked = pytree.tree_map(lambda *xs: torch.stack(xs), *[{"x": torch.full((2,), float(i)), "y": torch.tensor(i)} for i in range(3)])
print(stacked)

print("-- paths")
paths, spec2 = pytree.tree_flatten_with_path({"a": [10, (20, 30)], "b": {"c": 40}})
for kp, v in paths:
    print(pytree.keystr(kp), v, kp)
print(pytree.tree_map_with_path(lambda kp, v: f"{pytree.keystr(kp)}={v}", {"a": [1, 2], "b": 3}))
print(pytree.key_get({"a": [10, (20, 30)]}, paths[2][0]))

print("-- other containers")
Pair = collections.namedtuple("Pair", ["first", "second"])
print(tree_flatten(Pair(torch.zeros(1), 2))[1])
print(tree_map(lambda v: v * 2, Pair(1, [2, 3])))
od = collections.OrderedDict([("z", 1), ("a", 2)])
print(tree_flatten(od)[1], tree_map(lambda v: -v, od))
dd = collections.defaultdict(list, {"k": 5})
print(tree_flatten(dd)[1])
print(tree_flatten(collections.deque([1, 2], maxlen=4))[1])
mx = torch.tensor([[1., 5.], [7., 2.]]).max(dim=1)
ls, sp = tree_flatten(mx)
print(sp, ls)
print(tree_unflatten([torch.zeros(2), torch.ones(2, dtype=torch.long)], sp))
print(tree_map(lambda t: t * 2, torch.sort(torch.tensor([3, 1, 2]))))


@dataclasses.dataclass
class Batch:
    x: torch.Tensor
    y: torch.Tensor
    note: object = None


pytree.register_dataclass(Batch)
b = Batch(torch.arange(3.), torch.tensor([1, 0, 1]))
ls, sp = tree_flatten(b)
print(len(ls), sp)
b2 = tree_map(lambda t: t + 1, b)
print(type(b2).__name__, b2.x, b2.y, b2.note)
print(pytree.tree_flatten_with_path(b)[0][1][0])


class Point:
    def __init__(self, x, y, label):
        self.x, self.y, self.label = x, y, label

    def __repr__(self):
        return f"Point({self.x!r}, {self.y!r}, {self.label!r})"


pytree.register_pytree_node(
    Point,
    lambda p: ([p.x, p.y], p.label),
    lambda values, label: Point(values[0], values[1], label),
    flatten_with_keys_fn=lambda p: ([(pytree.GetAttrKey("x"), p.x), (pytree.GetAttrKey("y"), p.y)], p.label),
)
pt = Point(torch.tensor(1.0), [torch.tensor(2.0), 3], "p")
ls, sp = tree_flatten(pt)
print(ls, sp)
print(tree_map(lambda v: v * 10, pt))
print(pytree.treespec_pprint(sp))
print([pytree.keystr(k) for k, _ in pytree.tree_leaves_with_path(pt)])
try:
    pytree.register_pytree_node(Point, lambda p: ([], None), lambda v, c: None)
except ValueError as e:
    print("ValueError", e)

print("-- errors")
try:
    tree_unflatten([1, 2], pytree.tree_structure([1, 2, 3]))
except ValueError as e:
    print("ValueError", e)
try:
    tree_map(lambda a, b: a + b, {"x": 1}, {"y": 2})
except ValueError as e:
    print("ValueError", e)
try:
    tree_map(lambda a, b: a + b, [1, 2], (1, 2))
except ValueError as e:
    print("ValueError", e)
try:
    tree_map(lambda a, b: a + b, [1, 2], [1, 2, 3])
except ValueError as e:
    print("ValueError", e)
try:
    pytree.register_dataclass(Point)
except ValueError as e:
    print("ValueError", e)

print("-- specs by hand")
leaf = pytree.treespec_leaf()
print(leaf, leaf.is_leaf(), pytree.treespec_tuple([leaf, leaf]), pytree.treespec_dict({"a": leaf}))
print(pytree.treespec_tuple([leaf, pytree.treespec_dict(a=leaf, b=leaf)]).unflatten([1, 2, 3]))
print(spec.child(1), len(spec.children()), hash(spec) == hash(pytree.tree_structure(batch)))
print(isinstance(spec, pytree.TreeSpec), spec.is_leaf(), sorted(pytree.SUPPORTED_NODES, key=str)[:3])

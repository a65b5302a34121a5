"""The ``.data/serialization_id`` record of a torch checkpoint, computed as torch computes it.

``PyTorchStreamWriter::writeSerializationId`` writes two 20-digit numbers: a ``c10::hash_combine``
of ``std::hash`` of every record name written so far, taken in the iteration order of its
``std::unordered_set<std::string>``, then a ``hash_combine`` of the CRC-32 of every non-empty
record (an empty one adds nothing) in the order written.  So the id depends only on the records,
and glasstorch's files are byte for byte torch's.  The name hash and the set's order are those of the libstdc++ torch is built with:
``std::_Hash_bytes`` (a 64-bit Murmur hash, seed 0xc70f6907) and its ``_Hashtable``, a singly
linked list in which a node goes to the front of its bucket, or to the front of the whole list
when its bucket is empty, and which rehashes (prime bucket counts, load factor 1) by relinking the
nodes in list order.
"""
_M = (1 << 64) - 1
_MUL = 0xC6A4A7935BD1E995

# libstdc++'s std::__detail::__prime_list (64-bit); its last entry doubles as the end sentinel
_PRIMES = (
    2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 103, 109,
    113, 127, 137, 139, 149, 157, 167, 179, 193, 199, 211, 227, 241, 257, 277, 293, 313, 337, 359, 383, 409,
    439, 467, 503, 541, 577, 619, 661, 709, 761, 823, 887, 953, 1031, 1109, 1193, 1289, 1381, 1493, 1613, 1741,
    1879, 2029, 2179, 2357, 2549, 2753, 2971, 3209, 3469, 3739, 4027, 4349, 4703, 5087, 5503, 5953, 6427, 6949,
    7517, 8123, 8783, 9497, 10273, 11113, 12011, 12983, 14033, 15173, 16411, 17749, 19183, 20753, 22447, 24281,
    26267, 28411, 30727, 33223, 35933, 38873, 42043, 45481, 49201, 53201, 57557, 62233, 67307, 72817, 78779,
    85229, 92203, 99733, 107897, 116731, 126271, 136607, 147793, 159871, 172933, 187091, 202409, 218971,
    236897, 256279, 277261, 299951, 324503, 351061, 379787, 410857, 444487, 480881, 520241, 562841, 608903,
    658753, 712697, 771049, 834181, 902483, 976369, 1056323, 1142821, 1236397, 1337629, 1447153, 1565659,
    1693859, 1832561, 1982627, 2144977, 2320627, 2510653, 2716249, 2938679, 3179303, 3439651, 3721303, 4026031,
    4355707, 4712381, 5098259, 5515729, 5967347, 6456007, 6984629, 7556579, 8175383, 8844859, 9569143,
    10352717, 11200489, 12117689, 13109983, 14183539, 15345007, 16601593, 17961079, 19431899, 21023161,
    22744717, 24607243, 26622317, 28802401, 31160981, 33712729, 36473443, 39460231, 42691603, 46187573,
    49969847, 54061849, 58488943, 63278561, 68460391, 74066549, 80131819, 86693767, 93793069, 101473717,
    109783337, 118773397, 128499677, 139022417, 150406843, 162723577, 176048909, 190465427, 206062531,
    222936881, 241193053, 260944219, 282312799, 305431229, 330442829, 357502601, 386778277, 418451333,
    452718089, 489790921, 529899637, 573292817, 620239453, 671030513, 725980837, 785430967, 849749479,
    919334987, 994618837, 1076067617, 1164186217, 1259520799, 1362662261, 1474249943, 1594975441, 1725587117,
    1866894511, 2019773507, 2185171673, 2364114217, 2557710269, 2767159799, 2993761039, 3238918481, 3504151727,
    3791104843, 4101556399, 4294967291, 6442450933, 8589934583, 12884901857, 17179869143, 25769803693,
    34359738337, 51539607367, 68719476731, 103079215087, 137438953447, 206158430123, 274877906899,
    412316860387, 549755813881, 824633720731, 1099511627689, 1649267441579, 2199023255531, 3298534883309,
    4398046511093, 6597069766607, 8796093022151, 13194139533241, 17592186044399, 26388279066581,
    35184372088777, 52776558133177, 70368744177643, 105553116266399, 140737488355213, 211106232532861,
    281474976710597, 562949953421231, 1125899906842597, 2251799813685119, 4503599627370449, 9007199254740881,
    18014398509481951, 36028797018963913, 72057594037927931, 144115188075855859, 288230376151711717,
    576460752303423433, 1152921504606846883, 2305843009213693951, 4611686018427387847, 9223372036854775783,
    18446744073709551557,
)
_FAST_BKT = (2, 2, 2, 3, 5, 5, 7, 7, 11, 11, 11, 11, 13, 13)


def _shift_mix(v):
    return v ^ (v >> 47)


def hash_bytes(b, seed=0xC70F6907):
    """libstdc++'s ``std::_Hash_bytes``: ``std::hash<std::string>`` on a 64-bit target."""
    n = len(b)
    aligned = n & ~7
    h = (seed ^ (n * _MUL)) & _M
    for p in range(0, aligned, 8):
        d = (_shift_mix((int.from_bytes(b[p:p + 8], "little") * _MUL) & _M) * _MUL) & _M
        h = ((h ^ d) * _MUL) & _M
    if n & 7:
        h = ((h ^ int.from_bytes(b[aligned:], "little")) * _MUL) & _M
    return _shift_mix((_shift_mix(h) * _MUL) & _M)


def hash_combine(seed, value):
    """``c10::hash_combine`` on size_t."""
    return (seed ^ ((value + 0x9E3779B9 + ((seed << 6) & _M) + (seed >> 2)) & _M)) & _M


class _PrimePolicy:
    """``_Prime_rehash_policy`` with max_load_factor 1."""

    def __init__(self):
        self.next_resize = 0

    def next_bkt(self, n):
        if n < len(_FAST_BKT):
            if n == 0:
                return 1
            self.next_resize = _FAST_BKT[n]
            return _FAST_BKT[n]
        lo, hi = 6, len(_PRIMES) - 1          # lower_bound over [6, last)
        while lo < hi:
            mid = (lo + hi) // 2
            if _PRIMES[mid] < n:
                lo = mid + 1
            else:
                hi = mid
        self.next_resize = _M if lo == len(_PRIMES) - 1 else _PRIMES[lo]
        return _PRIMES[lo]

    def need_rehash(self, n_bkt, n_elt, n_ins):
        if n_elt + n_ins > self.next_resize:
            min_bkts = max(n_elt + n_ins, 0 if self.next_resize else 11)
            if min_bkts >= n_bkt:
                return self.next_bkt(max(min_bkts + 1, n_bkt * 2))
            self.next_resize = n_bkt
        return 0


def unordered_set_order(hashes):
    """The iteration order of a libstdc++ ``unordered_set`` after inserting distinct keys with these
    hashes in turn: a list of their indices."""
    nxt = {-1: None}                 # -1: the list's before-begin node
    buckets, n_bkt, policy = {}, 1, _PrimePolicy()
    for count, h in enumerate(hashes):
        grow = policy.need_rehash(n_bkt, count, 1)
        if grow:                     # _M_rehash_aux: relink every node in list order
            p, nxt[-1], new, bb_bkt = nxt[-1], None, {}, 0
            while p is not None:
                after, bkt = nxt[p], hashes[p] % grow
                if bkt not in new:
                    nxt[p], nxt[-1] = nxt[-1], p
                    new[bkt] = -1
                    if nxt[p] is not None:
                        new[bb_bkt] = p
                    bb_bkt = bkt
                else:
                    nxt[p], nxt[new[bkt]] = nxt[new[bkt]], p
                p = after
            buckets, n_bkt = new, grow
        bkt = h % n_bkt
        if bkt in buckets:           # _M_insert_bucket_begin
            nxt[count], nxt[buckets[bkt]] = nxt[buckets[bkt]], count
        else:
            nxt[count], nxt[-1] = nxt[-1], count
            if nxt[count] is not None:
                buckets[hashes[nxt[count]] % n_bkt] = count
            buckets[bkt] = -1
    out, p = [], nxt[-1]
    while p is not None:
        out.append(p)
        p = nxt[p]
    return out


def serialization_id(names, crcs):
    """torch's id of an archive whose records so far are ``names`` (bytes, without the archive folder)
    and whose non-empty records have these CRC-32s, both in the order written."""
    hashes = [hash_bytes(n) for n in names]
    by_name = 0
    for i in unordered_set_order(hashes):
        by_name = hash_combine(by_name, hashes[i])
    by_data = 0
    for c in crcs:
        by_data = hash_combine(by_data, c)
    return f"{by_name:020d}{by_data:020d}"

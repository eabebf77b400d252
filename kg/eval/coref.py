"""Coreference metrics, pure: key and response partitions of the same mentions in, scores out.

A partition is a mapping ``mention -> cluster id``. Every metric here takes the key (gold) and
the response (system) over the same mentions; a mention the system did not find is a singleton
of the response. Scores of several topics add up by their counts (micro), as the CoNLL scorer
adds up documents.

- :func:`pairwise`: links between mentions of *different documents*: precision, recall, F1.
- :func:`muc` (Vilain et al. 1995), :func:`b_cubed` (Bagga & Baldwin 1998), :func:`ceaf_e`
  (Luo 2005, entity similarity phi4) and their mean F1, the CoNLL F1 (Pradhan et al. 2014).

>>> key = {"a": 1, "b": 1, "c": 2}
>>> round(muc(key, {"a": 1, "b": 2, "c": 3}).recall, 2)
0.0
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Hashable, Mapping

from kg.disjoint_sets import DisjointSets

Partition = Mapping[Hashable, Hashable]


@dataclass
class Fraction:
    """Numerators and denominators of a precision and a recall, so topics add up."""

    p_num: float = 0.0
    p_den: float = 0.0
    r_num: float = 0.0
    r_den: float = 0.0

    @property
    def precision(self) -> float:
        return self.p_num / self.p_den if self.p_den else 0.0

    @property
    def recall(self) -> float:
        return self.r_num / self.r_den if self.r_den else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __iadd__(self, other: "Fraction") -> "Fraction":
        self.p_num += other.p_num
        self.p_den += other.p_den
        self.r_num += other.r_num
        self.r_den += other.r_den
        return self


def clusters(partition: Partition) -> list[frozenset]:
    """The clusters of a partition, as sets of mentions."""
    out: dict[Hashable, set] = defaultdict(set)
    for mention, cluster in partition.items():
        out[cluster].add(mention)
    return [frozenset(c) for c in out.values()]


def pairwise(key: Partition, response: Partition, doc_of: Mapping[Hashable, str]) -> Fraction:
    """Precision and recall of the links between mentions of different documents."""
    def links(partition: Partition) -> set[frozenset]:
        out = set()
        for cluster in clusters(partition):
            items = sorted(cluster, key=str)
            for i, a in enumerate(items):
                for b in items[i + 1:]:
                    if doc_of[a] != doc_of[b]:
                        out.add(frozenset((a, b)))
        return out

    k, r = links(key), links(response)
    both = len(k & r)
    return Fraction(both, len(r), both, len(k))


def _muc_side(key: Partition, response: Partition) -> tuple[float, float]:
    num = den = 0.0
    for cluster in clusters(key):
        parts = {response.get(m, ("missing", m)) for m in cluster}
        num += len(cluster) - len(parts)
        den += len(cluster) - 1
    return num, den


def muc(key: Partition, response: Partition) -> Fraction:
    r_num, r_den = _muc_side(key, response)
    p_num, p_den = _muc_side(response, key)
    return Fraction(p_num, p_den, r_num, r_den)


def b_cubed(key: Partition, response: Partition) -> Fraction:
    key_of = {m: c for c in clusters(key) for m in c}
    resp_of = {m: c for c in clusters(response) for m in c}
    p = sum(len(resp_of[m] & key_of.get(m, frozenset())) / len(resp_of[m]) for m in resp_of)
    r = sum(len(key_of[m] & resp_of.get(m, frozenset())) / len(key_of[m]) for m in key_of)
    return Fraction(p, len(resp_of), r, len(key_of))


def ceaf_e(key: Partition, response: Partition) -> Fraction:
    k, r = clusters(key), clusters(response)
    # only clusters that share a mention gain from being aligned, so the best alignment is the
    # sum of the best alignments of the groups of clusters linked by shared mentions
    resp_of = {m: j for j, c in enumerate(r) for m in c}
    sets = DisjointSets(len(k) + len(r))
    find = sets.find
    for i, c in enumerate(k):
        for m in c:
            if m in resp_of:
                sets.union(i, len(k) + resp_of[m])
    groups: dict[int, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for i in range(len(k)):
        groups[find(i)][0].append(i)
    for j in range(len(r)):
        groups[find(len(k) + j)][1].append(j)
    total = 0.0
    for rows, cols in groups.values():
        if rows and cols:
            total += max_assignment([[2 * len(k[i] & r[j]) / (len(k[i]) + len(r[j])) for j in cols]
                                     for i in rows])
    return Fraction(total, len(r), total, len(k))


def max_assignment(weights: list[list[float]]) -> float:
    """The largest total weight of a one-to-one assignment of rows to columns (Hungarian
    method, O(n^3)); rows or columns may be left out.

    >>> max_assignment([[1, 0], [0.9, 0.2]])
    1.2
    """
    if not weights or not weights[0]:
        return 0.0
    rows, cols = len(weights), len(weights[0])
    n = max(rows, cols)
    top = max(max(row) for row in weights)
    cost = [[top - (weights[i][j] if i < rows and j < cols else 0.0) for j in range(n)]
            for i in range(n)]
    inf = float("inf")
    u, v, p, way = [0.0] * (n + 1), [0.0] * (n + 1), [0] * (n + 1), [0] * (n + 1)
    for i in range(1, n + 1):
        p[0], j0 = i, 0
        minv, used = [inf] * (n + 1), [False] * (n + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], inf, 0
            for j in range(1, n + 1):
                if not used[j]:
                    cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(n + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    total = 0.0
    for j in range(1, n + 1):
        i = p[j]
        if i and i - 1 < rows and j - 1 < cols:
            total += weights[i - 1][j - 1]
    return round(total, 12)


@dataclass
class CorefScores:
    """Pairwise (cross-document), MUC, B3 and CEAF-e of one system, added up over topics."""

    system: str
    pairs: Fraction
    muc: Fraction
    b3: Fraction
    ceafe: Fraction

    @classmethod
    def empty(cls, system: str) -> "CorefScores":
        return cls(system, Fraction(), Fraction(), Fraction(), Fraction())

    def add(self, key: Partition, response: Partition, doc_of: Mapping[Hashable, str]) -> None:
        """Add one topic: ``key`` and ``response`` over the same mentions."""
        self.pairs += pairwise(key, response, doc_of)
        self.muc += muc(key, response)
        self.b3 += b_cubed(key, response)
        self.ceafe += ceaf_e(key, response)

    @property
    def conll_f1(self) -> float:
        return (self.muc.f1 + self.b3.f1 + self.ceafe.f1) / 3

    def to_dict(self) -> dict:
        out = {"system": self.system}
        for name in ("pairs", "muc", "b3", "ceafe"):
            f = getattr(self, name)
            out[name] = {"precision": round(f.precision, 4), "recall": round(f.recall, 4),
                         "f1": round(f.f1, 4)}
        out["conll_f1"] = round(self.conll_f1, 4)
        return out


def coref_table(title: str, rows: list[CorefScores]) -> str:
    """Rows of scores as a fixed-width table."""
    head = (f"{'system':<28}{'pair P':>8}{'pair R':>8}{'pair F1':>8}{'MUC F1':>8}{'B3 F1':>8}"
            f"{'CEAFe F1':>9}{'CoNLL F1':>9}")
    lines = [title, head]
    for s in rows:
        lines.append(f"{s.system:<28}{s.pairs.precision:>8.3f}{s.pairs.recall:>8.3f}"
                     f"{s.pairs.f1:>8.3f}{s.muc.f1:>8.3f}{s.b3.f1:>8.3f}{s.ceafe.f1:>9.3f}"
                     f"{s.conll_f1:>9.3f}")
    return "\n".join(lines)

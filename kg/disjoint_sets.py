"""Disjoint sets over ``0 .. n-1`` (union-find), for the clusterings kg makes: the names of one
article (:mod:`kg.resolve`), entities across articles (:mod:`kg.resolve_corpus`) and the
scorer's cluster alignment (:mod:`kg.eval.coref`)."""

from __future__ import annotations


class DisjointSets:
    """Union-find with path halving; a union keeps the smaller root, so the root of a set is
    its lowest member whatever order the unions came in::

        >>> sets = DisjointSets(4)
        >>> sets.union(3, 1), sets.union(1, 2)
        (1, 1)
        >>> sets.groups()
        [[0], [1, 2, 3]]
    """

    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> int:
        """Join the sets of ``a`` and ``b``; returns the root kept."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)
        return min(ra, rb)

    def groups(self) -> list[list[int]]:
        """The sets, each in increasing order, ordered by their lowest member."""
        out: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            out.setdefault(self.find(i), []).append(i)
        return list(out.values())

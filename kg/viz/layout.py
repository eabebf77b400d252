"""Node positions for the pictures, computed in Python so the browser never runs a layout.

A force-directed (Fruchterman-Reingold) layout per connected component, deterministic for a
given seed, with components packed in rows, largest first. The page then draws with cytoscape's
``preset`` layout and is usable as soon as it has parsed, however large the graph.

networkx's own ``spring_layout`` needs scipy above 500 nodes; this dense numpy version handles a
few thousand nodes in seconds without it.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np

from kg.viz.model import ActorView

Positions = dict[str, tuple[float, float]]


def layout_positions(view: ActorView, *, seed: int = 7) -> Positions:
    """Positions for every node of ``view``, in units of the typical gap between nodes.

    Example::

        pos = layout_positions(view)
        x, y = pos[view.nodes[0].id]
    """
    g = nx.Graph()
    g.add_nodes_from(n.id for n in view.nodes)
    g.add_edges_from((e.source, e.target) for e in view.edges if e.source != e.target)
    components = sorted((sorted(c) for c in nx.connected_components(g)),
                        key=lambda c: (-len(c), c[0]))
    boxes = []
    for i, comp in enumerate(components):
        sub = g.subgraph(comp)
        xy = _component_layout(sub, comp, seed + i)
        boxes.append((comp, xy))
    return _pack(boxes)


_COMMUNITY_PULL = 3.0
"""Edges within a community pull this much harder than the rest, so communities form clusters."""
_ASPECT = 1.6
"""The width / height a large component is stretched to: the page and the picture are wide."""


def communities(g: nx.Graph, seed: int = 7) -> dict[str, int]:
    """Each node's community (Louvain, deterministic for a seed), numbered largest first."""
    if g.number_of_edges() == 0:
        return {n: i for i, n in enumerate(sorted(g.nodes))}
    # On node numbers, in sorted order: networkx's Louvain keeps communities in sets, whose
    # order for strings changes with every run's hash seed, and with it the communities found.
    names = sorted(g.nodes)
    number = {n: i for i, n in enumerate(names)}
    numbered = nx.Graph()
    numbered.add_nodes_from(range(len(names)))
    numbered.add_edges_from(sorted(tuple(sorted((number[u], number[v]))) for u, v in g.edges))
    groups = nx.community.louvain_communities(numbered, seed=seed)
    groups = sorted((sorted(names[i] for i in c) for c in groups), key=lambda c: (-len(c), c[0]))
    return {n: i for i, c in enumerate(groups) for n in c}


def _component_layout(g: nx.Graph, order: list[str], seed: int) -> np.ndarray:
    n = len(order)
    if n == 1:
        return np.zeros((1, 2))
    if n == 2:
        return np.array([[0.0, 0.0], [1.0, 0.0]])
    adjacency = nx.to_numpy_array(g, nodelist=order, weight=None, dtype=np.float32)
    if n > 12:  # clusters by community: stronger pull inside one, weaker across
        group = communities(g, seed)
        label = np.array([group[v] for v in order])
        same = label[:, None] == label[None, :]
        adjacency = adjacency * np.where(same, _COMMUNITY_PULL, 1.0 / _COMMUNITY_PULL).astype(np.float32)
    # Fewer iterations for big components keeps 2,000 nodes within a few seconds.
    iterations = 200 if n <= 200 else max(40, int(200 * 200 / n))
    xy = fruchterman_reingold(adjacency, iterations=iterations, seed=seed)
    if n > 12:
        xy = _stretch(xy, _ASPECT)
    return _unit_spacing(xy)


def _stretch(xy: np.ndarray, aspect: float) -> np.ndarray:
    """Turn the layout to lie along its longest axis, then scale it to ``aspect``, area kept."""
    centred = xy - xy.mean(axis=0)
    _, vectors = np.linalg.eigh(np.cov(centred.T))
    rotated = centred @ vectors[:, ::-1]  # principal axis first, along x
    width, height = np.ptp(rotated, axis=0) + 1e-9
    factor = np.sqrt(aspect / (width / height))
    return rotated * np.array([factor, 1.0 / factor])


def _unit_spacing(xy: np.ndarray) -> np.ndarray:
    """Centre and scale so that the median distance from a node to its nearest neighbour is 1:
    node spacing, not edge length, decides whether a picture is crowded."""
    centred = xy - xy.mean(axis=0)
    sample = centred if len(centred) <= 4000 else centred[:: len(centred) // 4000 + 1]
    d = np.sqrt(((sample[:, None, :] - centred[None, :, :]) ** 2).sum(axis=-1))
    d[d == 0] = np.inf
    nearest = float(np.median(d.min(axis=1)))
    return centred / (nearest if np.isfinite(nearest) and nearest > 0 else 1.0)


def fruchterman_reingold(adjacency: np.ndarray, *, iterations: int = 100, seed: int = 7
                         ) -> np.ndarray:
    """Dense Fruchterman-Reingold layout of a symmetric 0/1 adjacency matrix; returns n x 2."""
    n = adjacency.shape[0]
    rng = np.random.default_rng(seed)
    # Start from a circle with jitter: stable, and keeps tree-like parts from folding over.
    angles = np.linspace(0, 2 * math.pi, n, endpoint=False)
    xy = np.column_stack([np.cos(angles), np.sin(angles)]).astype(np.float32)
    xy += rng.normal(scale=0.05, size=xy.shape).astype(np.float32)
    k = np.float32(1.0 / math.sqrt(n))
    t = 0.1
    dt = t / (iterations + 1)
    for _ in range(iterations):
        dx = xy[:, 0:1] - xy[:, 0]
        dy = xy[:, 1:2] - xy[:, 1]
        distance = np.sqrt(dx * dx + dy * dy)
        np.clip(distance, 0.01, None, out=distance)
        # Repulsion k^2/d between all pairs, attraction d^2/k along edges (both over d, as
        # they multiply the unnormalised delta).
        strength = k * k / (distance * distance) - adjacency * (distance / k)
        displacement = np.column_stack([(dx * strength).sum(axis=1),
                                        (dy * strength).sum(axis=1)])
        length = np.linalg.norm(displacement, axis=-1)
        np.clip(length, 0.01, None, out=length)
        xy += displacement * (t / length)[:, None]
        t -= dt
    return xy


def _pack(boxes: list[tuple[list[str], np.ndarray]], aspect: float = 1.6) -> Positions:
    """Place component layouts side by side in rows (largest first), choosing the row width
    that makes the whole picture closest to ``aspect`` (width / height)."""
    if not boxes:
        return {}
    sizes = []
    for _, xy in boxes:
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        sizes.append(((float(hi[0] - lo[0]) + 1.2, float(hi[1] - lo[1]) + 1.2), lo))
    widest = max(w for (w, _), _ in sizes)
    candidates = sorted({widest, *np.cumsum([w for (w, _), _ in sizes]).tolist()})
    best = min(candidates, key=lambda width: _aspect_misfit(_rows(sizes, width), aspect))
    pos: Positions = {}
    for (nodes, xy), (_, lo), (x, y) in zip(boxes, sizes, _rows(sizes, best)[0]):
        shifted = xy - lo + np.array([x, y])
        for node, (px, py) in zip(nodes, shifted):
            pos[node] = (round(float(px), 4), round(float(py), 4))
    return pos


def _rows(sizes, row_width: float):
    """Offsets of each box when filled into rows of ``row_width``, and the overall size."""
    offsets = []
    x = y = row_height = used_width = 0.0
    for (w, h), _ in sizes:
        if x > 0 and x + w > row_width + 1e-9:
            x, y, row_height = 0.0, y + row_height, 0.0
        offsets.append((x, y))
        x += w
        used_width = max(used_width, x)
        row_height = max(row_height, h)
    return offsets, (used_width, y + row_height)


def _aspect_misfit(packing, aspect: float) -> float:
    _, (width, height) = packing
    return abs(math.log((width / height) / aspect))

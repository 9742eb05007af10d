"""Graph paths through the data: they follow the manifold, do not jump gaps (and each guard
is needed for that), fail loudly when the data are not connected; the graph is exact and saves."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.sparse.csgraph import dijkstra

from manifoldviz.data.known_manifolds import line_images
from manifoldviz.errors import InvalidInputError, PathError
from manifoldviz.interpolation.isomap import NeighbourGraph, graph_path, neighbour_graph

SPACING = 0.02


def test_path_on_the_lines_manifold_walks_the_circle_of_angles() -> None:
    angles = np.linspace(0, 2 * np.pi, 720, endpoint=False)  # every half degree
    images = line_images(angles).reshape(720, -1)
    graph = neighbour_graph(images, k=10)
    for start_deg, end_deg in ((10.25, 100.25), (350.25, 20.25)):  # the second wraps round 0°
        ends = line_images(np.radians([start_deg, end_deg])).reshape(2, -1)
        chain = graph_path(graph, images, ends[0], ends[1])
        # Chain points are training images, on the manifold; they must walk its circle in order.
        walked = np.degrees(np.unwrap(angles[chain]))
        steps = np.diff(walked)
        assert np.all(np.abs(steps - 0.5) < 1e-6), "consecutive chain points are neighbours"
        assert abs((walked[0] - start_deg + 180) % 360 - 180) < 1
        assert abs((walked[-1] - end_deg + 180) % 360 - 180) < 1


def _horseshoe(gap: float, strays: int = 0, length: float = 4.0, seed: int = 0) -> np.ndarray:
    """Two arms ``gap`` apart, joined by a half circle at x = 0, sampled every ``SPACING``;
    ``strays`` points sit in the gap near the open end."""
    generator = np.random.default_rng(seed)
    xs = np.arange(0, length, SPACING)
    radius = gap / 2
    turn = np.arange(np.pi / 2, 3 * np.pi / 2, SPACING / radius)
    points = np.concatenate(
        [
            np.stack([xs, np.zeros_like(xs)], axis=1),
            np.stack([xs, np.full_like(xs, gap)], axis=1),
            np.stack([radius * np.cos(turn), radius + radius * np.sin(turn)], axis=1),
        ]
    )
    points += generator.normal(0, SPACING / 10, points.shape)
    stray = np.stack([length - 0.3 - 0.1 * np.arange(strays), np.full(strays, gap / 2)], axis=1)
    return np.concatenate([points, stray]).astype(np.float32)


def _goes_round(points: np.ndarray, chain: np.ndarray) -> bool:
    return bool(len(chain)) and bool(points[chain, 0].min() < 0)


def _textbook_isomap(points: np.ndarray, start, end, k: int) -> np.ndarray:
    """Tenenbaum et al.'s graph: k neighbours, Euclidean edge lengths, no cutoff."""
    everything = np.concatenate([points, [start, end]]).astype(np.float32)
    adjacency = neighbour_graph(everything, k=k, cutoff_factor=None).adjacency()
    adjacency.data = np.sqrt(adjacency.data)
    _, previous = dijkstra(adjacency, indices=len(points), return_predecessors=True)
    chain, node = [], previous[len(points) + 1]
    while node != len(points):
        chain.append(node)
        node = previous[node]
    return np.array(chain[::-1], np.intp)


def test_guarded_path_goes_round_a_gap_that_textbook_isomap_jumps() -> None:
    points = _horseshoe(gap=0.5)
    start, end = np.float32([4.0, 0.0]), np.float32([4.0, 0.5])
    assert _goes_round(points, graph_path(neighbour_graph(points), points, start, end))
    # With a large k, edges reach across the gap: Euclidean lengths take one...
    assert not _goes_round(points, _textbook_isomap(points, start, end, k=70))
    # ...squared lengths do not (one jump of 0.5 costs more than the 350 small steps round).
    wide = neighbour_graph(points, k=70)
    assert _goes_round(points, graph_path(wide, points, start, end))


def test_small_k_keeps_edges_off_a_narrower_gap() -> None:
    points = _horseshoe(gap=0.3)
    start, end = np.float32([4.0, 0.0]), np.float32([4.0, 0.3])
    assert _goes_round(points, graph_path(neighbour_graph(points, k=10), points, start, end))
    chain = graph_path(neighbour_graph(points, k=20), points, start, end)
    assert not _goes_round(points, chain)


def test_cutoff_stops_a_stray_point_bridging_the_gap() -> None:
    points = _horseshoe(gap=0.5, strays=1)
    start, end = np.float32([4.0, 0.0]), np.float32([4.0, 0.5])
    guarded = neighbour_graph(points)
    assert np.isfinite(guarded.cutoff) and (guarded.indices[-1] == -1).all()
    assert _goes_round(points, graph_path(guarded, points, start, end))
    bridged = graph_path(neighbour_graph(points, cutoff_factor=None), points, start, end)
    assert not _goes_round(points, bridged) and len(points) - 1 in bridged


def test_unconnected_endpoints_raise_one_line() -> None:
    generator = np.random.default_rng(0)
    points = np.concatenate(
        [generator.normal(0, 1, (200, 5)), generator.normal(30, 1, (200, 5))]
    ).astype(np.float32)
    graph = neighbour_graph(points, k=5)
    with pytest.raises(PathError, match="does not connect start to end") as raised:
        graph_path(graph, points, points[0] + 0.01, points[300] + 0.01)
    assert "\n" not in str(raised.value) and "k=5" in str(raised.value)
    with pytest.raises(PathError, match="beyond the graph's cutoff"):
        graph_path(graph, points, np.full(5, 15, np.float32), points[1])
    chain = graph_path(graph, points, points[0] + 0.01, points[1] + 0.01)
    assert len(chain) >= 1 and chain.max() < 200  # never empty, within its own cluster


def test_graph_round_trips_through_npz(tmp_path: Path, seed: int) -> None:
    points = np.random.default_rng(seed).random((150, 8), dtype=np.float32)
    graph = neighbour_graph(points, k=6, cutoff_factor=1.0)
    assert (graph.indices == -1).any()  # some edges dropped, stored as -1 / inf
    np.savez(tmp_path / "graph.npz", **graph.to_arrays())
    with np.load(tmp_path / "graph.npz", allow_pickle=False) as arrays:
        loaded = NeighbourGraph.from_arrays(arrays)
    np.testing.assert_array_equal(loaded.indices, graph.indices)
    np.testing.assert_array_equal(loaded.distances, graph.distances)
    assert (loaded.k, loaded.cutoff) == (graph.k, graph.cutoff)
    assert loaded.indices.dtype == np.int32 and loaded.distances.dtype == np.float32
    with pytest.raises(InvalidInputError, match="needs arrays"):
        NeighbourGraph.from_arrays({"indices": graph.indices})


@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
def test_neighbours_are_exact(dtype, seed: int) -> None:
    from sklearn.neighbors import NearestNeighbors

    generator = np.random.default_rng(seed)
    if dtype == np.uint8:
        points = generator.integers(0, 256, (301, 28, 28)).astype(np.uint8)
        values = points.reshape(301, -1) / 255.0
    else:
        points = generator.normal(size=(301, 20)).astype(np.float32)
        values = points.astype(np.float64)
    lines: list[str] = []
    graph = neighbour_graph(points, k=7, batch=64, cutoff_factor=None, progress=lines.append)
    distances, indices = NearestNeighbors(n_neighbors=8, algorithm="brute").fit(values).kneighbors()
    np.testing.assert_array_equal(graph.indices, indices[:, :7])
    np.testing.assert_allclose(graph.distances, distances[:, :7], rtol=1e-5)
    assert len(lines) == 5 and lines[-1] == "neighbour graph: 301 of 301 points"


def test_identical_points_do_not_cut_the_graph_into_islands() -> None:
    # Each point of a circle three times over k: copies alone would fill every neighbour list.
    angles = np.linspace(0, 2 * np.pi, 60, endpoint=False)
    circle = np.stack([np.cos(angles), np.sin(angles)], axis=1).astype(np.float32)
    points = np.repeat(circle, 3 * 10, axis=0)
    graph = neighbour_graph(points, k=10)
    chain = graph_path(graph, points, circle[0] * 1.01, circle[30] * 1.01)
    reached = {
        int(np.argmin(np.abs(angles - np.arctan2(*points[i][::-1]) % (2 * np.pi)))) for i in chain
    }
    assert len(reached) >= 25  # it walks round half the circle, one step at a time
    copy = 5  # a copy of point 0: tied to its original at distance 0
    assert graph.indices[copy, 0] == 0 and graph.distances[copy, 0] == 0


def test_the_lines_manifold_graph_is_connected() -> None:
    from scipy.sparse.csgraph import connected_components

    from manifoldviz.data.known_manifolds import line_images

    angles = np.random.default_rng(0).uniform(0, 2 * np.pi, 3000)
    images = line_images(angles).reshape(len(angles), -1)
    assert len(np.unique(images, axis=0)) < len(images)  # rasterised copies exist
    n_parts, _ = connected_components(neighbour_graph(images, k=10).adjacency(), directed=False)
    assert n_parts == 1

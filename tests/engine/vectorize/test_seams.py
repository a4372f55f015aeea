"""The seam test: vectorising by blocks gives the whole-raster result.

Tolerance: every centerline of one result has a twin in the other within 1e-6 m (the
Hausdorff distance; up to its direction) with the same length_m (within 1e-6 m) and the same
end degrees, and the road polygons cover the same area (symmetric difference below 1e-6 m2).
So no road is duplicated or cut at a seam, the graph is connected across seams exactly as
the whole one, and lengths and degrees are those of the whole raster. The probability
rasters are generated road networks with noise, as a network's prediction looks.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import shapely
from osgeo import ogr

from engine.synth import SceneConfig, generate_scene
from engine.synth.noise import smooth_noise
from engine.vectorize import VectorizeConfig, vectorize_raster

ogr.UseExceptions()

# The whole raster in one block (larger than any raster here).
WHOLE = 4096
TOLERANCE_M = 1e-6


def noisy_probability(size_px: int, seed: int, *, style: str = "suburban") -> tuple:
    """A Byte probability (0-254, 255 nodata) of a generated scene's roads with noise."""
    rng = np.random.default_rng(seed)
    scene = generate_scene(SceneConfig(size_px=size_px, style=style, nodata_border_px=24),
                           rng=rng)
    noise = smooth_noise(scene.road_mask.shape, 6.0, rng=rng)
    prob = np.clip(scene.road_mask * 0.7 + 0.1 + 0.2 * noise, 0, 1)
    byte = np.round(prob * 254).astype(np.uint8)
    byte[~scene.valid_mask] = 255
    return byte, scene.geotransform


def read_result(path: str) -> tuple[list[tuple], list]:
    ds = ogr.Open(path)
    lines = [(shapely.from_wkb(bytes(f.GetGeometryRef().ExportToWkb())), f["length_m"],
              f["start_degree"], f["end_degree"]) for f in ds.GetLayerByName("centerlines")]
    polygons = [shapely.from_wkb(bytes(f.GetGeometryRef().ExportToWkb()))
                for f in ds.GetLayerByName("roads")]
    ds = None
    return lines, polygons


def vectorized(path: str, folder, block_px: int) -> tuple[list[tuple], list]:
    out = folder / f"roads_{block_px}.gpkg"
    if not out.exists():  # each result is made once per test module
        vectorize_raster(path, str(out), VectorizeConfig(block_px=block_px))
    return read_result(str(out))


def twin(line: tuple, others: list[tuple]) -> tuple | None:
    """The line of ``others`` equal to ``line`` within the tolerance (either direction)."""
    geometry, length, start, end = line
    for other in others:
        if other[0].hausdorff_distance(geometry) <= TOLERANCE_M:
            same_way = np.allclose(other[0].coords[0], geometry.coords[0], atol=TOLERANCE_M)
            degrees = (other[2], other[3]) if same_way else (other[3], other[2])
            if abs(other[1] - length) <= TOLERANCE_M and degrees == (start, end):
                return other
    return None


def components(lines: list[tuple]) -> int:
    graph = nx.Graph()
    for geometry, *_ in lines:
        ends = np.round(np.asarray(geometry.coords)[[0, -1]], 6)
        graph.add_edge(tuple(ends[0]), tuple(ends[1]))
    return nx.number_connected_components(graph)


@pytest.fixture(scope="module")
def suburban(tmp_path_factory):
    from engine.io.raster import write_raster

    folder = tmp_path_factory.mktemp("seams")
    byte, gt = noisy_probability(512, seed=5)
    path = str(folder / "prob.tif")
    write_raster(path, byte, geotransform=gt, crs_wkt="EPSG:32631", nodata=255)
    return path, folder


class TestSeams:
    # 64 px blocks: 64 blocks, seams every 32 m, corners crossed by diagonal roads.
    @pytest.mark.parametrize("block_px", [64, 100])  # aligned with 32 m, and not
    def test_blocks_give_the_whole_raster_centerlines(self, suburban, block_px):
        path, folder = suburban
        whole, _ = vectorized(path, folder, WHOLE)
        blocks, _ = vectorized(path, folder, block_px)
        assert len(whole) > 20  # a real network: many edges, junctions and ends
        assert len(blocks) == len(whole)
        assert all(twin(line, whole) is not None for line in blocks)
        assert all(twin(line, blocks) is not None for line in whole)

    def test_blocks_neither_duplicate_nor_cut_roads(self, suburban):
        path, folder = suburban
        whole, _ = vectorized(path, folder, WHOLE)
        blocks, _ = vectorized(path, folder, 64)
        union = shapely.union_all([line[0] for line in blocks])
        # Overlapping (duplicated) pieces would make the sum longer than the union.
        assert sum(line[0].length for line in blocks) == pytest.approx(union.length, rel=1e-9)
        assert components(blocks) == components(whole)
        degrees = sorted(d for line in blocks for d in line[2:])
        assert degrees == sorted(d for line in whole for d in line[2:])

    def test_blocks_give_the_whole_raster_polygons(self, suburban):
        path, folder = suburban
        _, whole = vectorized(path, folder, WHOLE)
        _, blocks = vectorized(path, folder, 64)
        assert len(blocks) == len(whole)
        difference = shapely.union_all(whole).symmetric_difference(shapely.union_all(blocks))
        assert difference.area < TOLERANCE_M

    def test_a_ring_across_blocks_is_one_closed_edge(self, write_prob, tmp_path):
        yy, xx = np.mgrid[:160, :160]
        radius = np.hypot(yy - 80, xx - 80)
        path = write_prob(((radius > 40) & (radius < 52)).astype(np.uint8) * 254)
        lines, _ = vectorized(path, tmp_path, 48)  # the ring crosses 8 blocks
        assert len(lines) == 1
        geometry, length, start, end = lines[0]
        assert geometry.is_closed and (start, end) == (2, 2)
        assert length == pytest.approx(2 * np.pi * 46, rel=0.05)

    def test_a_road_through_a_block_corner_is_one_edge(self, write_prob, tmp_path):
        # A diagonal road through the corner where 4 blocks of 50 px meet.
        yy, xx = np.mgrid[:100, :100]
        path = write_prob((np.abs(yy - xx) < 6).astype(np.uint8) * 254)
        whole, _ = vectorized(path, tmp_path, WHOLE)
        blocks, _ = vectorized(path, tmp_path, 50)
        assert len(blocks) == len(whole) == 1
        assert twin(blocks[0], whole) is not None
        assert (blocks[0][2], blocks[0][3]) == (1, 1)

    def test_empty_blocks_are_not_read(self, write_prob, tmp_path, monkeypatch):
        from engine.io.probability import ProbabilityReader

        prob = np.full((256, 256), 255, np.uint8)  # nodata, except one road in a corner
        prob[:40, :130] = 0
        prob[10:22, 10:120] = 254
        # A sparse GeoTIFF (as predict writes): the all-nodata tiles are never written.
        path = write_prob(prob, nodata=255, options=("TILED=YES", "BLOCKXSIZE=32",
                                                     "BLOCKYSIZE=32", "SPARSE_OK=TRUE"))
        reads = []
        original = ProbabilityReader.read
        monkeypatch.setattr(ProbabilityReader, "read",
                            lambda self, window: reads.append(window) or original(self, window))
        result = vectorize_raster(path, str(tmp_path / "roads.gpkg"),
                                  VectorizeConfig(block_px=64, halo_m=8))
        assert result.blocks == 16 and result.blocks_empty >= 16 - len(reads)
        assert len(reads) <= 6  # the blocks whose read window touches the corner's tiles
        assert result.centerline_count == 1

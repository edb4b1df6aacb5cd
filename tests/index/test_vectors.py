"""The FAISS index choice of index/search/vectors.py: exact below the threshold, HNSW above it with the
measured parameters, which survive a save/load round trip (efSearch is not stored by FAISS)."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np
import pytest

from index.search import vectors
from index.search.vectors import VectorIndex


def clustered(n: int, dim: int = 64, seed: int = 0) -> np.ndarray:
    """Unit vectors in tight clusters around a common direction, like e5's (cosines ~0.75–0.95)."""
    rng = np.random.default_rng(seed)
    common = rng.standard_normal(dim)
    centres = common + 0.6 * rng.standard_normal((50, dim))
    x = centres[rng.integers(0, 50, n)] + 0.35 * rng.standard_normal((n, dim))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float32)


def test_small_corpora_are_searched_exactly() -> None:
    index = VectorIndex.build(clustered(500))
    assert isinstance(index.index, faiss.IndexFlatIP)


def test_above_the_threshold_hnsw_keeps_recall(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(vectors, "HNSW_THRESHOLD", 1000)
    xb = clustered(4000)
    built = VectorIndex.build(xb)
    assert isinstance(built.index, faiss.IndexHNSWFlat)
    assert built.index.hnsw.efConstruction == vectors.HNSW_EF_CONSTRUCTION
    built.save(tmp_path)
    loaded = VectorIndex.load(tmp_path)
    assert isinstance(loaded.index, faiss.IndexHNSWFlat)
    assert loaded.index.hnsw.efSearch == vectors.HNSW_EF_SEARCH >= 4 * 64
    queries = clustered(100, seed=1)
    exact = xb @ queries.T
    recall = []
    for i, q in enumerate(queries):
        _, ids = loaded.search(q, 10)
        truth = set(np.argsort(-exact[:, i])[:10])
        recall.append(len(truth & set(ids.tolist())) / 10)
    assert np.mean(recall) >= 0.95
    scores = loaded.score_subset(queries[0], np.arange(5))
    assert np.allclose(scores, exact[:5, 0], atol=1e-5)


@pytest.mark.parametrize("threshold", [10_000, 1000])
def test_loaded_index_scores_from_its_own_vectors(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, threshold: int
) -> None:
    """Flat and HNSW indexes hold the float32 vectors: exact scores come from them (one copy in
    memory), equal to the originals even when vectors.npy is stored as float16."""
    monkeypatch.setattr(vectors, "HNSW_THRESHOLD", threshold)
    xb = clustered(2000)
    VectorIndex.build(xb).save(tmp_path, dtype="float16")
    loaded = VectorIndex.load(tmp_path)
    assert not isinstance(loaded.vectors, np.memmap)
    assert np.array_equal(np.asarray(loaded.vectors), xb)
    assert not loaded.vectors.flags.writeable
    q = clustered(1, seed=5)[0]
    ids = np.array([3, 1999, 0])
    assert np.allclose(loaded.score_subset(q, ids), xb[ids] @ q, atol=1e-6)
    view = loaded.vectors
    del loaded  # the view keeps the FAISS index (its memory) alive
    assert np.array_equal(np.asarray(view[:5]), xb[:5])


def test_index_types_without_raw_vectors_fall_back_to_the_file(tmp_path: Path) -> None:
    xb = clustered(1000)
    index = faiss.IndexHNSWSQ(xb.shape[1], faiss.ScalarQuantizer.QT_8bit, 16, faiss.METRIC_INNER_PRODUCT)
    index.train(xb)
    index.add(xb)
    VectorIndex(index, xb).save(tmp_path)
    loaded = VectorIndex.load(tmp_path)
    assert isinstance(loaded.vectors, np.memmap) and np.array_equal(np.asarray(loaded.vectors), xb)


@pytest.mark.parametrize("exact_max", [10_000, 500])  # scored row by row / searched in the graph
def test_top_within_a_subset(monkeypatch: pytest.MonkeyPatch, exact_max: int) -> None:
    """A question's period: the nearest passages among a subset only, ~all of the exact ones."""
    monkeypatch.setattr(vectors, "HNSW_THRESHOLD", 1000)
    monkeypatch.setattr(vectors, "SUBSET_EXACT_MAX", exact_max)
    xb = clustered(4000)
    index = VectorIndex.build(xb)
    rng = np.random.default_rng(1)
    ids = np.sort(rng.choice(len(xb), 1500, replace=False))
    query = xb[7] + 0.1 * rng.standard_normal(xb.shape[1]).astype(np.float32)
    query /= np.linalg.norm(query)
    exact = set(ids[np.argsort(-(xb[ids] @ query))[:50]].tolist())
    found = index.top_within(query, ids, 50)
    assert set(found.tolist()) <= set(ids.tolist())
    assert len(exact & set(found.tolist())) >= 45
    assert list(index.top_within(query, ids[:30], 50)) == list(ids[:30])  # fewer than k: all of them

"""Dense side of retrieval: the FAISS index over passage vectors.

Exact inner-product search (``IndexFlatIP``) below ``HNSW_THRESHOLD`` passages; above it an
HNSW graph. Filtered searches score any subset of passages exactly (``score_subset``): from the
float32 vectors the FAISS index itself holds (a zero-copy view), so a serving process keeps one
copy of them, not two; ``vectors.npy`` (float32 or float16) is the fallback for index types that
hold no raw vectors, and what builds reuse.

The HNSW parameters are measured in ``bench/bench_scale.py`` (docs/performance.md): at 100k
synthetic passages with real e5 query vectors, M=32 with efConstruction=200 and efSearch=256
reaches recall@10 0.98 and recall@64 0.96 against exact search at ~1.3 ms a query, where the
former efConstruction=80/efSearch=128 reached only 0.94/0.89. Exact search at that size costs
~19 ms a query (memory-bound: the whole matrix is read), ~4 ms at the 20k threshold.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

HNSW_THRESHOLD = 20_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 256  # ≥ 4 × the 64 dense candidates the engine asks for
#: a subset larger than this is searched in the HNSW graph (restricted to it), not scored row by
#: row: gathering 28k rows of 100k costs ~18 ms, a restricted search ~2 ms (bench_scale, notes)
SUBSET_EXACT_MAX = 8192


def build_faiss(vectors: np.ndarray) -> faiss.Index:
    vecs = np.ascontiguousarray(vectors, dtype=np.float32)
    dim = vecs.shape[1] if vecs.ndim == 2 and vecs.shape[0] else 384
    index: faiss.Index
    if len(vecs) >= HNSW_THRESHOLD:
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vecs):
        index.add(vecs)
    return index


class _Held(np.ndarray):
    """A view of memory owned by a FAISS index; keeps the index alive as long as the view."""

    owner: faiss.Index | None = None


def stored_vectors(index: faiss.Index) -> np.ndarray | None:
    """The float32 vectors an ``IndexFlat*`` or ``IndexHNSWFlat`` holds, as a read-only numpy view
    without copying (row i = id i), or None for index types that keep no raw vectors."""
    flat = faiss.downcast_index(index.storage) if isinstance(index, faiss.IndexHNSWFlat) else index
    if not isinstance(flat, faiss.IndexFlat) or flat.ntotal == 0:
        return None
    raw = faiss.rev_swig_ptr(flat.get_xb(), flat.ntotal * flat.d).reshape(flat.ntotal, flat.d)
    view = raw.view(_Held)
    view.owner = index
    view.flags.writeable = False
    return view


class VectorIndex:
    def __init__(self, index: faiss.Index, vectors: np.ndarray) -> None:
        self.index = index
        self.vectors = vectors
        if isinstance(index, faiss.IndexHNSWFlat):
            index.hnsw.efSearch = HNSW_EF_SEARCH

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    @classmethod
    def build(cls, vectors: np.ndarray) -> VectorIndex:
        return cls(build_faiss(vectors), vectors)

    def save(
        self, directory: Path, *, dtype: str = "float32", vectors: str = "vectors.npy", index: str = "faiss.index"
    ) -> None:
        """The vectors (as ``dtype``) and the FAISS index, under the file names the version layout
        (:mod:`index.store.version`) gives."""
        np.save(directory / vectors, self.vectors.astype(dtype))
        faiss.write_index(self.index, str(directory / index))

    @classmethod
    def load(cls, directory: Path, *, vectors: str = "vectors.npy", index: str = "faiss.index") -> VectorIndex:
        """The FAISS index, and for exact scoring its own vectors when it holds them (else
        the stored vectors, memory-mapped)."""
        faiss_index = faiss.read_index(str(directory / index))
        mapped = np.load(directory / vectors, mmap_mode="r")
        held = stored_vectors(faiss_index)
        return cls(faiss_index, held if held is not None and held.shape == mapped.shape else mapped)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (scores, ids) for one L2-normalised query vector."""
        k = min(k, self.size)
        if k <= 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        scores, ids = self.index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]

    def top_within(self, query: np.ndarray, ids: np.ndarray, k: int) -> np.ndarray:
        """The ``k`` passages of ``ids`` nearest to ``query`` (a question's period, when it
        has many). Exact up to ``SUBSET_EXACT_MAX`` ids or without a graph; beyond, an HNSW
        search restricted to ``ids`` by a bitmap, with a wider beam (2k): at 100k passages it
        finds ~95 % of the exact top 256 of a year's 28k passages, the closest first."""
        if len(ids) <= k:
            return ids
        if not isinstance(self.index, faiss.IndexHNSWFlat) or len(ids) <= SUBSET_EXACT_MAX:
            scores = self.score_subset(query, ids)
            return ids[np.argpartition(-scores, k - 1)[:k]]
        mask = np.zeros(self.size, dtype=bool)
        mask[ids] = True
        bits = np.packbits(mask, bitorder="little")  # faiss reads bit i of byte i >> 3
        params = faiss.SearchParametersHNSW(  # type: ignore[attr-defined]  # not in faiss's stubs
            sel=faiss.IDSelectorBitmap(self.size, faiss.swig_ptr(bits)), efSearch=max(HNSW_EF_SEARCH, 2 * k)
        )
        _, found = self.index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k, params=params)
        return np.asarray(found[0][found[0] >= 0], dtype=np.int64)

    def score_subset(self, query: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Exact cosine scores of the given passages."""
        if len(ids) == 0:
            return np.zeros(0, np.float32)
        sub = np.asarray(self.vectors[ids], dtype=np.float32)
        return sub @ query.astype(np.float32)

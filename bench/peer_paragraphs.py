"""The plain peers quotebot must beat: whole-paragraph retrieval with nothing else.

No dates, no speakers, no abstention: every question is answered with the 5 best paragraphs of
the corpus in a data directory (a paragraph = a non-empty line of a source, as the question sets
count them). Two methods:

* ``dense`` — multilingual-e5-small through the project's encoder (``passage: `` + paragraph,
  ``query: `` + question, cosine);
* ``bm25`` — BM25 (bm25s, its default tokenizer: lower-cased words, no stemming, no stop words).

It speaks ``quotebot ask --jsonl``'s contract, so ``../shared/eval/score.py`` scores it::

    python ../shared/eval/score.py QUESTIONS.yaml -- python -m bench.peer_paragraphs --method dense --data-dir DIR
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

TOP_K = 5
Ranker = Callable[[str], list[tuple[int, float]]]  # question -> (row, score), best first


def paragraphs(data_dir: Path) -> list[tuple[str, int, str]]:
    """``(source_id, number, text)`` of every non-empty line of every registered source."""
    from index.corpus.sources import load_sources

    rows = []
    for source in load_sources(data_dir):
        lines = [line.strip() for line in source.text.split("\n") if line.strip()]
        rows += [(source.id, i, line) for i, line in enumerate(lines, start=1)]
    return rows


def dense_ranker(texts: list[str], data_dir: Path) -> Ranker:
    from index import Settings
    from index.embedding.model import load_embedder

    settings = Settings.from_env(data_dir=data_dir)
    encoder = load_embedder(settings.model, settings.cache_dir)
    matrix = encoder.encode_passages(texts)

    def rank(question: str) -> list[tuple[int, float]]:
        scores = matrix @ encoder.encode_queries([question])[0]
        best = np.argsort(-scores)[:TOP_K]
        return [(int(i), float(scores[i])) for i in best]

    return rank


def bm25_ranker(texts: list[str], data_dir: Path) -> Ranker:
    import bm25s

    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(texts, stopwords=None, show_progress=False), show_progress=False)

    def rank(question: str) -> list[tuple[int, float]]:
        tokens = bm25s.tokenize([question], stopwords=None, show_progress=False)
        if not tokens.vocab:  # no word at all
            return []
        docs, scores = retriever.retrieve(tokens, k=min(TOP_K, len(texts)), show_progress=False)
        return [(int(d), float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]

    return rank


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--method", choices=("dense", "bm25"), required=True)
    parser.add_argument("--data-dir", type=Path, required=True, help="a quotebot data directory (sources.yaml)")
    args = parser.parse_args(argv)
    rows = paragraphs(args.data_dir)
    texts = [text for _, _, text in rows]
    rank = (dense_ranker if args.method == "dense" else bm25_ranker)(texts, args.data_dir)
    for line in sys.stdin:
        question = line.rstrip("\n")
        results = [
            {
                "text": texts[i],
                "date": None,
                "speaker": None,
                "source": rows[i][0],
                "location": f"paragraph {rows[i][1]}",
                "score": round(score, 4),
            }
            for i, score in (rank(question) if question.strip() else [])
        ]
        print(
            json.dumps({"query": question, "answered": bool(results), "results": results}, ensure_ascii=False),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

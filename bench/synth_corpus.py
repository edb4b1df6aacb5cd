"""A synthetic corpus of about N passages, made from the seed's own sentences, for scale tests.

Articles are written whose paragraphs follow the seed's structure: dated headers such as
``5 августа 2025 года в интервью Ильхам Алиев заявил: «…»`` (a random day of 2023–2025, one of
the known speakers, an occasion phrase from index/corpus/lexicon.yaml and a reporting verb) whose
quote is 1–4 shuffled seed sentences, sometimes running on over the next paragraphs
(re-opened ``«``); reported speech (``Трамп также отметил, что …``); and the author's
commentary (shuffled seed sentences without a date). Every sentence is a seed sentence with
its quote marks removed, so the vocabulary, the sentence lengths and the token counts are the
seed's. The articles are registered in a data directory (``sources.yaml``, ``speakers.yaml``,
``sources/synth-NNNN.txt``) that ``build_index`` takes as is.

The number of passages per article is measured with the real passage splitter on the first
20 articles, then enough articles are written to reach ``--passages`` with a 2 % margin (the
build reports the exact count). Deterministic for a given ``--seed``.

    .venv/bin/python -m bench.synth_corpus /tmp/synth-data --passages 100000
"""

from __future__ import annotations

import argparse
import math
import random
import re
import time
from datetime import date, timedelta
from pathlib import Path

from bench.results import REPO

MONTHS = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]
SPEAKERS = [
    ("Ильхам Алиев", "Алиев"),
    ("Дональд Трамп", "Трамп"),
    ("Джо Байден", "Байден"),
    ("Президент Азербайджана", "Глава государства"),
    ("Президент США", "Американский президент"),
]
VERBS = ["заявил", "отметил", "подчеркнул", "написал", "сказал", "сообщил", "добавил"]
OCCASIONS = [
    "в письме",
    "в ходе телефонного разговора",
    "в интервью телеканалу",
    "на форуме",
    "в социальной сети",
    "на встрече",
    "в поздравительном послании",
    "на саммите",
    "",
]
QUOTE_MARKS = re.compile(r"[«»“”„\"]")
DAY_MONTH = re.compile(r"\b\d{1,2}\s+(?:" + "|".join(MONTHS) + r")\b", re.IGNORECASE)
FIRST = date(2023, 1, 1)
DAYS = (date(2025, 12, 31) - FIRST).days


def seed_sentences(data_dir: Path = REPO / "data") -> list[str]:
    """Sentences of the seed sources, quote marks removed, dated ones left out (a sentence with a
    day and month could start an event where the generator means commentary)."""
    from razdel import sentenize

    from index.corpus.sources import load_sources

    found: dict[str, None] = {}
    for source in load_sources(data_dir):
        for block in re.split(r"\n\s*\n", source.text):
            for sent in sentenize(block):
                text = re.sub(r"\s+", " ", QUOTE_MARKS.sub("", sent.text)).strip(" -–—")
                if len(text) >= 30 and not DAY_MONTH.search(text) and text[-1] in ".!?":
                    found[text] = None
    return list(found)


class Writer:
    def __init__(self, sentences: list[str], seed: int) -> None:
        self.rng = random.Random(seed)
        self.sentences = sentences

    def some(self, lo: int, hi: int) -> str:
        return " ".join(self.rng.sample(self.sentences, self.rng.randint(lo, hi)))

    def day(self) -> str:
        d = FIRST + timedelta(days=self.rng.randrange(DAYS))
        return f"{d.day} {MONTHS[d.month - 1]} {d.year} года"

    def event(self) -> list[str]:
        rng = self.rng
        full, short = rng.choice(SPEAKERS)
        occasion = rng.choice(OCCASIONS)
        head = f"{self.day()} {occasion + ' ' if occasion else ''}{full} {rng.choice(VERBS)}: «"
        paras = []
        run_on = rng.random() < 0.3
        if run_on:  # a quote over 2–3 paragraphs, each re-opening «
            parts = rng.randint(2, 3)
            for i in range(parts):
                body = self.some(1, 3)
                paras.append((head if i == 0 else "«") + body + ("»" if i == parts - 1 else ""))
        else:
            paras.append(head + self.some(1, 4) + "»")
        if rng.random() < 0.35:
            paras.append(f"{short} также {rng.choice(VERBS)}, что {self.some(1, 2)}")
        return paras

    def commentary(self) -> str:
        return self.some(1, 3)

    def article(self, paragraphs: int) -> str:
        out: list[str] = [self.commentary()]
        while len(out) < paragraphs:
            out += self.event() if self.rng.random() < 0.7 else [self.commentary()]
        return "\n\n".join(out) + "\n"


def write_corpus(
    target: Path, passages: int, *, seed: int = 7, paragraphs_per_article: int = 100, log: bool = True
) -> dict[str, float]:
    """Write the corpus into ``target`` (a new data dir); returns what was written."""
    from index.corpus.passages import build_passages
    from index.corpus.sources import Source, load_speakers
    from index.types import SourceInfo

    t0 = time.perf_counter()
    target.mkdir(parents=True, exist_ok=True)
    (target / "sources").mkdir(exist_ok=True)
    (target / "speakers.yaml").write_bytes((REPO / "data" / "speakers.yaml").read_bytes())
    sentences = seed_sentences()
    writer = Writer(sentences, seed)
    speakers = load_speakers(target)
    sample = [writer.article(paragraphs_per_article) for _ in range(20)]
    per_article = sum(
        len(build_passages(Source(SourceInfo(id=f"s{i}", title="s", language="ru", file="x"), text), speakers)[0])
        for i, text in enumerate(sample)
    ) / len(sample)
    count = max(1, math.ceil(passages * 1.02 / per_article))  # the first articles run ~1.5 % long
    lines = ["# synthetic corpus (bench/synth_corpus.py): shuffled seed sentences under dated headers", "sources:"]
    chars = 0
    for i in range(count):
        text = sample[i] if i < len(sample) else writer.article(paragraphs_per_article)
        sid = f"synth-{i:05d}"
        (target / "sources" / f"{sid}.txt").write_text(text, encoding="utf-8")
        chars += len(text)
        lines += [
            f'  - id: "{sid}"',
            f'    title: "Синтетическая статья {i}"',
            "    language: ru",
            f"    file: sources/{sid}.txt",
            "    added_by: bench",
        ]
    (target / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    info = {
        "articles": count,
        "seed_sentences": len(sentences),
        "passages_per_article": round(per_article, 1),
        "expected_passages": round(count * per_article),
        "chars": chars,
        "seconds": round(time.perf_counter() - t0, 1),
    }
    if log:
        print(
            f"wrote {count} articles ({chars / 1e6:.1f} M characters, ~{info['expected_passages']} passages "
            f"from {len(sentences)} seed sentences) to {target} in {info['seconds']}s",
            flush=True,
        )
    return info


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path, help="a new data directory")
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    write_corpus(args.target, args.passages, seed=args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


# ----------------------------------------------------------------------------- vectors


HEADER = re.compile(r"^\d{1,2} \S+ \d{4} года (.*?): «")
REPORTED = re.compile(r"^(\S+ \S+|\S+) также (\S+), что ")


class SynthEncoder:
    """The ``Encoder`` of ``build_index`` for the synthetic corpus: the first ``real`` texts it is
    given are encoded by the real model (timed: the throughput sample); every text also gets a
    *composed* vector, the normalised mean of the real passage vectors of its parts (each seed
    sentence it contains, its header ``… Ильхам Алиев заявил:`` or ``Алиев также отметил, что``)
    plus isotropic Gaussian noise of norm ``noise`` — used for all texts past the sample.

    Same name and fingerprint as the wrapped model, so the real model answers queries against
    the index. ``fidelity`` compares real and composed vectors on the sample."""

    def __init__(
        self,
        embedder,
        sentences: list[str],
        *,
        real: int = 2000,
        noise: float = 0.15,  # type: ignore[no-untyped-def]
        seed: int = 7,
    ) -> None:
        import numpy as np

        self.embedder = embedder
        self.name, self.dim, self.fingerprint = embedder.name, embedder.dim, embedder.fingerprint
        self.encoder = embedder.encoder  # the wrapped encoder's record: the index is served by it
        self.sentences = sentences
        self.real_left = real
        self.noise = noise
        self.rng = np.random.default_rng(seed)
        t0 = time.perf_counter()
        self.sent_vecs = embedder.encode_passages(sentences)
        heads = sorted({f"{o + ' ' if o else ''}{full} {v}" for o in OCCASIONS for full, _ in SPEAKERS for v in VERBS})
        reps = sorted({f"{short} также {v}" for _, short in SPEAKERS for v in VERBS})
        self.head_vecs = dict(zip(heads, embedder.encode_passages([h + ":" for h in heads]), strict=True))
        self.rep_vecs = dict(zip(reps, embedder.encode_passages([r + ", что" for r in reps]), strict=True))
        self.setup_seconds = time.perf_counter() - t0
        self.real_seconds = 0.0
        self.compose_seconds = 0.0
        self.real_texts = 0
        self.real_tokens = 0
        self.padded_tokens = 0
        self.composed = 0
        self.sample_real: list = []  # (real, composed) vectors of the sample, for fidelity
        self.sample_composed: list = []

    def encode_queries(self, texts: list[str]):  # type: ignore[no-untyped-def]
        return self.embedder.encode_queries(texts)

    def compose(self, texts: list[str]):  # type: ignore[no-untyped-def]
        import numpy as np

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            parts = [self.sent_vecs[j] for j, s in enumerate(self.sentences) if s in text]
            m = HEADER.match(text)
            if m and m.group(1) in self.head_vecs:
                parts.append(self.head_vecs[m.group(1)])
            m = REPORTED.match(text)
            if m and f"{m.group(1)} также {m.group(2)}" in self.rep_vecs:
                parts.append(self.rep_vecs[f"{m.group(1)} также {m.group(2)}"])
            if not parts:  # a fragment the generator did not write: any seed sentence, by hash
                parts.append(self.sent_vecs[hash(text) % len(self.sentences)])
            v = np.mean(parts, axis=0)
            v /= np.linalg.norm(v)
            if self.noise:
                n = self.rng.standard_normal(self.dim).astype(np.float32)
                v = v + n * (self.noise / np.linalg.norm(n))
            out[i] = v / np.linalg.norm(v)
        return out

    def encode_passages(self, texts: list[str], *, batch_size: int = 32, progress: bool = False):  # type: ignore[no-untyped-def]
        import numpy as np

        from index.embedding.model import MAX_BATCH_TOKENS, length_batches

        t0 = time.perf_counter()
        out = self.compose(list(texts))
        self.compose_seconds += time.perf_counter() - t0
        self.composed += len(texts)
        n_real = min(self.real_left, len(texts))
        if n_real:
            sample = list(texts[:n_real])
            lengths = self.embedder.token_lengths(sample, "passage: ")
            self.real_tokens += sum(lengths)
            self.padded_tokens += sum(
                len(b) * max(lengths[i] for i in b) for b in length_batches(lengths, batch_size, MAX_BATCH_TOKENS)
            )
            t0 = time.perf_counter()
            vecs = self.embedder.encode_passages(sample, batch_size=batch_size, progress=progress)
            self.real_seconds += time.perf_counter() - t0
            self.sample_real.append(vecs)
            self.sample_composed.append(out[:n_real].copy())
            out[:n_real] = vecs
            self.real_texts += n_real
            self.real_left -= n_real
        return np.asarray(out, dtype=np.float32)

    def fidelity(self) -> dict[str, float]:
        """How close composed vectors are to the real ones on the sample, and how alike real
        vectors are to each other (so the noise level can be judged)."""
        import numpy as np

        if not self.sample_real:
            return {}
        real = np.concatenate(self.sample_real)
        comp = np.concatenate(self.sample_composed)
        cos = np.sum(real * comp, axis=1)
        k = min(len(real), 500)
        rr = real[:k] @ real[:k].T
        cc = comp[:k] @ comp[:k].T
        off = ~np.eye(k, dtype=bool)
        return {
            "n": len(real),
            "cos_real_vs_composed_mean": round(float(cos.mean()), 3),
            "cos_real_vs_composed_p05": round(float(np.percentile(cos, 5)), 3),
            "pairwise_cos_real_mean": round(float(rr[off].mean()), 3),
            "pairwise_cos_composed_mean": round(float(cc[off].mean()), 3),
            "pairwise_cos_real_p99": round(float(np.percentile(rr[off], 99)), 3),
            "pairwise_cos_composed_p99": round(float(np.percentile(cc[off], 99)), 3),
        }

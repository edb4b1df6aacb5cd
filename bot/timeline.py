"""``/timeline`` as a picture: the corpus's dated events on a time axis, one row per speaker, one
marker per occasion type, short date labels and a legend — readable on a phone.

Drawn with matplotlib's object API on the Agg backend (no display, no global ``pyplot`` state, so
it is safe in a worker thread). A picture depends only on the index version, the language and the
filter, so it is rendered once per (version, language, filter) and kept in a small LRU cache.

Filters: a year (``/timeline 2025``), a speaker in any interface language (``/timeline Trump``,
``/timeline Трамп``, ``/timeline Tramp``), an occasion (``/timeline letter``), or other words
looked up in the events' header sentences; several words must all match.
"""

from __future__ import annotations

import asyncio
import io
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from index import Event

from .dates import date_in_words
from .gateway import EngineGateway
from .strings import LANGS, t
from .types import Names

WIDTH_PX = 1600
DPI = 100
FONT_PT = 15  # 15 pt at 100 dpi ≈ 21 px
CACHE_SIZE = 32
LABEL_LEVELS = (0.3, -0.34, 0.55, -0.58)  # date labels above / below a row, nearest first
LABEL_DAYS = 24  # two labels closer than this on one level would overlap
MAX_FILTER_CHARS = 100
_YEAR = re.compile(r"^(19|20)\d\d$")

# occasion → (marker, colour); colour-blind-safe Okabe–Ito palette
STYLE: dict[str, tuple[str, str]] = {
    "letter": ("o", "#0072B2"),
    "phone_call": ("s", "#D55E00"),
    "interview": ("D", "#009E73"),
    "forum_speech": ("^", "#CC79A7"),
    "social_post": ("P", "#E69F00"),
    "meeting": ("*", "#56B4E9"),
    "statement": ("v", "#000000"),
}
FALLBACK_STYLE = ("X", "#999999")


@dataclass(frozen=True, slots=True)
class TimelineFilter:
    text: str  # as the user typed it (normalised spaces), "" for none
    years: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    occasions: tuple[str, ...] = ()
    words: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return "|".join((",".join(self.years), ",".join(self.speakers), ",".join(self.occasions), ",".join(self.words)))

    def matches(self, event: Event) -> bool:
        if self.years and (event.date or "")[:4] not in self.years:
            return False
        if self.speakers and event.speaker not in self.speakers:
            return False
        if self.occasions and event.occasion not in self.occasions:
            return False
        summary = event.summary.lower()
        return all(w in summary for w in self.words)


def _aliases(events: Sequence[Event], names: Names) -> tuple[dict[str, str], dict[str, str]]:
    """Lower-case words naming each speaker / occasion of ``events`` in every interface language."""
    speakers: dict[str, str] = {}
    occasions: dict[str, str] = {}
    for ev in events:
        for lang in LANGS:
            if ev.speaker:
                full = names.speaker_name(ev.speaker, lang).lower()
                for word in [full, *full.split()]:
                    speakers.setdefault(word, ev.speaker)
            occ = names.occasion_name(ev.occasion, lang).lower()
            for word in [occ, ev.occasion, *occ.split()]:
                if len(word) > 3:
                    occasions.setdefault(word, ev.occasion)
    return speakers, occasions


def parse_filter(text: str, events: Sequence[Event], names: Names) -> TimelineFilter:
    """Read ``text`` (what follows /timeline) against the speakers and occasions of ``events``."""
    text = " ".join(text.split())[:MAX_FILTER_CHARS]
    if not text:
        return TimelineFilter("")
    speaker_words, occasion_words = _aliases(events, names)
    years: list[str] = []
    speakers: list[str] = []
    occasions: list[str] = []
    words: list[str] = []
    lowered = text.lower()
    for full, sid in sorted(speaker_words.items(), key=lambda kv: -len(kv[0])):
        if " " in full and full in lowered:  # "Donald Trump" before "Trump"
            speakers.append(sid)
            lowered = lowered.replace(full, " ")
    for token in lowered.split():
        token = token.strip(".,;:!?«»\"'()")
        if not token:
            continue
        if _YEAR.match(token):
            years.append(token)
        elif token in speaker_words:
            speakers.append(speaker_words[token])
        elif token in occasion_words:
            occasions.append(occasion_words[token])
        else:
            words.append(token)
    return TimelineFilter(
        text, tuple(sorted(set(years))), tuple(sorted(set(speakers))), tuple(sorted(set(occasions))), tuple(words)
    )


@dataclass(frozen=True, slots=True)
class Picture:
    png: bytes
    caption: str  # HTML
    width: int
    height: int
    events: int


def _period(events: Sequence[Event], lang: str) -> str:
    first, last = events[0].date, events[-1].date
    a, b = date_in_words(first, lang), date_in_words(last, lang)
    return a if a == b else f"{a} – {b}"


def _month_ticks(start: date, end: date) -> list[date]:
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    step = max(1, -(-months // 8))  # at most ~8 labels
    ticks, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month + 1 if end.month < 12 else 12):
        ticks.append(date(y, m, 1))
        m += step
        while m > 12:
            m -= 12
            y += 1
    return ticks


_render_lock = threading.Lock()


def warm_up() -> None:
    """Import matplotlib and load its font list (1–5 s on a busy machine), so that the first
    /timeline after a start does not pay for it; run in a worker thread at start."""
    from matplotlib import font_manager
    from matplotlib.backends import backend_agg  # noqa: F401

    font_manager.findfont("DejaVu Sans")


def render_png(events: Sequence[Event], lang: str, names: Names, subtitle: str = "") -> Picture:
    """The picture of ``events`` (sorted by date, at least one) with its caption."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import date2num
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    def _x(day: date) -> float:
        return float(date2num(day))  # type: ignore[no-untyped-call]  # matplotlib's date2num has no hints

    events = sorted((e for e in events if e.date), key=lambda e: (e.date or "", e.source_id, e.index))
    days = [
        date.fromisoformat(d[:10]) if len(d) >= 10 else date.fromisoformat(d[:7] + "-01")
        for d in (e.date or "" for e in events)
    ]
    counts: dict[str | None, int] = {}
    for ev in events:
        counts[ev.speaker] = counts.get(ev.speaker, 0) + 1
    rows = sorted(counts, key=lambda s: (s is None, -counts[s], s or ""))
    row_of = {s: i for i, s in enumerate(reversed(rows))}
    labels = [names.speaker_name(s, lang) if s else t(lang, "timeline_other") for s in reversed(rows)]

    height_in = 3.2 + 1.5 * len(rows)
    with _render_lock:
        fig = Figure(figsize=(WIDTH_PX / DPI, height_in), dpi=DPI)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        for i in range(len(rows)):
            ax.axhline(i, color="#dddddd", linewidth=1.2, zorder=0)
        seen: list[str] = []
        placed: dict[tuple[int, float], list[float]] = {}  # (row, label level) → label x positions
        previous: dict[int, float] = {}
        points: dict[str, list[tuple[float, float]]] = {}  # one scatter (one artist) per occasion
        for ev, day in zip(events, days, strict=True):
            x, y = _x(day), row_of[ev.speaker]
            # markers a few days apart would hide each other: nudge the later one down a little
            dy = -0.12 if x - previous.get(y, -1e9) < 6 else 0.0
            previous[y] = x
            points.setdefault(ev.occasion, []).append((x, y + dy))
            if ev.occasion not in seen:
                seen.append(ev.occasion)
            level = next(
                (lv for lv in LABEL_LEVELS if all(abs(p - x) > LABEL_DAYS for p in placed.get((y, lv), []))),
                LABEL_LEVELS[0],
            )
            placed.setdefault((y, level), []).append(x)
            ax.text(
                x, y + level, f"{day.day}.{day.month:02d}", fontsize=FONT_PT - 1, ha="center", va="center", zorder=4
            )
        for occasion, xy in points.items():
            marker, colour = STYLE.get(occasion, FALLBACK_STYLE)
            ax.scatter(
                [p[0] for p in xy],
                [p[1] for p in xy],
                marker=marker,
                s=260,
                color=colour,
                edgecolors="white",
                linewidths=1.2,
                zorder=3,
            )
        lo, hi = days[0] - timedelta(days=20), days[-1] + timedelta(days=20)
        ax.set_xlim(_x(lo), _x(hi))
        ticks = [d for d in _month_ticks(lo, hi) if lo <= d <= hi] or [days[0]]
        ax.set_xticks([_x(d) for d in ticks])
        ax.set_xticklabels([date_in_words(d.isoformat()[:7], lang) for d in ticks], fontsize=FONT_PT)
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels(labels, fontsize=FONT_PT + 1)
        ax.set_ylim(-0.8, len(rows) - 0.2)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.tick_params(axis="y", length=0)
        title = t(lang, "timeline_title")
        fig.suptitle(title, fontsize=FONT_PT + 7, fontweight="bold", x=0.01, ha="left")
        if subtitle:
            ax.set_title(subtitle, fontsize=FONT_PT, loc="left", color="#444444")
        handles = [
            Line2D(
                [],
                [],
                linestyle="",
                marker=STYLE.get(o, FALLBACK_STYLE)[0],
                markersize=14,
                color=STYLE.get(o, FALLBACK_STYLE)[1],
                label=names.occasion_name(o, lang),
            )
            for o in seen
        ]
        fig.legend(
            handles=handles,
            loc="lower center",
            ncol=min(len(handles), 4),
            fontsize=FONT_PT,
            title=t(lang, "timeline_occasion"),
            title_fontsize=FONT_PT,
            frameon=False,
        )
        legend_rows = -(-len(handles) // 4)
        fig.subplots_adjust(
            left=0.14, right=0.96, top=1 - 0.8 / height_in, bottom=(1.2 + 0.45 * legend_rows) / height_in
        )
        buf = io.BytesIO()
        # fast zlib level: the picture is flat colours, so the file stays small (~70 kB) anyway
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None}, pil_kwargs={"compress_level": 2})
        width, height = (int(v) for v in fig.canvas.get_width_height())
    caption = t(lang, "timeline_caption", n=len(events), period=_period(events, lang))
    return Picture(buf.getvalue(), caption, width, height, len(events))


class PictureCache:
    """Rendered pictures by (index version, language, filter); the oldest is dropped first."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, str, str], Picture] = OrderedDict()
        self._lock = threading.Lock()
        self.renders = 0  # how many pictures were drawn (the rest came from the cache)

    def get_or_render(
        self, version: str, lang: str, flt: TimelineFilter, events: Sequence[Event], names: Names
    ) -> Picture:
        key = (version, lang, flt.key)
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit
        picture = render_png(events, lang, names, flt.text)
        with self._lock:
            self.renders += 1
            self._items[key] = picture
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return picture


async def timeline_picture(
    engine: EngineGateway, cache: PictureCache, lang: str, text: str
) -> tuple[Picture | None, list[Event], TimelineFilter]:
    """The picture for ``/timeline text`` (``None`` when no event matches) and the matching events."""
    events = await engine.timeline()
    flt = parse_filter(text, events, engine)
    chosen = [e for e in events if flt.matches(e)]
    if not chosen:
        return None, chosen, flt
    version = engine.version() or "?"
    picture = await asyncio.to_thread(cache.get_or_render, version, lang, flt, chosen, engine)
    return picture, chosen, flt

"""A deterministic synthetic survey export for load tests and benchmarks — never real data.

Texts recombine and perturb the bundled comments (``data/comments/comments.csv``, Kazakh), their
Russian renderings (``data/eval/parallel_kk_ru*.csv``) and mixed kk+ru renderings
(``data/labels/mixed_renderings.csv``): a row is one phrase, sometimes joined with a second phrase of
the same language; Kazakh is sometimes typed without Kazakh letters (ә→а, қ→к ...); some rows get a
typo; stock short answers ("Бәрі жақсы", "Всё хорошо") repeat as in real exports. Ratings follow the
source phrase's polarity. Every row is marked: column ``synthetic`` is ``true``, ``channel`` starts
with ``synthetic:`` and the file name must contain ``synthetic``. Same ``n`` and ``seed``, same file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from textmine.atomic import atomic_path
from textmine.regions import REGIONS

DATA = Path("data")
LETTERLESS = str.maketrans("әөүұқғіһңӘӨҮҰҚҒІҺҢ", "аоуукгихнАОУУКГИХН")
CHANNELS = ("synthetic:ХҚКО", "synthetic:egov.kz", "synthetic:1414", "synthetic:e-Otinish", "synthetic:terminal")
SHORT = {
    "kk": (("Бәрі жақсы", "praise"), ("Рахмет", "praise"), ("Жақсы", "praise"), ("Бәрі жақсы, рахмет", "praise"),
           ("Ескертулер жоқ", "neutral"), ("Жоқ", "neutral"), ("Кезек көп", "complaint"), ("Ұзақ күттім", "complaint")),
    "ru": (("Всё хорошо", "praise"), ("Спасибо", "praise"), ("Всё отлично", "praise"), ("Хорошо", "praise"),
           ("Нет замечаний", "neutral"), ("Нет", "neutral"), ("Долго ждать", "complaint"), ("Очереди", "complaint")),
}
# language pool -> share of rows; "short" rows are stock answers in kk, ru or kk without Kazakh letters
LANG_SHARES = {"kk": 0.42, "ru": 0.28, "mixed": 0.07, "kk_letterless": 0.08, "short": 0.15}
JOIN_SHARE, TYPO_SHARE = 0.45, 0.2
RATING_P = {  # P(rating = 1..5 | polarity)
    "praise": (0.01, 0.01, 0.03, 0.20, 0.75),
    "complaint": (0.25, 0.25, 0.25, 0.15, 0.10),
    "suggestion": (0.05, 0.10, 0.30, 0.35, 0.20),
    "neutral": (0.05, 0.05, 0.20, 0.35, 0.35),
}
POLARITIES = tuple(RATING_P)


@dataclass(frozen=True)
class Pools:
    """Phrases per language pool, each with the polarity code of the comment it comes from."""

    texts: dict[str, np.ndarray]
    polarity: dict[str, np.ndarray]
    services: pd.DataFrame


def _sentences(text: str) -> list[str]:
    parts = [p.strip() for p in text.replace("!", ".").replace("?", ".").split(". ")]
    return [p.rstrip(".") for p in parts if len(p) >= 8]


def load_pools(data: Path | None = None) -> Pools:
    """Phrase pools from the bundled comments and their Russian and mixed renderings (in ``data``, default
    the data root's ``data/``)."""
    from textmine.settings import settings

    data = Path(data) if data is not None else settings().resolve(DATA)
    comments = pd.read_csv(data / "comments" / "comments.csv", usecols=["text", "polarity"])
    polarity_of = dict(zip(comments["text"], comments["polarity"], strict=True))
    parallel = pd.concat([pd.read_csv(p) for p in sorted((data / "eval").glob("parallel_kk_ru*.csv"))])
    mixed = pd.read_csv(data / "labels" / "mixed_renderings.csv")
    kk = [(s, pol) for text, pol in polarity_of.items() for s in [text, *_sentences(text)[:3]]]
    pools = {
        "kk": kk,
        "ru": [(ru, polarity_of.get(k, "neutral")) for k, ru in zip(parallel["kk"], parallel["ru"], strict=True)],
        "mixed": [(m, polarity_of.get(k, "neutral")) for k, m in zip(mixed["kk"], mixed["mixed"], strict=True)],
        "kk_letterless": [(s.translate(LETTERLESS), pol) for s, pol in kk],
        "short": [*SHORT["kk"], *SHORT["ru"], *((s.translate(LETTERLESS), p) for s, p in SHORT["kk"][:4])],
    }
    code = {p: i for i, p in enumerate(POLARITIES)}
    services = pd.read_csv(data / "comments" / "services.csv", usecols=["service_no", "service_name", "agency", "n"])
    return Pools(texts={k: np.array([t for t, _ in v], dtype=object) for k, v in pools.items()},
                 polarity={k: np.array([code[p] for _, p in v]) for k, v in pools.items()},
                 services=services)


def _typo(text: str, where: float, kind: int) -> str:
    """One keyboard slip at relative position ``where``: swap two letters, drop one, or double one."""
    if len(text) < 4:
        return text
    i = min(int(where * (len(text) - 1)), len(text) - 2)
    if kind == 0:
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    return text[:i] + text[i + 1:] if kind == 1 else text[:i] + text[i] + text[i:]


def synth_corpus(n: int, seed: int = 0, pools: Pools | None = None) -> pd.DataFrame:
    """``n`` synthetic respondent rows (columns: respondent_id, text, service_no, service_name, agency,
    region, rating, date, channel, synthetic), deterministic for ``seed``."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    pools = pools or load_pools()
    rng = np.random.default_rng(seed)
    names = list(LANG_SHARES)
    lang = rng.choice(len(names), size=n, p=list(LANG_SHARES.values()))
    text = np.empty(n, dtype=object)
    polarity = np.empty(n, dtype=np.int64)
    for k, name in enumerate(names):
        rows = np.flatnonzero(lang == k)
        texts, pols = pools.texts[name], pools.polarity[name]
        first = rng.integers(0, len(texts), len(rows))
        text[rows], polarity[rows] = texts[first], pols[first]
        if name != "short":
            joined = rows[rng.random(len(rows)) < JOIN_SHARE]
            second = texts[rng.integers(0, len(texts), len(joined))]
            text[joined] = [f"{a}. {b}" for a, b in zip(text[joined], second, strict=True)]
    typo = np.flatnonzero((rng.random(n) < TYPO_SHARE) & (lang != names.index("short")))
    text[typo] = [_typo(t, w, k) for t, w, k in zip(text[typo], rng.random(len(typo)), rng.integers(0, 3, len(typo)), strict=True)]
    cumulative = np.cumsum(np.array([RATING_P[p] for p in POLARITIES]), axis=1)
    rating = (rng.random(n)[:, None] > cumulative[polarity]).sum(axis=1) + 1
    services = pools.services
    weights = services["n"].fillna(services["n"].median()).to_numpy(dtype=float)
    service = rng.choice(len(services), size=n, p=weights / weights.sum())
    regions = np.array(list(REGIONS), dtype=object)
    days = np.datetime64("2018-01-01") + rng.integers(0, 6 * 365, n).astype("timedelta64[D]")
    return pd.DataFrame({
        "respondent_id": [f"syn{seed}-{i}" for i in range(1, n + 1)],
        "text": text,
        "service_no": services["service_no"].to_numpy()[service],
        "service_name": services["service_name"].to_numpy()[service],
        "agency": services["agency"].to_numpy()[service],
        "region": regions[rng.integers(0, len(regions), n)],
        "rating": rating,
        "date": days.astype(str),
        "channel": np.array(CHANNELS, dtype=object)[rng.integers(0, len(CHANNELS), n)],
        "synthetic": np.ones(n, dtype=bool),
    })


def write_synth(n: int, seed: int, out: Path, pools: Pools | None = None) -> Path:
    """Write :func:`synth_corpus` to ``out`` (.csv or .parquet; the name must contain 'synthetic')."""
    out = Path(out)
    if "synthetic" not in out.name.lower():
        raise ValueError(f"{out}: a synthetic corpus's file name must contain 'synthetic' (e.g. synthetic_{n}.csv)")
    if out.suffix.lower() not in (".csv", ".parquet"):
        raise ValueError(f"{out}: write .csv or .parquet, not {out.suffix or '(no extension)'!r}")
    table = pa.Table.from_pandas(synth_corpus(n, seed, pools), preserve_index=False)
    with atomic_path(out) as temporary:
        if out.suffix.lower() == ".csv":
            pacsv.write_csv(table, temporary)
        else:
            pq.write_table(table, temporary, row_group_size=10_000)
    return out

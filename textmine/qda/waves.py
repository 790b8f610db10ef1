"""Survey waves in one store: which wave each comment belongs to, the change in each theme's share per
service between two waves with a confidence interval (Newcombe's hybrid score interval for a difference of
independent proportions, statsmodels ``confint_proportions_2indep(method="newcomb")``), new and vanished
themes, and a "what changed since last time" section for a service's brief.

A wave belongs to a source file (one survey, one report): the store's ``waves`` table maps a file to its
wave (latest row counts); a file without a row belongs to the year in its name (``..._2018_...`` -> 2018,
the seed report), else to wave ``base``. A synthetic wave (:func:`synthetic_wave`, for tests and demos) is
marked three ways: ``waves.synthetic`` true, its file name starts with ``synthetic_wave_``, its comments'
``channel`` is ``synthetic:wave``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import confint_proportions_2indep

from textmine import schema

DEFAULT_WAVE = "base"
ALL_SERVICES = "all"
SYNTHETIC_CHANNEL = "synthetic:wave"
CHANGE_COLUMNS = ["service_no", "service_name", "theme", "n_before", "count_before", "share_before", "n_after",
                  "count_after", "share_after", "change", "ci_low", "ci_high", "status"]
_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")


def default_wave(source_file: str) -> str:
    """The wave of a file no ``waves`` row names: the year in its name, else ``base``."""
    found = _YEAR.search(str(source_file))
    return found.group(0) if found else DEFAULT_WAVE


def assignment_rows(source_file: str, wave: str, synthetic: bool = False) -> pd.DataFrame:
    """A ``waves`` row putting ``source_file``'s comments in ``wave``."""
    if not str(wave).strip():
        raise ValueError(f"wave of {source_file!r} cannot be empty")
    at = datetime.now(UTC).isoformat(timespec="seconds")
    return pd.DataFrame([{"source_file": source_file, "wave": str(wave).strip(), "synthetic": synthetic, "at": at}],
                        columns=list(schema.WAVES.columns))


def file_waves(source_files: pd.Series, assignments: pd.DataFrame) -> pd.Series:
    """The wave of each source file in ``source_files`` (same index): its latest ``waves`` row, else its default."""
    latest = assignments.sort_values("at", kind="stable").drop_duplicates("source_file", keep="last")
    named = source_files.map(latest.set_index("source_file")["wave"]).astype(object)
    return named.where(named.notna(), source_files.map(default_wave)).astype(str)


def ordered_waves(waves: pd.Series) -> list[str]:
    """Distinct waves in order (years and other names sort as text: ``2018`` < ``2019``)."""
    return sorted(set(waves))


STORE_SOURCE = "comments JOIN comment_themes USING (id)"  # a store's coded comments
APP_SOURCE = "app_comments"  # the app's read model
_FILE_KEYS = "source_file, service_no, service_name"


def file_counts(frame: Callable[[str, Sequence], pd.DataFrame], source: str = STORE_SOURCE, where: str = "true",
                params: Sequence = ()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counted in SQL over ``source`` (columns ``source_file, service_no, service_name, themes``) where
    ``where``: per source file and service the comments ``n`` (first frame) and per theme the comments
    with it, ``count`` (second frame). ``frame(sql, params)`` runs a query."""
    sizes = frame(f"SELECT {_FILE_KEYS}, count(*) AS n FROM {source} WHERE {where} GROUP BY ALL", params)
    counts = frame(f"""SELECT {_FILE_KEYS}, theme, count(*) AS count FROM (
                           SELECT {_FILE_KEYS}, unnest(list_distinct(string_split(themes, ';'))) AS theme
                           FROM {source} WHERE {where})
                       WHERE theme <> '' GROUP BY ALL""", params)
    return sizes, counts


def theme_counts(sizes: pd.DataFrame, counts: pd.DataFrame, assignments: pd.DataFrame) -> pd.DataFrame:
    """Per wave, service (and ``all`` services, ``service_no`` missing) and theme: ``count`` of comments
    with the theme and ``n`` comments, from :func:`file_counts` and the files' waves (``theme`` missing on
    the row of a service whose comments in that wave have no theme)."""
    keys = ["wave", "service_no", "service_name"]

    def by_wave(frame: pd.DataFrame, value: str, extra: list[str]) -> pd.DataFrame:
        frame = frame.assign(wave=file_waves(frame["source_file"], assignments).to_numpy(),
                             service_no=frame["service_no"].astype("Int64"),
                             service_name=frame["service_name"].fillna("").astype(str))
        per_service = frame.groupby([*keys, *extra], dropna=False)[value].sum().reset_index()
        everyone = frame.groupby(["wave", *extra])[value].sum().reset_index()
        everyone = everyone.assign(service_no=pd.Series(pd.NA, index=everyone.index, dtype="Int64"),
                                   service_name=ALL_SERVICES)
        return pd.concat([per_service, everyone], ignore_index=True)

    # a service with comments but no theme in a wave keeps one row, theme missing
    return by_wave(counts, "count", ["theme"]).merge(by_wave(sizes, "n", []), on=keys, how="right")


def wave_counts(frame: Callable[[str, Sequence], pd.DataFrame], assignments: pd.DataFrame,
                source: str = STORE_SOURCE, where: str = "true", params: Sequence = ()) -> pd.DataFrame:
    """:func:`theme_counts` of the comments of ``source`` passing ``where`` (see :func:`file_counts`)."""
    return theme_counts(*file_counts(frame, source, where, params), assignments)


def changes(counts: pd.DataFrame, before: str, after: str, confidence: float = 0.95) -> pd.DataFrame:
    """Per service and theme, the share of comments with the theme in wave ``before`` and ``after``, the
    ``change`` (after − before) and its Newcombe interval; ``status``: ``new`` (absent before), ``vanished``
    (absent after), ``up`` / ``down`` (interval excludes 0), else ``same``. Services present in only one
    wave are left out."""
    keys = ["service_no", "service_name"]
    sides = []
    for wave, suffix in ((before, "before"), (after, "after")):
        part = counts[counts["wave"] == wave]
        sizes = part[[*keys, "n"]].drop_duplicates(keys).rename(columns={"n": f"n_{suffix}"})
        themed = part[part["theme"].notna()]
        sides.append((themed[[*keys, "theme", "count"]].rename(columns={"count": f"count_{suffix}"}), sizes))
    themes = pd.concat([sides[0][0], sides[1][0]])[[*keys, "theme"]].drop_duplicates()
    table = (themes.merge(sides[0][1], on=keys).merge(sides[1][1], on=keys)
             .merge(sides[0][0], on=[*keys, "theme"], how="left").merge(sides[1][0], on=[*keys, "theme"], how="left"))
    table[["count_before", "count_after"]] = table[["count_before", "count_after"]].fillna(0).astype(int)
    table["share_before"] = table["count_before"] / table["n_before"]
    table["share_after"] = table["count_after"] / table["n_after"]
    table["change"] = table["share_after"] - table["share_before"]
    if len(table):
        low, high = confint_proportions_2indep(table["count_after"].to_numpy(), table["n_after"].to_numpy(),
                                               table["count_before"].to_numpy(), table["n_before"].to_numpy(),
                                               method="newcomb", compare="diff", alpha=1 - confidence)
        table["ci_low"], table["ci_high"] = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    else:
        table["ci_low"] = table["ci_high"] = pd.Series(dtype=float)
    table["status"] = np.select(
        [table["count_before"] == 0, table["count_after"] == 0, table["ci_low"] > 0, table["ci_high"] < 0],
        ["new", "vanished", "up", "down"], default="same")
    table = table.sort_values(["service_no", "theme"], na_position="first", kind="stable")
    return table[CHANGE_COLUMNS].reset_index(drop=True)


def between(counts: pd.DataFrame, before: str | None = None, after: str | None = None) -> tuple[pd.DataFrame, str, str]:
    """:func:`changes` between two waves of :func:`theme_counts` (default: the last two); raises
    ``ValueError`` naming the waves found when there are not two."""
    found = ordered_waves(counts["wave"])
    if before is None and after is None and len(found) >= 2:
        before, after = found[-2], found[-1]
    missing = [wave for wave in (before, after) if wave is not None and wave not in found]
    if before is None or after is None or missing or before == after:
        raise ValueError(f"need two different waves; the store holds {', '.join(found) or 'none'}"
                         + (f" (not {', '.join(missing)})" if missing else ""))
    return changes(counts, before, after), before, after


def synthetic_wave(comments: pd.DataFrame, themes: pd.DataFrame, wave: str, shift: Mapping[str, float],
                   seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A synthetic wave made from ``comments`` (one wave of the store) for tests and demos — never real data.

    Per service, as many comments are drawn with replacement, a comment weighted by the product of
    ``shift[theme]`` over its themes (1 for themes not named; 0 drops the theme), so a theme's share moves
    in the named direction. Copies keep text, service, region and themes, get new ids, file
    ``synthetic_wave_<wave>.csv`` and channel ``synthetic:wave``. Returns comments, their theme rows and the
    ``waves`` row marking the file synthetic."""
    if any(factor < 0 for factor in shift.values()):
        raise ValueError(f"shift factors must be >= 0, got {dict(shift)}")
    rng = np.random.default_rng(seed)
    source_file = f"synthetic_wave_{wave}.csv"
    coded = comments.merge(themes, on="id", how="inner")
    weight = coded["themes"].fillna("").map(
        lambda value: float(np.prod([shift.get(theme, 1.0) for theme in value.split(";") if theme])))
    picked = []
    for _, group in coded.groupby(coded["service_no"].fillna(-1), sort=True):
        w = weight[group.index].to_numpy()
        if w.sum() > 0:
            picked.extend(rng.choice(group.index.to_numpy(), size=len(group), replace=True, p=w / w.sum()))
    copies = coded.loc[picked].reset_index(drop=True)
    lines = pd.Series(range(1, len(copies) + 1))
    ids = [schema.comment_id(source_file, line, f"{text}\x1f{old}")
           for line, text, old in zip(lines, copies["raw_text"], copies["id"], strict=True)]
    extra = [json.dumps({"synthetic": True, "copied_from": old}) for old in copies["id"]]
    new_comments = copies[list(schema.COMMENTS.columns)].assign(
        id=ids, source_file=source_file, source_line=lines.to_numpy(), channel=SYNTHETIC_CHANNEL, extra=extra, date=None)
    new_themes = copies[list(schema.COMMENT_THEMES.columns)].assign(id=ids)
    return new_comments, new_themes, assignment_rows(source_file, wave, synthetic=True)

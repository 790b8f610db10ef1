"""A ``.qdpx`` project's codes mapped onto the taxonomy, and its codings turned into training labels.

A code maps to a theme (or a polarity) by, in order: the ``[textmine id=…]`` trailer textmine writes in
code descriptions; the GUID textmine gives that theme; its name equal to a theme's id or its kk / ru / en
name (case, spacing and Kazakh letters folded, so a name typed without Kazakh letters matches too); an id
the codebook history renamed or merged. Any other
codable code is *proposed* as a new theme (it is reported, its codings are not labels until the theme is
added). Group codes (``isCodable="false"``) are skipped.

Codings become the store's analyst feedback (``label_feedback``), which ``textmine train`` already reads:
for every source with at least one mapped coding, an ``accept`` per coded theme and a ``reject`` for every
other theme, so the training label is exactly the coder's set; a polarity code gives a ``polarity``
decision. Sources without any coding are not labelled (the coder may not have read them). Each decision's
``reviewer`` is the project's name of the users who coded that source (joined by ", " when several), or
:data:`UNNAMED_CODER` when the project names none.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from textmine import schema
from textmine.classify.codebook import label_mapping
from textmine.classify.taxonomy import Taxonomy
from textmine.ingest.columns import header_key
from textmine.insights.qda import TRAILER, guid, slug

MAPPED_COLUMNS = ["guid", "name", "theme", "polarity", "how", "proposed_id"]
UNNAMED_CODER = "qdpx import"  # the reviewer of decisions from codings whose project names no user


def _name_keys(taxonomy: Taxonomy) -> dict[str, tuple[str, str]]:
    """Folded name -> ("theme" | "polarity", id) for every id and kk / ru / en name."""
    keys: dict[str, tuple[str, str]] = {}
    for kind, items in (("polarity", taxonomy.polarities), ("theme", taxonomy.themes)):
        for item in items:
            for name in (item.id, item.id.replace("_", " "), item.name.kk, item.name.ru, item.name.en):
                keys[header_key(name)] = (kind, item.id)
    return keys


def map_codes(codes: pd.DataFrame, taxonomy: Taxonomy) -> pd.DataFrame:
    """One row per code: ``theme`` or ``polarity`` it maps to, ``how`` (trailer, guid, name, history, new,
    group) and, for a new one, a ``proposed_id``."""
    by_guid = {guid("theme", theme): ("theme", theme) for theme in taxonomy.theme_ids}
    by_guid |= {guid("polarity", polarity): ("polarity", polarity) for polarity in taxonomy.polarity_ids}
    by_name = _name_keys(taxonomy)
    renamed = label_mapping(taxonomy)
    rows = []
    for code in codes.itertuples():
        trailer = TRAILER.search(code.description or "")
        found, how = None, "new"
        if not code.codable:
            how = "group"
        elif trailer and trailer["id"] in taxonomy.theme_ids:
            found, how = ("theme", trailer["id"]), "trailer"
        elif code.guid in by_guid:
            found, how = by_guid[code.guid], "guid"
        elif header_key(code.name) in by_name:
            found, how = by_name[header_key(code.name)], "name"
        else:
            old = trailer["id"] if trailer else slug(code.name)
            if renamed.get(old):
                found, how = ("theme", renamed[old][0]), "history"
        rows.append({"guid": code.guid, "name": code.name,
                     "theme": found[1] if found and found[0] == "theme" else None,
                     "polarity": found[1] if found and found[0] == "polarity" else None, "how": how,
                     "proposed_id": slug(code.name) if how == "new" else None})
    return pd.DataFrame(rows, columns=MAPPED_COLUMNS)


def coded_labels(codings: pd.DataFrame, mapped: pd.DataFrame) -> pd.DataFrame:
    """Per source GUID with a mapped coding: ``themes`` (taxonomy order is the caller's), ``polarity``
    (None when uncoded, the last one when several), ``at`` (its latest coding time) and ``coder`` (the
    users who coded it, in coding order, joined by ", "; :data:`UNNAMED_CODER` when none is named)."""
    joined = codings.merge(mapped, left_on="code", right_on="guid", how="inner")
    joined = joined[joined["theme"].notna() | joined["polarity"].notna()]
    rows = []
    for source, group in joined.groupby("source", sort=False):
        polarities = group["polarity"].dropna()
        users = [str(user).strip() for user in group["user"].dropna() if str(user).strip()]
        rows.append({"source": source, "themes": list(dict.fromkeys(group["theme"].dropna())),
                     "polarity": polarities.iloc[-1] if len(polarities) else None,
                     "at": group["at"].dropna().max() if group["at"].notna().any() else None,
                     "coder": ", ".join(dict.fromkeys(users)) or UNNAMED_CODER})
    return pd.DataFrame(rows, columns=["source", "themes", "polarity", "at", "coder"])


def label_decisions(labels: pd.DataFrame, comment_ids: pd.Series, taxonomy: Taxonomy) -> pd.DataFrame:
    """``label_feedback`` rows making each coded comment's label exactly its coded set (module docstring);
    ``comment_ids`` maps source GUID -> comment id (sources that became no comment are left out)."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    rows = []
    for label in labels.itertuples():
        comment = comment_ids.get(label.source)
        if comment is None:
            continue
        at = label.at or now
        rows += [{"comment_id": comment, "theme": theme, "decision": "accept" if theme in label.themes else "reject",
                  "polarity": None, "at": at, "reviewer": label.coder} for theme in taxonomy.theme_ids]
        if label.polarity:
            rows.append({"comment_id": comment, "theme": None, "decision": "polarity", "polarity": label.polarity,
                         "at": at, "reviewer": label.coder})
    return pd.DataFrame(rows, columns=list(schema.LABEL_FEEDBACK.columns))


def note_memos(notes: pd.DataFrame, comment_ids: pd.Series, mapped: pd.DataFrame) -> pd.DataFrame:
    """The project's notes on a source (a coded comment) or on a code mapped to a theme, as memos."""
    themes = mapped.dropna(subset=["theme"]).set_index("guid")["theme"]
    rows = []
    for note in notes.itertuples():
        if note.target in comment_ids.index:
            kind, target = "quote", comment_ids[note.target]
        elif note.target in themes.index:
            kind, target = "theme", themes[note.target]
        else:
            continue
        if note.text:
            rows.append({"target_kind": kind, "target_id": target, "author": note.author or "qdpx",
                         "text": note.text, "at": note.at or datetime.now(UTC).isoformat(timespec="seconds")})
    return pd.DataFrame(rows, columns=list(schema.MEMOS.columns))

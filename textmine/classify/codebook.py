"""Codebook operations with history: rename, merge, split, retire a theme, group themes under a parent.

Each operation returns a new :class:`~textmine.classify.taxonomy.Taxonomy` whose version is one higher
and whose ``history`` ends with the :class:`~textmine.classify.taxonomy.Change` it made (who, when, why).
Labels are never rewritten: the labelled sets in ``data/`` and the analysts' feedback in the store are
brought to the current codebook when they are read (:func:`current_labels`, :func:`current_feedback`),
by replaying the history:

- rename ``a -> b``: every ``a`` label becomes ``b`` (feedback too, accept and reject);
- merge ``a`` into ``b``: ``a`` labels become ``b``; a *rejection* of ``a`` says nothing about ``b`` and
  is dropped;
- retire ``a``: ``a`` labels are dropped;
- split ``b`` out of ``a``: a text labelled ``a`` on which ``b``'s codebook words match is re-assigned
  to ``b`` (keeping ``a`` only if ``a``'s own words match too): the lexicon classifier re-run on the
  labelled texts; the store's comments are re-assigned by ``textmine classify`` after ``textmine train``;
- parent: no label changes (comments are coded with child themes; counts roll up).

Trained heads are tied to the taxonomy version, so every change asks for ``textmine train``;
:func:`stale_themes` says which themes' training labels changed.
"""

from __future__ import annotations

import getpass
import os
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import yaml

from textmine.atomic import atomic_path
from textmine.classify.taxonomy import (
    REQUIRED_THEMES,
    Change,
    Names,
    Parent,
    Taxonomy,
    Theme,
    ThemeLexicon,
    default_taxonomy_path,
    load_taxonomy,
    taxonomy_path,
)

DRAFT_PATH = Path("data/taxonomy_draft.yaml")
_ID = re.compile(r"^[a-z][a-z0-9_]{1,40}$")


def draft_path() -> Path:
    """The working copy edits of the packaged taxonomy go to: ``$TEXTMINE_TAXONOMY_DRAFT`` or
    ``data/taxonomy_draft.yaml``."""
    return Path(os.environ.get("TEXTMINE_TAXONOMY_DRAFT", DRAFT_PATH))


def working_path(source: Path) -> Path:
    """Where an operation on the taxonomy at ``source`` is written by default: ``source`` itself, unless it is
    the packaged taxonomy (only ever read), then :func:`draft_path`."""
    return draft_path() if Path(source).resolve() == default_taxonomy_path().resolve() else Path(source)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _changed(taxonomy: Taxonomy, op: str, sources: list[str], target: str | None, by: str | None,
             why: str, at: str | None, themes: list[Theme], parents: list[Parent]) -> Taxonomy:
    if not why.strip():
        raise ValueError(f"{op}: say why (the reason is kept in the taxonomy's history)")
    change = Change(version=taxonomy.version + 1, op=op, sources=sources, target=target,
                    by=by or getpass.getuser(), at=at or _now(), why=why.strip())
    return Taxonomy(version=taxonomy.version + 1, history=[*taxonomy.history, change], parents=parents,
                    polarities=taxonomy.polarities, themes=themes)


def _used_ids(taxonomy: Taxonomy) -> set[str]:
    """Every id the codebook holds or held (a retired or renamed id is never given to another theme)."""
    held = {i for change in taxonomy.history for i in (*change.sources, change.target) if i}
    return held | set(taxonomy.theme_ids) | {parent.id for parent in taxonomy.parents}


def _new_id(taxonomy: Taxonomy, new: str) -> None:
    if not _ID.match(new):
        raise ValueError(f"id {new!r} must be 2-41 characters of a-z, 0-9 and _, starting with a letter")
    if new in _used_ids(taxonomy):
        raise ValueError(f"id {new!r} is or was used in taxonomy version {taxonomy.version}; choose another")


def _removable(taxonomy: Taxonomy, theme_id: str, op: str) -> None:
    taxonomy.theme(theme_id)
    if theme_id in REQUIRED_THEMES:
        raise ValueError(f"{op}: {theme_id!r} is a required theme ({', '.join(REQUIRED_THEMES)}) and must keep "
                         "its id; merge other themes into it instead")


def _parents_replacing(parents: list[Parent], old: str, new: str | None) -> list[Parent]:
    """Parents with ``old`` replaced by ``new`` (dropped when None); parents left empty are dropped."""
    result = []
    for parent in parents:
        children = list(dict.fromkeys(new if child == old else child for child in parent.themes))
        children = [child for child in children if child is not None]
        if children:
            result.append(parent.model_copy(update={"themes": children}))
    return result


def rename(taxonomy: Taxonomy, old: str, new: str, why: str, names: Names | None = None,
           by: str | None = None, at: str | None = None) -> Taxonomy:
    """Theme ``old`` gets id ``new`` (``new == old``: only its ``names`` change)."""
    theme = taxonomy.theme(old)
    if new != old:
        _removable(taxonomy, old, "rename")
        _new_id(taxonomy, new)
    renamed = theme.model_copy(update={"id": new, "name": names or theme.name})
    themes = [renamed if t.id == old else t for t in taxonomy.themes]
    return _changed(taxonomy, "rename", [old], new, by, why, at, themes, _parents_replacing(taxonomy.parents, old, new))


def _union(first: list[str], second: list[str]) -> list[str]:
    return list(dict.fromkeys([*first, *second]))


def merge(taxonomy: Taxonomy, source: str, target: str, why: str, by: str | None = None,
          at: str | None = None) -> Taxonomy:
    """Theme ``source`` is merged into ``target``: ``target`` keeps its id, names and definition and gains
    ``source``'s example phrases and codebook words; ``source`` is gone."""
    if source == target:
        raise ValueError(f"merge: {source!r} into itself")
    _removable(taxonomy, source, "merge")
    absorbed, kept = taxonomy.theme(source), taxonomy.theme(target)
    lexicon = ThemeLexicon(**{part: _union(getattr(kept.lexicon, part), getattr(absorbed.lexicon, part))
                              for part in ("kk", "ru", "exclude")})
    examples = kept.examples.model_copy(update={"kk": _union(kept.examples.kk, absorbed.examples.kk),
                                                "ru": _union(kept.examples.ru, absorbed.examples.ru)})
    merged = kept.model_copy(update={"lexicon": lexicon, "examples": examples})
    themes = [merged if t.id == target else t for t in taxonomy.themes if t.id != source]
    parents = _parents_replacing(taxonomy.parents, source, None)
    return _changed(taxonomy, "merge", [source], target, by, why, at, themes, parents)


def split(taxonomy: Taxonomy, source: str, new_theme: Theme, why: str, by: str | None = None,
          at: str | None = None) -> Taxonomy:
    """``new_theme`` is carved out of ``source`` (which stays, narrowed): placed after it, under the same
    parent. It needs codebook words: they decide which of ``source``'s labelled texts move to it."""
    taxonomy.theme(source)
    _new_id(taxonomy, new_theme.id)
    if not (new_theme.lexicon.kk or new_theme.lexicon.ru):
        raise ValueError(f"split: {new_theme.id!r} needs codebook words (kk or ru): they re-assign the labelled "
                         f"texts of {source!r}")
    themes = [part for t in taxonomy.themes for part in ([t, new_theme] if t.id == source else [t])]
    parents = [p.model_copy(update={"themes": _union(p.themes, [new_theme.id])}) if source in p.themes else p
               for p in taxonomy.parents]
    return _changed(taxonomy, "split", [source], new_theme.id, by, why, at, themes, parents)


def retire(taxonomy: Taxonomy, theme_id: str, why: str, by: str | None = None, at: str | None = None) -> Taxonomy:
    """Theme ``theme_id`` leaves the codebook; its labels are dropped."""
    _removable(taxonomy, theme_id, "retire")
    themes = [t for t in taxonomy.themes if t.id != theme_id]
    return _changed(taxonomy, "retire", [theme_id], None, by, why, at, themes,
                    _parents_replacing(taxonomy.parents, theme_id, None))


def set_parent(taxonomy: Taxonomy, parent_id: str, children: list[str], why: str, names: Names | None = None,
               by: str | None = None, at: str | None = None) -> Taxonomy:
    """Put ``children`` under parent ``parent_id`` (created with ``names`` when new; an existing parent
    gains them). A child leaves its previous parent."""
    if not children:
        raise ValueError(f"parent {parent_id!r}: name at least one theme to put under it")
    for child in children:
        taxonomy.theme(child)
    existing = next((p for p in taxonomy.parents if p.id == parent_id), None)
    if existing is None:
        _new_id(taxonomy, parent_id)
        if names is None:
            raise ValueError(f"parent {parent_id!r} is new: give its names in kk, ru and en")
    others = [p.model_copy(update={"themes": [c for c in p.themes if c not in children]})
              for p in taxonomy.parents if p.id != parent_id]
    grouped = Parent(id=parent_id, name=names or existing.name,
                     themes=_union(existing.themes if existing else [], children))
    parents = [p for p in others if p.themes]
    position = next((i for i, p in enumerate(taxonomy.parents) if p.id == parent_id), len(parents))
    parents.insert(min(position, len(parents)), grouped)
    return _changed(taxonomy, "parent", list(children), parent_id, by, why, at, list(taxonomy.themes), parents)


def _step(change: Change, labels: list[str], rejection: bool = False) -> list[str]:
    """``labels`` after a rename, merge or retire (a split or a parent leaves them)."""
    source = change.sources[0]
    if change.op == "rename" or (change.op == "merge" and not rejection):
        return list(dict.fromkeys(change.target if label == source else label for label in labels))
    if change.op in ("retire", "merge"):
        return [label for label in labels if label != source]
    return labels


def _final_id(history: Iterable[Change], theme_id: str) -> str | None:
    """What ``theme_id`` became through ``history`` (its merge target once merged; None once retired)."""
    labels = [theme_id]
    for change in history:
        labels = _step(change, labels)
    return labels[0] if labels else None


def label_mapping(taxonomy: Taxonomy) -> dict[str, list[str]]:
    """Every theme id the history renamed, merged or retired -> the ids its labels now carry ([] dropped)."""
    mapping = {}
    for position, change in enumerate(taxonomy.history):
        if change.op in ("rename", "merge", "retire") and change.sources[0] != change.target:
            final = _final_id(taxonomy.history[position:], change.sources[0])
            mapping[change.sources[0]] = [final] if final else []
    return mapping


def _split_labels(change: Change, later: list[Change], texts: pd.Series, labels: pd.Series,
                  taxonomy: Taxonomy) -> pd.Series:
    from textmine.classify.features import lexicon_hits
    from textmine.classify.lexicon import compiled, frozen

    source, new = _final_id(later, change.sources[0]), _final_id(later, change.target)
    if new is None:
        return labels
    lexicon = compiled(frozen({theme: taxonomy.theme(theme).lexicon.model_dump()
                               for theme in (source, new) if theme in taxonomy.theme_ids}))
    moved = labels.copy()
    for index, themes in labels.items():
        if change.sources[0] in themes:
            hits = lexicon_hits(texts[index], lexicon)
            if new in hits:
                kept = [t for t in themes if t != change.sources[0] or source in hits]
                moved[index] = list(dict.fromkeys([*kept, change.target]))
    return moved


def current_labels(labelled: pd.DataFrame, taxonomy: Taxonomy) -> pd.DataFrame:
    """The labelled set (``text``, ``themes`` lists, ...) in ``taxonomy``'s codebook: its history replayed on
    every row's themes (see the module docstring). Rows are kept; a row may end with no theme."""
    if not taxonomy.history:
        return labelled
    labels = labelled["themes"].map(list)
    for position, change in enumerate(taxonomy.history):
        if change.op == "split":
            labels = _split_labels(change, taxonomy.history[position + 1:], labelled["text"], labels, taxonomy)
        else:
            labels = labels.map(lambda themes, change=change: _step(change, themes))
    return labelled.assign(themes=labels)


def current_feedback(feedback: pd.DataFrame, taxonomy: Taxonomy) -> pd.DataFrame:
    """Analysts' accept/reject decisions with their themes brought to ``taxonomy``'s codebook; decisions on
    a retired theme, and rejections of a theme merged into another, are dropped."""
    if feedback.empty or not taxonomy.history:
        return feedback
    themes = []
    for theme, decision in zip(feedback["theme"], feedback["decision"], strict=True):
        if decision not in ("accept", "reject") or not isinstance(theme, str):
            themes.append(theme)
            continue
        labels = [theme]
        for change in taxonomy.history:
            labels = _step(change, labels, rejection=decision == "reject")
        themes.append(labels[0] if labels else None)
    mapped = feedback.assign(theme=themes)
    return mapped[mapped["theme"].notna() | ~mapped["decision"].isin(["accept", "reject"])].reset_index(drop=True)


def affected(change: Change) -> list[str]:
    """The themes whose training labels ``change`` altered."""
    return {"rename": [change.target], "merge": [change.target], "split": [*change.sources, change.target]}.get(
        change.op, [])


def stale_themes(taxonomy: Taxonomy, since_version: int) -> list[str]:
    """Themes (current ids) whose training labels changed after ``since_version``, in codebook order."""
    later = [change for change in taxonomy.history if change.version > since_version]
    stale = {_final_id(later[i + 1:], theme) for i, change in enumerate(later) for theme in affected(change)}
    return [theme for theme in taxonomy.theme_ids if theme in stale]


def retrain_note(taxonomy: Taxonomy, heads_version: int | None) -> str:
    """What must be retrained for ``taxonomy``, given the version the heads were trained on (None: none)."""
    if heads_version == taxonomy.version:
        return f"heads match taxonomy version {taxonomy.version}: nothing to retrain"
    where = f" --taxonomy {os.environ['TEXTMINE_TAXONOMY']}" if os.environ.get("TEXTMINE_TAXONOMY") else ""
    if heads_version is None:
        return f"no trained heads: run `textmine train{where}`"
    stale = stale_themes(taxonomy, heads_version)
    named = f"; themes whose labels changed: {', '.join(stale)}" if stale else ""
    return (f"heads were trained on taxonomy version {heads_version}, this is version {taxonomy.version}{named}: "
            f"run `textmine train{where}`, then `textmine classify{where}` to re-assign the store's comments")


def history_lines(taxonomy: Taxonomy) -> list[str]:
    """One line per change, oldest first."""
    if not taxonomy.history:
        return [f"taxonomy version {taxonomy.version}: no codebook operations recorded"]
    return [f"v{c.version} {c.at} {c.by}: {c.op} {', '.join(c.sources)}" + (f" -> {c.target}" if c.target else "")
            + f" — {c.why}" for c in taxonomy.history]


def taxonomy_yaml(taxonomy: Taxonomy, header: str = "") -> str:
    """The taxonomy as YAML (``header``: comment lines kept at the top), themes last."""
    data = taxonomy.model_dump(exclude_none=True)
    ordered = {key: data[key] for key in ("version", "history", "parents", "polarities", "themes")}
    body = yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=110)
    return header + body


def write_taxonomy(taxonomy: Taxonomy, path: Path, header_from: Path | None = None) -> Path:
    """Write ``taxonomy`` to ``path`` atomically, keeping the leading comment lines of ``header_from``."""
    lines = Path(header_from).read_text(encoding="utf-8").splitlines(keepends=True) if header_from else []
    header = "".join(line for line in lines[:next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))])
    text = taxonomy_yaml(taxonomy, header)
    if Taxonomy.model_validate(yaml.safe_load(text)) != taxonomy:
        raise ValueError(f"{path}: the taxonomy does not read back as written")
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return path


def trained_version(heads_dir: Path | None = None) -> int | None:
    """The taxonomy version the heads in ``heads_dir`` (``models/heads``) were trained on; None without heads."""
    import json

    from textmine.classify.persist import default_heads_dir

    card = Path(heads_dir or default_heads_dir()) / "card.json"
    return json.loads(card.read_text(encoding="utf-8"))["taxonomy_version"] if card.exists() else None


def apply_change(operation: Callable[..., Taxonomy], *args: object, out: Path | None = None,
                 **kwargs: object) -> tuple[Taxonomy, Path]:
    """Run a codebook operation (:func:`merge`, :func:`rename`...) on the taxonomy :func:`taxonomy_path`
    resolves to and write the result to ``out`` (default :func:`working_path`); return it and where it went."""
    source = taxonomy_path()
    changed = operation(load_taxonomy(source), *args, **kwargs)
    return changed, write_taxonomy(changed, Path(out) if out else working_path(source), header_from=source)

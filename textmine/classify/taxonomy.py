"""The theme taxonomy: a versioned YAML file analysts edit, validated on load."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator

from textmine.classify.lexicon import LexiconError, parse_entry

REQUIRED_THEMES = ("deadlines", "staff_competence", "portal_failures", "queues", "costs")


class Names(BaseModel):
    """A label in the interface languages."""

    kk: str
    ru: str
    en: str


class Examples(BaseModel):
    """Example phrases per language."""

    kk: list[str] = Field(default_factory=list)
    ru: list[str] = Field(default_factory=list)


class ThemeLexicon(BaseModel):
    """A theme's codebook words (syntax in :mod:`textmine.classify.lexicon`): Kazakh and Russian entries,
    and exclusions that cancel a match on the same words."""

    kk: list[str] = Field(default_factory=list)
    ru: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)

    @field_validator("kk", "ru", "exclude", mode="before")
    @classmethod
    def _none_is_empty(cls, entries: object) -> object:
        return entries if entries is not None else []


class Described:
    """Mixin of a taxonomy item with ``definition``, ``definition_kk``, ``definition_ru`` and ``examples``:
    the texts the zero-shot classifiers compare comments with."""

    def descriptions(self) -> list[str]:
        """Every text that describes the item: definitions and example phrases in all languages."""
        texts = [self.definition, self.definition_kk, self.definition_ru, *self.examples.kk, *self.examples.ru]  # type: ignore[attr-defined]
        return [text.strip() for text in texts if text and text.strip()]


class Theme(Described, BaseModel):
    """One theme: what analysts call it, what it covers, phrases that say it, and its codebook words."""

    id: str
    name: Names
    definition: str
    definition_kk: str | None = None
    definition_ru: str | None = None
    examples: Examples = Field(default_factory=Examples)
    lexicon: ThemeLexicon = Field(default_factory=ThemeLexicon)

    @field_validator("lexicon")
    @classmethod
    def _entries_usable(cls, lexicon: ThemeLexicon, info: ValidationInfo) -> ThemeLexicon:
        for part in ("kk", "ru", "exclude"):
            for position, entry in enumerate(getattr(lexicon, part), start=1):
                try:
                    parse_entry(entry)
                except LexiconError as error:
                    raise ValueError(f"theme {info.data.get('id', '?')!r}, lexicon.{part} entry {position}: {error}") from error
        return lexicon


class Polarity(Described, BaseModel):
    """One polarity class (complaint, praise, suggestion, neutral): its names, what it covers and phrases that
    say it (the zero-shot polarity compares comments with these)."""

    id: str
    name: Names
    definition: str
    definition_kk: str | None = None
    definition_ru: str | None = None
    examples: Examples = Field(default_factory=Examples)


class Parent(BaseModel):
    """A parent theme of a two-level codebook (e.g. "staff" over competence and attitude): a grouping that
    counts roll up to; comments are coded with its child themes only."""

    id: str
    name: Names
    themes: list[str]


class Change(BaseModel):
    """One codebook operation in the taxonomy's history (see :mod:`textmine.classify.codebook`): which
    themes it took (``sources``) and the theme or parent it gave (``target``), the version it produced,
    who made it, when and why."""

    version: int
    op: Literal["rename", "merge", "split", "retire", "parent"]
    sources: list[str]
    target: str | None = None
    by: str
    at: str
    why: str


class Taxonomy(BaseModel):
    """The whole taxonomy file: the codebook operations that led to it (``history``), the parent themes,
    polarities, themes."""

    version: int
    history: list[Change] = Field(default_factory=list)
    parents: list[Parent] = Field(default_factory=list)
    polarities: list[Polarity]
    themes: list[Theme]

    @field_validator("themes")
    @classmethod
    def _ids_unique_and_required_present(cls, themes: list[Theme]) -> list[Theme]:
        ids = [theme.id for theme in themes]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"theme ids must be unique; repeated: {', '.join(duplicates)}")
        missing = [theme for theme in REQUIRED_THEMES if theme not in ids]
        if missing:
            raise ValueError(f"required themes missing: {', '.join(missing)}")
        return themes

    @model_validator(mode="after")
    def _parents_group_known_themes(self) -> Taxonomy:
        seen: dict[str, str] = {}
        for parent in self.parents:
            if parent.id in self.theme_ids:
                raise ValueError(f"parent {parent.id!r} has the id of a theme")
            for child in parent.themes:
                if child not in self.theme_ids:
                    raise ValueError(f"parent {parent.id!r}: unknown theme {child!r}")
                if child in seen:
                    raise ValueError(f"theme {child!r} is under two parents: {seen[child]!r} and {parent.id!r}")
                seen[child] = parent.id
        return self

    def parent_of(self, theme_id: str) -> str | None:
        """The parent id of ``theme_id`` (None for a top-level theme)."""
        return next((parent.id for parent in self.parents if theme_id in parent.themes), None)

    @property
    def theme_ids(self) -> list[str]:
        """Theme ids in file order."""
        return [theme.id for theme in self.themes]

    @property
    def polarity_ids(self) -> list[str]:
        """Polarity ids in file order."""
        return [polarity.id for polarity in self.polarities]

    def lexicon_data(self) -> dict[str, dict[str, list[str]]]:
        """Every theme's lexicon as plain data (theme -> kk / ru / exclude lists), in theme order."""
        return {theme.id: theme.lexicon.model_dump() for theme in self.themes}

    def theme(self, theme_id: str) -> Theme:
        """The theme with ``theme_id``."""
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(f"unknown theme {theme_id!r}; known: {', '.join(self.theme_ids)}")


def default_taxonomy_path() -> Path:
    """The taxonomy shipped with the package."""
    return Path(str(resources.files("textmine.classify").joinpath("taxonomy.yaml")))


def taxonomy_path(path: Path | str | None = None) -> Path:
    """The taxonomy file every command and the app use: ``path`` if given, else ``$TEXTMINE_TAXONOMY`` if
    set, else the packaged one (the one resolver; ``--taxonomy PATH`` sets the variable for the process)."""
    if path is not None:
        return Path(path)
    return Path(os.environ["TEXTMINE_TAXONOMY"]) if os.environ.get("TEXTMINE_TAXONOMY") else default_taxonomy_path()


def use_taxonomy(path: Path | str) -> Taxonomy:
    """Validate the taxonomy at ``path`` and make it the one :func:`taxonomy_path` resolves to in this
    process and the processes it starts; raise ``ValueError`` naming the file and the problem."""
    if not Path(path).is_file():
        raise ValueError(f"{path}: no such taxonomy file")
    taxonomy = load_taxonomy(path)
    os.environ["TEXTMINE_TAXONOMY"] = str(Path(path).resolve())
    return taxonomy


def load_taxonomy(path: Path | str | None = None) -> Taxonomy:
    """Load and validate a taxonomy YAML (``safe_load``: no code runs); by default the one
    :func:`taxonomy_path` resolves to."""
    path = taxonomy_path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ValueError(f"{path}: not valid YAML: {error}") from error
    try:
        return Taxonomy.model_validate(data)
    except ValueError as error:
        raise ValueError(f"{path}: invalid taxonomy: {error}") from error

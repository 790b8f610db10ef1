"""Editable recommendation templates: per theme a problem and a strength sentence in kk and ru, and the
brief's fixed phrases (``recommendation_templates.yaml``, validated on load)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

LANGS = ("kk", "ru")


class Sentences(BaseModel):
    """One sentence per brief language."""

    kk: str
    ru: str


class ThemeTemplates(BaseModel):
    """A theme's recommendation (problem) and conclusion (strength); either may be absent."""

    problem: Sentences | None = None
    strength: Sentences | None = None


class Templates(BaseModel):
    """The whole templates file."""

    version: int
    phrases: dict[str, dict[str, str]]
    themes: dict[str, ThemeTemplates]
    source: str = "recommendation_templates.yaml"

    def sentence(self, theme: str, kind: str, lang: str) -> str:
        """The ``kind`` ('problem' | 'strength') sentence for ``theme`` in ``lang``."""
        _check_lang(lang)
        if theme not in self.themes:
            raise KeyError(f"{self.source}: no templates for theme {theme!r}; add it under 'themes' "
                           f"(have {', '.join(sorted(self.themes))})")
        sentences = getattr(self.themes[theme], kind, None) if kind in ("problem", "strength") else None
        if sentences is None:
            raise KeyError(f"{self.source}: theme {theme!r} has no {kind!r} sentence")
        return getattr(sentences, lang)

    def phrase(self, key: str, lang: str, **values: object) -> str:
        """The fixed phrase ``key`` in ``lang``, with ``{names}`` filled from ``values``."""
        _check_lang(lang)
        phrases = self.phrases.get(lang, {})
        if key not in phrases:
            raise KeyError(f"{self.source}: no phrase {key!r} for language {lang!r}")
        return phrases[key].format(**values) if values else phrases[key]


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"brief language must be one of {', '.join(LANGS)}, not {lang!r}")


def default_templates_path() -> Path:
    """The templates shipped with the package."""
    return Path(str(resources.files("textmine.insights").joinpath("recommendation_templates.yaml")))


def load_templates(path: Path | str | None = None) -> Templates:
    """Load and validate a templates YAML (``safe_load``); the packaged one by default. Every language
    must define the same phrases."""
    path = Path(path) if path is not None else default_templates_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        templates = Templates.model_validate({**data, "source": str(path)})
    except (yaml.YAMLError, ValidationError, TypeError) as error:
        raise ValueError(f"{path}: invalid recommendation templates: {error}") from error
    keys = {lang: set(templates.phrases.get(lang, {})) for lang in LANGS}
    every = set().union(*keys.values())
    for lang, have in keys.items():
        if have != every:
            raise ValueError(f"{path}: phrases for {lang!r} lack {', '.join(sorted(every - have))}")
    return templates


def missing_templates(templates: Templates, theme_ids: list[str], positive: tuple[str, ...] = ("praise",)) -> list[str]:
    """``theme:kind`` entries the brief may need but the templates lack (``positive`` themes need no problem)."""
    missing = []
    for theme in theme_ids:
        entry = templates.themes.get(theme)
        for kind in ("problem", "strength"):
            if kind == "problem" and theme in positive:
                continue
            if entry is None or getattr(entry, kind) is None:
                missing.append(f"{theme}:{kind}")
    return missing

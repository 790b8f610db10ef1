"""Markdown for exports: escape a verbatim text so that it renders as itself, adding a backslash only
where Markdown would otherwise read markup (emphasis, code, links, HTML, strikethrough, entities, and the
block markers a line may start with), so a raw export stays readable ("деді." not "деді\\.")."""

from __future__ import annotations

import re

_INLINE = re.compile(r"([\\`*\[\]<~]|(?<![^\W_])_|_(?![^\W_]))")  # "_" inside a word is no markup
_ENTITY = re.compile(r"&(?=#?\w+;)")
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")
_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def escape(text: object) -> str:
    """``text`` on one line, with the characters Markdown would read as markup backslash-escaped."""
    flat = _BREAKS.sub(" ", str(text))
    escaped = _ENTITY.sub(r"\\&", _INLINE.sub(r"\\\1", flat))
    return _LINE_START.sub(lambda m: f"{m.group(1)}{m.group(2)[:-1]}\\{m.group(2)[-1]}", escaped)

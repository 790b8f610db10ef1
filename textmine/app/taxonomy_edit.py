"""Promote a discovered topic into a copy of the taxonomy: append one theme, bump the version.

The edit is textual (comments and layout of the YAML survive), then the result is parsed and
validated and must equal the old taxonomy plus exactly the new theme before it replaces the file
atomically. The packaged taxonomy is only ever read: edits go to a working copy.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from textmine.atomic import atomic_path
from textmine.classify.codebook import working_path
from textmine.classify.taxonomy import (
    Taxonomy,
    Theme,
    default_taxonomy_path,
    taxonomy_path,
)

_ID = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
_VERSION = re.compile(r"^version:\s*(\d+)\s*$", re.MULTILINE)


def _parse(text: str, where: Path) -> Taxonomy:
    try:
        return Taxonomy.model_validate(yaml.safe_load(text))
    except (yaml.YAMLError, ValueError) as error:
        raise ValueError(f"{where}: invalid taxonomy: {error}") from error


def promote_theme(theme: Theme, target: Path | None = None, source: Path | None = None) -> Taxonomy:
    """Append ``theme`` to the taxonomy at ``target`` (created from ``source``, the taxonomy in use by default,
    when missing; ``target`` defaults to that taxonomy, or its working copy when it is the packaged one), bump its
    version and return the new taxonomy.

    Raises ``ValueError`` for a malformed or already used id, or when the file cannot be edited safely.
    """
    source = Path(source) if source is not None else taxonomy_path()
    target = Path(target) if target is not None else working_path(source)
    if target.resolve() == default_taxonomy_path().resolve():
        raise ValueError(f"{target} is the packaged taxonomy; promote into a copy")
    if not _ID.match(theme.id):
        raise ValueError(f"theme id {theme.id!r} must be 2-41 characters of a-z, 0-9 and _, starting with a letter")
    text = (target if target.exists() else source).read_text(encoding="utf-8")
    old = _parse(text, target if target.exists() else source)
    if theme.id in old.theme_ids:
        raise ValueError(f"theme id {theme.id!r} already exists in {target}")
    if not re.search(r"^themes:\s*$", text, re.MULTILINE) or len(_VERSION.findall(text)) != 1:
        raise ValueError(f"{target}: expected one top-level 'version:' line and a block 'themes:' list")
    entry = yaml.safe_dump([theme.model_dump(exclude_none=True)], allow_unicode=True, sort_keys=False, width=100)
    indented = "".join("  " + line if line.strip() else line for line in entry.splitlines(keepends=True))
    new_text = _VERSION.sub(f"version: {old.version + 1}", text, count=1).rstrip("\n") + "\n\n" + indented
    new = _parse(new_text, target)
    if new.version != old.version + 1 or new.themes != [*old.themes, theme]:
        raise ValueError(f"{target}: 'themes:' is not the last block of the file; edit it by hand")
    with atomic_path(target) as temporary:
        temporary.write_text(new_text, encoding="utf-8")
    return new

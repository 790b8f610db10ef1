"""Theme modes, shared by the classifier and the command line (a small module: the CLI imports it at start)."""

from __future__ import annotations

from enum import StrEnum


class Mode(StrEnum):
    """Where themes come from: ``trained`` heads, ``zero_shot`` similarity to the taxonomy, or ``auto``
    (``textmine.classify.annotator``)."""

    auto = "auto"
    trained = "trained"
    zero_shot = "zero_shot"

    @classmethod
    def parse(cls, value: str) -> Mode:
        """``value`` as a mode; a ``ValueError`` naming the valid ones otherwise."""
        try:
            return cls(value)
        except ValueError:
            raise ValueError(f"mode must be one of {', '.join(cls)}, got {value!r}") from None

"""What the pages' charts share: short labels that still tell long names apart, and axes and tooltips
that show counts as integers, scores with two decimals and shares as percentages."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt

SCORE_FORMAT = ".2f"
SHARE_FORMAT = ".1%"


def short_labels(names: Sequence[object], width: int = 32) -> list[str]:
    """Each name cut to at most ``width`` characters at a word boundary (with …); where two names would
    be cut to the same label, the leading words they share are shortened (to initials when several:
    "Қазақстан Республикасы Бас Прокуратурасы…" → "ҚР Бас Прокуратурасы…"), so labels differ."""
    words = [str(name).split() for name in names]
    plain = [_cut(" ".join(own), width) for own in words]
    labels = []
    for position, own in enumerate(words):
        rivals = [other for index, other in enumerate(words)
                  if index != position and plain[index] == plain[position]]
        shared = min(max((_common_words(own, other) for other in rivals), default=0), len(own) - 1)
        if shared == 0:
            labels.append(plain[position])
            continue
        head = "".join(word[0].upper() for word in own[:shared]) if shared > 1 else own[0][:4] + "."
        labels.append(_cut(" ".join([head, *own[shared:]]), width))
    return labels


def _common_words(one: list[str], other: list[str]) -> int:
    count = 0
    for a, b in zip(one, other, strict=False):
        if a != b:
            break
        count += 1
    return count


def _cut(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    if text[width - 1] != " " and " " in cut:  # not at a word's end: drop the cut word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:(") + "…"


def count_axis(title: str) -> alt.Axis:
    """An axis for counts: whole numbers only."""
    return alt.Axis(title=title, format="d", tickMinStep=1)


def label_axis(title: str | None = None, angle: int = 0) -> alt.Axis:
    """An axis for names: whole labels (up to 320 px) and every one shown, even where their boxes touch."""
    return alt.Axis(title=title, labelLimit=320, labelAngle=angle, labelOverlap=False)

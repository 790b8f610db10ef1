"""Build data/eval/pii_testset.csv from the hand-written sentences in data/eval/pii_sentences.txt.

Gold personal data is marked in the sentences as ``{kind:text}``; ID and card numbers are drawn by a
seeded generator (``random.Random(2018)``, textmine.privacy.checks): ``{iin}`` ``{bin}`` ``{card}`` are
valid (gold spans), ``{badiin}`` ``{badbin}`` ``{badcard}`` have a wrong check digit and ``{num12}`` is any
12 digits that are neither an IIN nor a BIN (look-alikes, no span). A ``/N`` suffix groups the digits
by N with spaces. Output columns: id, lang, text, spans (JSON list of [start, end, kind]), part (the
sentence file's ``# part: NAME`` section: dev, hard, blind).

    .venv/bin/python scripts/make_pii_testset.py
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pandas as pd

from textmine.atomic import write_table
from textmine.privacy.checks import is_bin, is_iin, random_bin, random_card, random_iin

ROOT = Path(__file__).resolve().parents[1]
SOURCE, TARGET = ROOT / "data/eval/pii_sentences.txt", ROOT / "data/eval/pii_testset.csv"
_MARK = re.compile(r"\{(\w+)(?:/(\d+))?(?::([^{}]+))?\}")


def _num12(rng: random.Random) -> str:
    while True:
        number = f"{rng.randrange(10**11, 10**12)}"
        if not (is_iin(number) or is_bin(number)):
            return number


_GENERATED = {
    "iin": lambda rng: (random_iin(rng), "iin"), "bin": lambda rng: (random_bin(rng), "bin"),
    "card": lambda rng: (random_card(rng), "card"), "badiin": lambda rng: (random_iin(rng, valid=False), None),
    "badbin": lambda rng: (random_bin(rng, valid=False), None),
    "badcard": lambda rng: (random_card(rng, valid=False), None), "num12": lambda rng: (_num12(rng), None),
}


def render(marked: str, rng: random.Random, where: str) -> tuple[str, list[list]]:
    """The plain sentence and its gold spans."""
    text, spans, position = "", [], 0
    for match in _MARK.finditer(marked):
        kind, group, literal = match.groups()
        text += marked[position:match.start()]
        if literal is not None:
            value, gold = literal, kind
        elif kind in _GENERATED:
            value, gold = _GENERATED[kind](rng)
            if group:
                value = " ".join(value[i:i + int(group)] for i in range(0, len(value), int(group)))
        else:
            raise ValueError(f"{where}: unknown mark {match.group()!r}")
        if gold:
            spans.append([len(text), len(text) + len(value), gold])
        text += value
        position = match.end()
    return text + marked[position:], spans


def main() -> None:
    """Render every sentence and write the test set atomically."""
    rng, rows, part = random.Random(2018), [], ""
    for number, line in enumerate(SOURCE.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("# part:"):
            part = line.removeprefix("# part:").split()[0]
        if not line.strip() or line.startswith("#"):
            continue
        lang, _, marked = line.partition("\t")
        text, spans = render(marked, rng, f"{SOURCE}, line {number}")
        rows.append({"id": f"pii{len(rows) + 1:03d}", "lang": lang, "text": text,
                     "spans": json.dumps(spans, ensure_ascii=False), "part": part})
    write_table(pd.DataFrame(rows), TARGET, mask=False)  # the test set is personal data by design (synthetic)
    print(f"wrote {len(rows)} sentences to {TARGET}")


if __name__ == "__main__":
    main()

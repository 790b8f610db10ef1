"""The Kazakh lexicon the lemmatiser checks its analyses against: word counts from real survey text.

``lexicon.txt`` (shipped) lists ``word<TAB>count`` for every word of the 2018 monitoring report
(``data/reports/monitoring_report_2018_kk.txt``), lower-cased with ``ӛ`` read as ``ө``. Rebuild it with
``python -m textmine.lang.kk.lexicon REPORT.txt ...``.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

LEXICON_PATH = Path(__file__).with_name("lexicon.txt")
_WORD = re.compile(r"[а-яёәғқңөұүһі]+")
_LINE_BREAK_HYPHEN = re.compile(r"(\w)-[ \t]*\n\s*(\w)")


def count_words(texts: Iterable[str]) -> Counter[str]:
    """Counts of the Cyrillic words in ``texts`` (lower-cased, ``ӛ`` → ``ө``, words hyphenated across lines joined)."""
    counts: Counter[str] = Counter()
    for text in texts:
        joined = _LINE_BREAK_HYPHEN.sub(r"\1\2", text)
        counts.update(_WORD.findall(joined.lower().replace("ӛ", "ө")))
    return counts


@lru_cache(maxsize=1)
def load_lexicon(path: Path = LEXICON_PATH) -> dict[str, int]:
    """The shipped lexicon as ``{word: count}``."""
    lexicon: dict[str, int] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        word, sep, count = line.partition("\t")
        if not sep or not count.isdigit():
            raise ValueError(f"{path}:{number}: expected 'word<TAB>count', got {line!r}")
        lexicon[word] = int(count)
    return lexicon


def main(paths: list[str]) -> None:
    """Write ``lexicon.txt`` from the given UTF-8 text files."""
    counts = count_words(Path(p).read_text(encoding="utf-8") for p in paths)
    LEXICON_PATH.write_text("".join(f"{w}\t{c}\n" for w, c in sorted(counts.items())), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])

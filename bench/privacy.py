"""PII detection speed on the bundled comments: texts/s of find_pii and of mask_frame (text + raw_text).

    .venv/bin/python bench/privacy.py [--repeat 10]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from textmine.privacy import find_pii, mask_frame

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    """Print texts/s over the bundled comments, repeated ``--repeat`` times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    comments = pd.read_csv(ROOT / "data/comments/comments.csv", dtype=str, keep_default_na=False)
    frame = pd.concat([comments[["text", "raw_text"]]] * args.repeat, ignore_index=True)
    texts = frame["text"].tolist()
    find_pii(texts[0] + " 8 701 234 56 78")  # load phonenumbers' metadata outside the timing
    start = time.perf_counter()
    flagged = sum(bool(find_pii(text)) for text in texts)
    seconds = time.perf_counter() - start
    print(f"find_pii: {len(texts) / seconds:,.0f} texts/s ({len(texts)} texts, "
          f"mean {frame['text'].str.len().mean():.0f} chars, {flagged} flagged)")
    start = time.perf_counter()
    mask_frame(frame)
    seconds = time.perf_counter() - start
    print(f"mask_frame(text, raw_text): {len(frame) / seconds:,.0f} rows/s ({2 * len(frame) / seconds:,.0f} texts/s)")


if __name__ == "__main__":
    main()

"""Languages of a chunk's comments, reusing the tags of texts the store has tagged before.

``text_languages(tagger_key, text_hash, lang, lang_confidence)`` keeps each distinct text's tag under the
tagger's fingerprint (:func:`tagger_key`: the tagger's and the normaliser's code, the Kazakh lexicon and the
versions of the detector and the Russian dictionary), so a changed tagger tags every text again. A tag is a
function of the text alone (``textmine.langid``: each word's vote and lingua's confidences depend on nothing
else), so a reused tag is the tag the text would get now. A chunk reads the table before it is tagged (in the
read-ahead thread, on a cursor of its own) and its new tags are written with the chunk.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from textmine.langid import tag_languages
from textmine.texthash import text_hash

TABLE = "text_languages"  # registered in textmine.store_schema
COLUMNS = ("text_hash", "lang", "lang_confidence")
_DISTRIBUTIONS = ("lingua-language-detector", "pymorphy3", "pymorphy3-dicts-ru")


@lru_cache(maxsize=1)
def tagger_key() -> str:
    """A fingerprint of everything the language tagger's output depends on."""
    import textmine.langid
    import textmine.normalise
    from textmine.lang.kk.lexicon import LEXICON_PATH

    digest = hashlib.sha1()
    for path in (textmine.langid.__file__, textmine.normalise.__file__, LEXICON_PATH):
        digest.update(Path(path).read_bytes())
    for name in _DISTRIBUTIONS:
        digest.update(f"{name}=={version(name)}".encode())
    return digest.hexdigest()[:16]


def known_languages(con: duckdb.DuckDBPyConnection, hashes: list[str]) -> pd.DataFrame:
    """The kept tags (:data:`COLUMNS`) of those of ``hashes`` tagged before by this tagger."""
    cursor = con.cursor()  # the read-ahead thread's own: the writer goes on with the store's connection
    try:
        cursor.register("_wanted", pa.table({"text_hash": list(dict.fromkeys(hashes))}))
        return cursor.execute(f"""SELECT l.text_hash, l.lang, l.lang_confidence FROM {TABLE} l
                                  SEMI JOIN _wanted w ON w.text_hash = l.text_hash
                                  WHERE l.tagger_key = ?""", [tagger_key()]).df()
    finally:
        cursor.close()


def with_languages(con: duckdb.DuckDBPyConnection, comments: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``comments`` with ``lang`` and ``lang_confidence``: kept tags where the store has them, the tagger's
    for the other texts; and the new tags to keep (:data:`COLUMNS`, one row per distinct new text)."""
    hashes = [text_hash(text) for text in comments["text"]]
    known = known_languages(con, hashes).set_index("text_hash")
    new = {h: text for h, text in zip(hashes, comments["text"], strict=True) if h not in known.index}
    fresh = tag_languages(list(new.values())).assign(text_hash=list(new))[list(COLUMNS)]
    tags = pd.concat([known.reset_index(), fresh], ignore_index=True).set_index("text_hash").loc[hashes]
    return (comments.assign(lang=tags["lang"].to_numpy(), lang_confidence=tags["lang_confidence"].to_numpy()),
            fresh)


def keep(con: duckdb.DuckDBPyConnection, tags: pd.DataFrame) -> None:
    """Keep new ``tags`` (:data:`COLUMNS`) under this tagger's key (inside the caller's transaction)."""
    if tags.empty:
        return
    con.register("_tags", tags[list(COLUMNS)])
    try:
        con.execute(f"INSERT OR IGNORE INTO {TABLE} SELECT ? AS tagger_key, * FROM _tags", [tagger_key()])
    finally:
        con.unregister("_tags")

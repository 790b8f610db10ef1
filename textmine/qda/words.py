"""Word views on lemmas (Kazakh and Russian, ``textmine.topics.lemmas``): frequencies, keyword in context,
and the keyness of words between two selections (weighted log-odds with an informative Dirichlet prior,
Monroe, Colaresi & Quinn 2008, "Fightin' Words", eq. 16–22).

The stop words are the project's lists (Kazakh ``textmine.lang.kk``, spaCy's Russian plus survey
boilerplate) edited by the analyst: edits are rows of the store's ``stop_word_edits`` (``word, lang, stop,
at``); the latest edit of a word adds it (``stop`` true) or takes it out (false).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from textmine import schema, word_lemmas
from textmine.app.query import Corpus, Filters, Selection, select
from textmine.topics.lemmas import (
    KK_STOP_WORDS,
    RU_EXTRA_STOP_WORDS,
    PublishedLemmas,
    WordForm,
    guess_language,
    lemmas_of,
    pipeline,
    quick_word_forms,
)

LANGS = ("kk", "ru")


def default_stop_words(lang: str) -> frozenset[str]:
    """The project's stop words for ``lang`` (``kk`` or ``ru``), before the analyst's edits."""
    if lang == "kk":
        return frozenset(KK_STOP_WORDS)
    if lang == "ru":
        return frozenset(pipeline("ru").Defaults.stop_words) | RU_EXTRA_STOP_WORDS
    raise ValueError(f"stop words exist for kk and ru, not {lang!r}")


def edit_rows(words: Sequence[str], lang: str, stop: bool) -> pd.DataFrame:
    """Stop-word edits adding (``stop``) or removing ``words`` of ``lang``, lower-cased."""
    if lang not in LANGS:
        raise ValueError(f"stop-word language must be kk or ru, got {lang!r}")
    cleaned = [word.strip().lower() for word in words]
    if not all(cleaned):
        raise ValueError("a stop word cannot be empty")
    at = datetime.now(UTC).isoformat(timespec="seconds")
    return pd.DataFrame({"word": cleaned, "lang": lang, "stop": stop, "at": at}, columns=list(schema.STOP_WORD_EDITS.columns))


def stop_words(edits: pd.DataFrame) -> dict[str, frozenset[str]]:
    """Per language the default stop words with the latest edit of each word applied."""
    last = edits.sort_values("at", kind="stable").drop_duplicates(["word", "lang"], keep="last")
    result = {}
    for lang in LANGS:
        mine = last[last["lang"] == lang]
        added, removed = set(mine.loc[mine["stop"], "word"]), set(mine.loc[~mine["stop"], "word"])
        result[lang] = (default_stop_words(lang) | added) - removed
    return result


def is_word(form: WordForm, stop: frozenset[str]) -> bool:
    """A content word: two or more letters, neither its form nor its lemma a stop word."""
    return (sum(c.isalpha() for c in form.text) > 1 and form.text.lower() not in stop
            and form.lemma.lower() not in stop)


def lemmatised(texts: Sequence[str], langs: Sequence[str | None],
               published: PublishedLemmas | None = None) -> tuple[list[list[WordForm]], list[str]]:
    """Each text's word forms (``quick_word_forms``: each distinct word lemmatised once, or looked up in
    ``published``) and the language it was lemmatised in (``kk`` or ``ru``; others guessed)."""
    chosen = [lang if lang in LANGS else guess_language(text) for text, lang in zip(texts, langs, strict=True)]
    return quick_word_forms(list(texts), chosen, published), chosen


def frequencies(forms: list[list[WordForm]], langs: Sequence[str], stops: dict[str, frozenset[str]]) -> pd.DataFrame:
    """Content lemmas with ``count`` (occurrences) and ``comments`` (comments using them), most frequent first."""
    count: Counter[str] = Counter()
    comments: Counter[str] = Counter()
    # A token's lemma is a function of its text within a language: decide each distinct text once.
    counted: dict[str, dict[str, str | None]] = {lang: {} for lang in set(langs)}
    for words, lang in zip(forms, langs, strict=True):
        known = counted[lang]
        lemmas = []
        for form in words:
            if form.text not in known:
                known[form.text] = form.lemma.lower() if is_word(form, stops[lang]) else None
            lemma = known[form.text]
            if lemma is not None:
                lemmas.append(lemma)
        count.update(lemmas)
        comments.update(set(lemmas))
    table = pd.DataFrame({"lemma": list(count), "count": list(count.values()),
                          "comments": [comments[lemma] for lemma in count]}, columns=["lemma", "count", "comments"])
    return table.sort_values(["count", "lemma"], ascending=[False, True], kind="stable").reset_index(drop=True)


def kwic(ids: Sequence[str], forms: list[list[WordForm]], word: str, window: int = 6) -> pd.DataFrame:
    """Keyword in context: every token whose lemma or lower-cased form equals ``word``'s (the word is
    lemmatised as Kazakh and as Russian, so either language's inflections match), with ``window`` tokens
    each side. Columns ``comment_id``, ``left``, ``keyword``, ``right``."""
    word = word.strip().lower()
    if not word:
        raise ValueError("keyword in context needs a word")
    wanted = {word} | lemmas_of(word)
    rows = []
    for comment_id, words in zip(ids, forms, strict=True):
        for i, form in enumerate(words):
            if form.text.lower() in wanted or form.lemma.lower() in wanted:
                rows.append({"comment_id": comment_id, "left": " ".join(f.text for f in words[max(0, i - window):i]),
                             "keyword": form.text, "right": " ".join(f.text for f in words[i + 1:i + 1 + window])})
    return pd.DataFrame(rows, columns=["comment_id", "left", "keyword", "right"])


def log_odds(counts_a: pd.Series, counts_b: pd.Series, prior: pd.Series | None = None,
             prior_size: float | None = None) -> pd.DataFrame:
    """Weighted log-odds ratio of every word between selection A and B with an informative Dirichlet prior
    (Monroe et al. 2008): α_w = α₀·π_w with π the ``prior`` counts' shares (default: A and B pooled) and
    α₀ = ``prior_size`` (default: the prior's total count);
    δ_w = log((y_aw+α_w)/(n_a+α₀−y_aw−α_w)) − log((y_bw+α_w)/(n_b+α₀−y_bw−α_w)),
    σ²_w ≈ 1/(y_aw+α_w) + 1/(y_bw+α_w), z_w = δ_w/σ_w. Positive z: typical of A.
    Columns ``word``, ``count_a``, ``count_b``, ``log_odds``, ``z``; largest z first."""
    words = counts_a.index.union(counts_b.index)
    if prior is not None:
        words = words.union(prior.index)
    y_a = counts_a.reindex(words, fill_value=0).astype(float)
    y_b = counts_b.reindex(words, fill_value=0).astype(float)
    pooled = (y_a + y_b) if prior is None else prior.reindex(words, fill_value=0).astype(float)
    if pooled.sum() <= 0:
        raise ValueError("log-odds needs at least one counted word")
    alpha_0 = float(pooled.sum()) if prior_size is None else float(prior_size)
    alpha = alpha_0 * pooled / pooled.sum()
    n_a, n_b = y_a.sum(), y_b.sum()
    delta = (np.log((y_a + alpha) / (n_a + alpha_0 - y_a - alpha))
             - np.log((y_b + alpha) / (n_b + alpha_0 - y_b - alpha)))
    z = delta / np.sqrt(1 / (y_a + alpha) + 1 / (y_b + alpha))
    table = pd.DataFrame({"word": words, "count_a": y_a.astype(int).to_numpy(), "count_b": y_b.astype(int).to_numpy(),
                          "log_odds": delta.to_numpy(), "z": z.to_numpy()})
    table = table[(table["count_a"] + table["count_b"]) > 0]
    return table.sort_values(["z", "word"], ascending=[False, True], kind="stable").reset_index(drop=True)


def compare(freq_a: pd.DataFrame, freq_b: pd.DataFrame, top: int = 20) -> pd.DataFrame:
    """The ``top`` words most typical of A and of B (``side`` A / B) from two :func:`frequencies` tables."""
    scored = log_odds(freq_a.set_index("lemma")["count"], freq_b.set_index("lemma")["count"])
    a = scored.head(top).assign(side="A")
    b = scored.iloc[::-1].head(top).assign(side="B")
    return pd.concat([a[a["z"] > 0], b[b["z"] < 0]], ignore_index=True)


MAX_COMMENTS = 20_000
CRITERIA = ("theme", "service", "region", "polarity", "lang")


def criteria_selection(corpus: Corpus, criteria: Mapping[str, object]) -> Selection:
    """The comments matching every criterion (``theme`` id, ``service`` number, ``region``, ``polarity``,
    ``lang``), as an app selection."""
    unknown = sorted(set(criteria) - set(CRITERIA))
    if unknown:
        raise ValueError(f"unknown selection key {', '.join(unknown)}; use {', '.join(CRITERIA)}")
    chosen = {key: value for key, value in criteria.items() if value not in (None, "")}
    if "theme" in chosen and chosen["theme"] not in corpus.columns:
        raise ValueError(f"theme {chosen['theme']!r} is not in the store; themes: {', '.join(corpus.theme_ids)}")
    selection = select(corpus, Filters(regions=_one(chosen, "region"), polarities=_one(chosen, "polarity"),
                                       langs=_one(chosen, "lang"), themes=_one(chosen, "theme")))
    if "service" in chosen:
        selection = selection.narrow("service_no = ?", int(chosen["service"]))
    return selection


def _one(chosen: Mapping[str, object], key: str) -> tuple:
    return (chosen[key],) if key in chosen else ()


def selected_texts(corpus: Corpus, selection: Selection, limit: int = MAX_COMMENTS) -> pd.DataFrame:
    """``id``, ``text``, ``lang`` of the selected comments; at most ``limit`` of them, a fixed sample (by the
    MD5 of the id) when there are more."""
    return corpus.frame(f"SELECT id, text, lang FROM app_comments WHERE {selection.where} ORDER BY md5(id), id "
                        f"LIMIT {int(limit)}", selection.params)


def _published_lemmas(corpus: Corpus) -> PublishedLemmas | None:
    """Look-ups in the snapshot's word lemmas, when it has them with their languages."""
    if not word_lemmas.is_current(corpus.connection):
        return None
    return lambda lang, words: dict(corpus.frame(word_lemmas.LOOKUP_SQL, [lang, words]).itertuples(index=False))


def selection_words(corpus: Corpus, selection: Selection, stops: dict[str, frozenset[str]],
                    limit: int = MAX_COMMENTS) -> tuple[pd.DataFrame, pd.DataFrame, list[list[WordForm]]]:
    """The selected comments, their lemma :func:`frequencies` and their word forms (for :func:`kwic`); words
    are looked up in the snapshot's published lemmas (``textmine.word_lemmas``) before being lemmatised."""
    found = selected_texts(corpus, selection, limit)
    forms, langs = lemmatised(found["text"].tolist(), found["lang"].tolist(), _published_lemmas(corpus))
    return found, frequencies(forms, langs, stops), forms

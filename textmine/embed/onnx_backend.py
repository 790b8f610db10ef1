"""Fast path: the model folder's ONNX export run by ONNX Runtime, one text per run.

Variants (files under the folder, written by ``textmine models build``): ``fp32`` (fused), ``int8``
(int8 FFN-in and attention-output matmuls), ``int8-attention`` (those plus the fused attention's QKV
projection; FFN-out, embeddings, LayerNorms and pooling stay fp32) and ``int8-smooth`` (every encoder matmul,
FFN-out included, after SmoothQuant: ``smoothquant``; the default). A variant other than ``fp32`` is recorded
in the model id (``...+onnx-<variant>+per-text``; ``int8-smooth`` adds its calibration's key), so cached
vectors of different variants or calibrations never mix.

Each text runs alone (no padding), on as many threads as the process may use, one ONNX Runtime thread each.
The int8 variants quantise activations with one scale per tensor: in a batch, a text's vector depended on
its batch-mates (seed quotes in reverse order: 6.5% of vectors identical, min cosine 0.9965), so the same
comment could get other themes in another file or run. Alone, it cannot; and on this 2-core machine one
text per run on two threads is faster than 32-text batches on two intra-op threads (175 against 152
quotes/s, same run).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from tqdm import tqdm

from textmine.background import in_background
from textmine.embed.base import (
    Kind,
    as_texts,
    check_kind,
    l2_normalise,
    read_model_info,
)

if TYPE_CHECKING:
    from onnxruntime import InferenceSession

VARIANTS = {"fp32": "onnx/model.onnx", "int8": "onnx/model_int8.onnx",
            "int8-attention": "onnx/model_int8_attention.onnx", "int8-smooth": "onnx/model_int8_smooth.onnx"}


# the variants built from calibration texts: the entry of ``textmine_model.json`` that records it (and its key)
CALIBRATIONS = {"int8-smooth": "smoothquant"}


def variant_suffix(variant: str, info: dict) -> str:
    """What ``variant`` adds to the folder's model id: nothing for fp32, else ``+onnx-<variant>+per-text``, with
    its calibration's key for a calibrated variant (:data:`CALIBRATIONS`)."""
    if variant == "fp32":
        return ""
    calibration = f"-{info[CALIBRATIONS[variant]]['key']}" if variant in CALIBRATIONS else ""
    return f"+onnx-{variant}{calibration}+per-text"


class OnnxEmbedder:
    """Embeds with one ONNX variant of a folder built by ``textmine models build``, ``num_threads`` texts at
    a time (default: the CPUs this process may use), each on one ONNX Runtime thread."""

    def __init__(self, folder: str | Path, variant: str = "fp32", num_threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        folder = Path(folder)
        if variant not in VARIANTS:
            raise ValueError(f"variant must be one of {sorted(VARIANTS)}, got {variant!r}")
        path = folder / VARIANTS[variant]
        info = read_model_info(folder)
        calibrated = variant not in CALIBRATIONS or CALIBRATIONS[variant] in info
        if not path.is_file() or not info or not calibrated:
            raise FileNotFoundError(f"{path} (or {folder}/textmine_model.json) is missing: run `textmine models build`")
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.inter_op_num_threads = 1
        options.intra_op_num_threads = 1
        self.workers = num_threads or len(os.sched_getaffinity(0))
        # No arena: it keeps the largest batch's buffers for the process's life (~250 MB after a 256-token
        # batch); plain allocation is as fast here (seed quotes: 182-184/s against 174-191/s).
        options.enable_cpu_mem_arena = False
        # The session (~1-2 s: reading the graph, optimising it) loads in the background while the caller
        # opens its store and reads, parses and tags its first texts; the first ``embed`` waits for it.
        self._loading = in_background("textmine-onnx-load", ort.InferenceSession, str(path), options,
                                      providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(int(info.get("max_seq_length", 512)))
        self.prefixes: dict[str, str] = info["prompts"]
        self.dim = int(info["dim"])
        self.model_id = info["model_id"] + variant_suffix(variant, info)

    @property
    def session(self) -> InferenceSession:
        """The ONNX Runtime session, once loaded (a load error is raised here)."""
        return self._loading.result()

    def embed(self, texts: Sequence[str], kind: Kind = "passage", batch_size: int = 32,
              show_progress: bool = True) -> np.ndarray:
        """Embed ``texts`` (with the ``kind`` prefix) into unit float32 vectors, in input order, each text on its
        own (``batch_size`` is part of the embedder interface; one text per run is used whatever it is)."""
        prefix = self.prefixes[check_kind(kind)]
        texts = as_texts(texts)
        ids = [e.ids for e in self.tokenizer.encode_batch([prefix + t for t in texts])]
        session = self.session
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        longest_first = sorted(range(len(texts)), key=lambda i: -len(ids[i]))  # the threads end together
        with tqdm(total=len(texts), disable=not show_progress, desc="embed") as bar:

            def run(share: list[int]) -> None:
                for i in share:
                    tokens = np.asarray([ids[i]], dtype=np.int64)
                    out[i] = session.run(None, {"input_ids": tokens, "attention_mask": np.ones_like(tokens)})[0][0]
                    bar.update(1)

            with ThreadPoolExecutor(self.workers, thread_name_prefix="textmine-embed") as pool:
                list(pool.map(run, [longest_first[w::self.workers] for w in range(self.workers)]))
        return l2_normalise(out)

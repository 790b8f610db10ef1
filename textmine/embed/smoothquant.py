"""SmoothQuant (Xiao et al., 2023) for the int8 ONNX variant that quantises every encoder matmul.

Dynamic int8 quantises a matmul's input with one scale per tensor, so a few input channels with large values
(the GELU outputs that feed FFN-out, some LayerNorm channels) cost every other channel its precision. SmoothQuant
moves that range into the weights: input channel ``j`` is divided by ``s_j`` (a ``Mul`` before the matmul) and
weight row ``j`` multiplied by it, with ``s_j = max|x_j|^alpha / max|w_j|^(1 - alpha)``; the product is unchanged
in exact arithmetic. The input maxima come from running the fp32 graph over calibration texts: the first
``CALIBRATION_ROWS`` written training comments (our own text in five registers, never in a quality figure, so
the seed quotes on which fidelity is measured stay out of it).

On this 2-core machine (``bench/embed.py``, one run), against ``int8-attention`` (FFN-out left in fp32): seed
quotes 250 against 182 comments/s at cosine to fp32 mean 0.99940 / min 0.99835 against 0.99916 / 0.99730; 10k
synthetic comments 220 against 150/s at 0.99944 / 0.99761. Alpha 0.7-0.8 was best in a sweep; 0.5 let the min
fall to 0.986, 0.9 to 0.997.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from textmine.settings import project_root

CALIBRATION = "data/labels/written_comments.csv"
CALIBRATION_ROWS = 1000
ALPHA = 0.8


def calibration_texts(path: Path | None = None, rows: int = CALIBRATION_ROWS) -> list[str]:
    """The first ``rows`` texts of the written training comments (``CALIBRATION`` under the checkout)."""
    import pandas as pd

    path = path or project_root() / CALIBRATION
    if not path.is_file():
        raise FileNotFoundError(f"{path}: the SmoothQuant calibration texts are missing (a checkout's {CALIBRATION})")
    texts = pd.read_csv(path, usecols=["text"], nrows=rows)["text"].dropna().astype(str).tolist()
    if not texts:
        raise ValueError(f"{path}: no calibration texts in its first {rows} rows")
    return texts


def calibration_key(texts: list[str], alpha: float = ALPHA) -> str:
    """8 hex digits naming the calibration (its texts and alpha), recorded in the variant's model id."""
    digest = hashlib.sha1(f"{alpha!r}\n".encode())
    for text in texts:
        digest.update(text.encode("utf-8") + b"\n")
    return digest.hexdigest()[:8]


def _quantised_nodes(graph) -> list:
    """Every encoder matmul with a weight initializer: the fused attention's QKV, attention-out, FFN-in, FFN-out."""
    return [node for node in graph.node
            if node.op_type == "Attention" or (node.op_type == "MatMul" and "/encoder/" in node.name)]


def input_maxima(model, tokenizer_path: Path, texts: list[str], prefix: str) -> dict[str, np.ndarray]:
    """Per-channel max |value| of each quantised matmul's input over ``texts`` (each run alone, fp32)."""
    import onnx
    import onnxruntime as ort
    from tokenizers import Tokenizer

    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    names = sorted({node.input[0] for node in _quantised_nodes(probe.graph)})
    known = {output.name for output in probe.graph.output}
    probe.graph.output.extend(onnx.ValueInfoProto(name=name) for name in names if name not in known)
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL  # keep the probed tensors
    session = ort.InferenceSession(probe.SerializeToString(), options, providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    maxima: dict[str, np.ndarray] = {}
    for encoding in tokenizer.encode_batch([prefix + text for text in texts]):
        ids = np.asarray([encoding.ids], dtype=np.int64)
        values = session.run(names, {"input_ids": ids, "attention_mask": np.ones_like(ids)})
        for name, value in zip(names, values, strict=True):
            channel_max = np.abs(value).reshape(-1, value.shape[-1]).max(axis=0)
            maxima[name] = np.maximum(maxima[name], channel_max) if name in maxima else channel_max
    return maxima


def smooth(model, maxima: dict[str, np.ndarray], alpha: float = ALPHA) -> None:
    """Rescale each quantised matmul of ``model`` in place: a ``Mul`` by ``1/s`` on its input, rows of its
    weight times ``s``."""
    from onnx import helper, numpy_helper

    graph = model.graph
    weights = {tensor.name: tensor for tensor in graph.initializer}
    for k, node in enumerate(_quantised_nodes(graph)):
        weight = numpy_helper.to_array(weights[node.input[1]])
        scale = (np.maximum(maxima[node.input[0]], 1e-5) ** alpha
                 / np.maximum(np.abs(weight).max(axis=1), 1e-5) ** (1 - alpha)).astype(np.float32)
        weights[node.input[1]].CopyFrom(numpy_helper.from_array(weight * scale[:, None], node.input[1]))
        inverse = numpy_helper.from_array((1 / scale).astype(np.float32), f"smoothquant/{k}/inverse_scale")
        graph.initializer.append(inverse)
        smoothed = f"smoothquant/{k}/input"
        graph.node.insert(list(graph.node).index(node),
                          helper.make_node("Mul", [node.input[0], inverse.name], [smoothed], name=f"/smoothquant/{k}/Mul"))
        node.input[0] = smoothed


def quantise_int8_smooth(fp32_path: Path, out_path: Path, tokenizer_path: Path, texts: list[str], prefix: str,
                         alpha: float = ALPHA) -> Path:
    """Write ``out_path``: ``fp32_path`` smoothed on ``texts`` and quantised to int8 (per-channel weights,
    dynamic activations) on every encoder matmul; embeddings, LayerNorms and pooling stay fp32."""
    import onnx

    from textmine.embed.onnx_export import quantise_nodes_int8

    model = onnx.load(str(fp32_path))
    smooth(model, input_maxima(model, tokenizer_path, texts, prefix), alpha)
    smoothed_path = out_path.with_name(out_path.stem + ".smoothed.onnx")
    onnx.save(model, str(smoothed_path))
    try:
        quantise_nodes_int8(smoothed_path, out_path, [node.name for node in _quantised_nodes(model.graph)])
    finally:
        smoothed_path.unlink(missing_ok=True)
    return out_path

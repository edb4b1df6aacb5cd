"""Embedding: provisioning the model from its wheel, and the encoders (ONNX, sentence-transformers)."""

"""Unit tests of the Telegram bot (no model, no network)."""

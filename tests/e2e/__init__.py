"""End-to-end tests of the Telegram bot against a local fake Bot API server."""

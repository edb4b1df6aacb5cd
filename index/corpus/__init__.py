"""The corpus model: sources, documents, passages, dates, names and speakers."""

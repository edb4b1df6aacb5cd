"""The store: published versions, the writer lock, the journal, durable writes and the audit log."""

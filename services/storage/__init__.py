"""What the terminal keeps on disk: the local SQLite store, the outbox on top of it, and where its files live."""

"""Anonymous usage: one record per visit (services.usage.visit), sent through the outbox."""

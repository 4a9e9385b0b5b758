"""Anonymous usage: the controller that records each visit (services.usage.visit) and queues it in the outbox."""

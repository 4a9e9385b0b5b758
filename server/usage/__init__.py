"""Usage analytics: the terminals' anonymous visits, aggregated per day, terminal and hour, in the console."""

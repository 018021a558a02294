"""What happened: domain events, aggregates and their invariants."""

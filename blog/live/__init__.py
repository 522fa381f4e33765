"""Live readers of a post: the fan-out interface, the rooms, and their limits."""

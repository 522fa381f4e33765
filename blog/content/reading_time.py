"""How long a post takes to read, shown under its title."""

from __future__ import annotations

WORDS_PER_MINUTE = 230


def reading_minutes(markdown: str) -> int:
    """Whole minutes at an adult's silent reading pace, at least one."""
    return max(1, round(len(markdown.split()) / WORDS_PER_MINUTE))

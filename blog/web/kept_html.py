"""HTML kept in memory by what it was made from, so that a page made of many small parts
(a post's comments) renders each part once, not on every request."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable, Mapping

# A kept part: its text up to the first placeholder, then (placeholder's name, text after it)...
Part = tuple[str, tuple[tuple[str, str], ...]]


class KeptHtml:
    """Rendered parts by key, at most `max_entries` of them (the oldest made leaves first).

    The key is everything the part is made from (the comment as read from the database, the
    reader's view of it), so a part is never stale: any change, in this process or another,
    makes a new key, and the old entry ages out. Values that differ per session or request
    (the CSRF token, the form owner's stamp) are rendered as `placeholder(name)`; a kept part
    is stored cut at them, and `fill` puts this request's values there, so one part serves
    every reader with the same view. Names are one character."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._parts: dict[Hashable, Part] = {}
        # Random per app: no comment text can spell it, so cutting at it cannot cut user content.
        self._marker = secrets.token_hex(16)

    def placeholder(self, name: str) -> str:
        assert len(name) == 1
        return f"{self._marker}{name}"

    def known(self, key: Hashable) -> Part | None:
        """The part kept under `key`, or None. No recency is tracked on a hit (a look-up is all a
        render of a kept comment costs): entries leave in the order they were made, which for
        comments is oldest first, and a part evicted while still shown is simply made again."""
        return self._parts.get(key)

    def make(self, key: Hashable, make: Callable[[], str]) -> Part:
        part = self.cut(make())
        self._parts[key] = part
        if len(self._parts) > self.max_entries:
            del self._parts[next(iter(self._parts))]
        return part

    def cut(self, html: str) -> Part:
        first, *rest = html.split(self._marker)
        return first, tuple((piece[0], piece[1:]) for piece in rest)

    @staticmethod
    def fill(part: Part, values: Mapping[str, str], out: list[str]) -> None:
        """Appends the part to `out` with `values` (already escaped) in place of its placeholders."""
        out.append(part[0])
        for name, text in part[1]:
            out.append(values[name])
            out.append(text)

    def __len__(self) -> int:
        return len(self._parts)

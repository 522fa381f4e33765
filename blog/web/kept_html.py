"""HTML kept in memory by what it was made from, so that a page made of many small parts
(a post's comments) renders each part once, not on every request."""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import NamedTuple

# A kept part, encoded as UTF-8: its text up to the first placeholder, then (placeholder's
# name, text after it)...
Part = tuple[bytes, tuple[tuple[str, bytes], ...]]


class KeptHtml:
    """Rendered parts by key, at most `max_entries` of them (the oldest made leaves first).

    The key is everything the part is made from (the comment as read from the database, the
    reader's view of it), so a part is never stale: any change, in this process or another,
    makes a new key, and the old entry ages out. Values that differ per session or request
    (the CSRF token, the form owner's stamp) are rendered as `placeholder(name)`; a kept part
    is stored cut at them and joined into a `Joined`, whose `filled` puts this request's
    values there, so one part serves every reader with the same view. Names are one character."""

    def __init__(self, max_entries: int, max_join_bytes: int = 16 * 1024 * 1024) -> None:
        self.max_entries = max_entries
        self._parts: dict[Hashable, Part] = {}
        self.joins = KeptJoins(max_join_bytes)
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
        return first.encode(), tuple((piece[0], piece[1:].encode()) for piece in rest)

    def __len__(self) -> int:
        return len(self._parts)


class Joined(NamedTuple):
    """A long run of kept parts, joined and encoded as UTF-8, cut at its placeholders: it goes
    into the page's bytes as it is (a 200 KB list with one emoji in it is four bytes a character
    as a str: copying and encoding it on every request cost a third of the render), and filling
    it in is one join in C (a bytes.replace per placeholder scanned the whole list each time)."""

    texts: tuple[bytes, ...]  # the text around the placeholders: one more than names
    names: tuple[str, ...]  # the placeholders' names, in order
    extra: str = ""  # whatever else was worked out from the same sources (the newest comment's time)

    def filled(self, values: Mapping[str, bytes]) -> bytes:
        if not self.names:
            return self.texts[0]
        out = [b""] * (2 * len(self.names) + 1)
        out[0::2] = self.texts
        out[1::2] = map(values.__getitem__, self.names)
        return b"".join(out)

    @property
    def size(self) -> int:
        return sum(map(len, self.texts))


class Joining:
    """Kept parts and plain text, joined into one `Joined` as they come: the parts are bytes
    already, so a long list costs a join of each run between two placeholders (where joining
    it as one string, cutting that at its placeholders again and encoding each piece cost
    more than half of a 200-comment list's making)."""

    def __init__(self) -> None:
        self._texts: list[bytes] = []
        self._names: list[str] = []
        self._run: list[bytes] = []

    def part(self, part: Part) -> None:
        run = self._run
        run.append(part[0])
        for name, text in part[1]:
            self._texts.append(b"".join(run))
            self._names.append(name)
            run = [text]
        self._run = run

    def text(self, text: bytes) -> None:
        self._run.append(text)

    def done(self, extra: str = "") -> Joined:
        return Joined((*self._texts, b"".join(self._run)), tuple(self._names), extra)


class KeptJoins:
    """Joined parts (a post's whole comment list for one kind of reader) kept while the objects
    they were joined from are the very same (kept query results, which every change of the
    post's comment section replaces) and until a moment (ISO 8601, UTC: when a member's edit
    window for one of their comments closes). At most `max_bytes`, the least recently used
    leaving first: a member's list of a long thread is hundreds of kilobytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._size = 0
        self._joins: OrderedDict[Hashable, tuple[tuple[object, ...], str, tuple[Joined, ...], int]] = OrderedDict()

    def get(self, key: Hashable, sources: tuple[object, ...], now: str) -> tuple[Joined, ...] | None:
        found = self._joins.get(key)
        if found is None:
            return None
        kept_sources, until, joined, _ = found
        if until <= now or len(kept_sources) != len(sources) \
                or any(kept is not source for kept, source in zip(kept_sources, sources)):
            self._forget(key)
            return None
        self._joins.move_to_end(key)
        return joined

    def put(self, key: Hashable, sources: tuple[object, ...], until: str, joined: tuple[Joined, ...]) -> None:
        if key in self._joins:
            self._forget(key)
        size = sum(part.size for part in joined)
        if size > self.max_bytes // 4:
            return
        self._joins[key] = (sources, until, joined, size)
        self._size += size
        while self._size > self.max_bytes:
            self._forget(next(iter(self._joins)))

    def _forget(self, key: Hashable) -> None:
        self._size -= self._joins.pop(key)[3]

    def forget_post(self, post_id: int) -> None:
        """When a post's sources are let go (read anew): its entries, keyed by the post's id
        first, can never match again, and what they hold (whole comment lists, and the sources
        themselves) should not wait for the LRU to leave."""
        for key in [key for key in self._joins if isinstance(key, tuple) and key[0] == post_id]:
            self._forget(key)

    def __len__(self) -> int:
        return len(self._joins)

"""A readable diff between two versions of a text: line by line, the changed words within
a changed line marked, and long unchanged stretches folded away."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

CONTEXT = 3  # unchanged lines shown on each side of a change
MIN_FOLD = 3  # fewer unchanged lines than this are simply shown
# Below this likeness two lines are different lines, not one edited line: marking every
# word of them would only be noise.
SIMILAR_ENOUGH = 0.4
_TOKENS = re.compile(r"\w+|\s+|[^\w\s]")


@dataclass(frozen=True)
class Segment:
    text: str
    changed: bool  # a word removed (in a removed line) or added (in an added line)


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "del" or "add"
    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        return "".join(segment.text for segment in self.segments)


@dataclass(frozen=True)
class Fold:
    """Unchanged lines shown only on demand."""

    lines: tuple[DiffLine, ...]


def line_diff(old: str, new: str) -> list[DiffLine | Fold]:
    """From `old` to `new`; an empty list when nothing changed."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    rows: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        if tag == "equal":
            rows.extend(_whole("same", line) for line in old_lines[i1:i2])
        else:
            rows.extend(_changed_block(old_lines[i1:i2], new_lines[j1:j2]))
    if all(row.kind == "same" for row in rows):
        return []
    return _fold(rows)


def _whole(kind: str, line: str) -> DiffLine:
    return DiffLine(kind, (Segment(line, False),))


def _changed_block(removed: list[str], added: list[str]) -> list[DiffLine]:
    """Removed lines, then added ones; lines that were edited get their changed words marked."""
    old_rows = [_whole("del", line) for line in removed]
    new_rows = [_whole("add", line) for line in added]
    for index in range(min(len(removed), len(added))):
        old_row, new_row = _word_diff(removed[index], added[index])
        if old_row is not None and new_row is not None:
            old_rows[index], new_rows[index] = old_row, new_row
    return old_rows + new_rows


def _word_diff(old: str, new: str) -> tuple[DiffLine | None, DiffLine | None]:
    old_tokens, new_tokens = _TOKENS.findall(old), _TOKENS.findall(new)
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    if matcher.ratio() < SIMILAR_ENOUGH:
        return None, None
    old_parts: list[Segment] = []
    new_parts: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        _append(old_parts, "".join(old_tokens[i1:i2]), tag != "equal")
        _append(new_parts, "".join(new_tokens[j1:j2]), tag != "equal")
    return DiffLine("del", tuple(old_parts)), DiffLine("add", tuple(new_parts))


def _append(parts: list[Segment], text: str, changed: bool) -> None:
    """Adds text to a line's segments, joining it to the last one when they are alike."""
    if not text:
        return
    if parts and parts[-1].changed == changed:
        parts[-1] = Segment(parts[-1].text + text, changed)
    else:
        parts.append(Segment(text, changed))


def _fold(rows: list[DiffLine]) -> list[DiffLine | Fold]:
    """Keeps CONTEXT unchanged lines around each change and folds the rest of each stretch."""
    shown: list[DiffLine | Fold] = []
    start = 0
    while start < len(rows):
        end = start
        while end < len(rows) and rows[end].kind == "same":
            end += 1
        if end == start:  # a changed line
            shown.append(rows[start])
            start += 1
            continue
        keep_before = 0 if start == 0 else CONTEXT  # after the change above this stretch
        keep_after = 0 if end == len(rows) else CONTEXT  # before the change below it
        stretch = rows[start:end]
        hidden = stretch[keep_before:len(stretch) - keep_after]
        if len(hidden) < MIN_FOLD:
            shown.extend(stretch)
        else:
            shown.extend(stretch[:keep_before])
            shown.append(Fold(tuple(hidden)))
            shown.extend(stretch[len(stretch) - keep_after:])
        start = end
    return shown

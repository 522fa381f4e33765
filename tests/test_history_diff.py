"""The history page's diff: line by line, changed words marked, long unchanged stretches
folded; and no restore offered for a version whose text is the current one."""

from __future__ import annotations

import re

from blog.content.diffs import DiffLine, Fold, Segment, line_diff
from blog.keys import STORE

from .conftest import register
from .posts_helpers import create_post, edit_post, post_id
from .test_posts_trash_history import _post, diff_rows


def kinds(rows: list[DiffLine | Fold]) -> list[str]:
    return ["fold" if isinstance(row, Fold) else row.kind for row in rows]


def test_each_removed_and_added_line_is_its_own_line():
    rows = line_diff("one\ntwo\nthree", "one\nthree\nfour")
    assert [(row.kind, row.text) for row in rows if isinstance(row, DiffLine)] == [
        ("same", "one"), ("del", "two"), ("same", "three"), ("add", "four")]


def test_the_changed_words_within_an_edited_line_are_marked():
    rows = line_diff("The quick brown fox jumps.", "The quick red fox leaps.")
    assert kinds(rows) == ["del", "add"]
    removed, added = rows
    assert isinstance(removed, DiffLine) and isinstance(added, DiffLine)
    assert [s.text for s in removed.segments if s.changed] == ["brown", "jumps"]
    assert [s.text for s in added.segments if s.changed] == ["red", "leaps"]
    assert removed.text == "The quick brown fox jumps." and added.text == "The quick red fox leaps."
    assert removed.segments[0] == Segment("The quick ", False)


def test_lines_that_have_nothing_in_common_are_not_marked_word_by_word():
    removed, added = line_diff("Completely different words here", "Nothing alike at all, truly")
    assert isinstance(removed, DiffLine) and isinstance(added, DiffLine)
    assert removed.segments == (Segment("Completely different words here", False),)
    assert added.segments == (Segment("Nothing alike at all, truly", False),)


def test_long_unchanged_stretches_fold_with_three_lines_of_context():
    old = "\n".join(f"line {n}" for n in range(1, 31))
    new = old.replace("line 15", "line fifteen")
    rows = line_diff(old, new)
    assert kinds(rows) == ["fold", "same", "same", "same", "del", "add", "same", "same", "same", "fold"]
    first, last = rows[0], rows[-1]
    assert isinstance(first, Fold) and len(first.lines) == 11 and first.lines[0].text == "line 1"
    assert isinstance(last, Fold) and len(last.lines) == 12 and last.lines[-1].text == "line 30"
    # A short stretch between two changes stays whole.
    rows = line_diff("a\nb\nc\nd\ne\nf", "A\nb\nc\nd\ne\nF")
    assert "fold" not in kinds(rows)


def test_no_change_is_an_empty_diff():
    assert line_diff("same\ntext", "same\ntext") == []
    assert line_diff("", "") == []


async def test_the_revision_page_shows_lines_marked_words_and_folds(client):
    await register(client, "alice")
    body = "\n".join(f"Paragraph {n} of the story." for n in range(1, 21))
    location = await create_post(client, title="A story", body=body)
    changed = body.replace("Paragraph 10 of the story.", "Paragraph 10 of the whole story.")
    assert (await edit_post(client, location, body=changed + "\nThe end.")).status == 303
    first = (await client.app[STORE].revisions.of_post(post_id(location)))[-1]
    page = await (await client.get(f"{location}/history/{first.id}")).text()
    rows = diff_rows(page)
    assert ("del", "Paragraph 10 of the story.") in rows
    assert ("add", "Paragraph 10 of the whole story.") in rows
    assert ("add", "The end.") in rows
    assert re.search(r'<div class="diff-line add">.*?<ins>whole </ins>', page)
    assert '<span class="visually-hidden">Removed: </span>' in page
    assert re.search(r'<details class="diff-fold"><summary>6 unchanged lines</summary>', page)
    assert "Restore this version" in page


async def test_restore_is_not_offered_for_a_version_identical_to_the_current_text(client):
    await register(client, "alice")
    location = await create_post(client, title="Back and forth", body="Original")
    assert (await edit_post(client, location, body="Changed")).status == 303
    assert (await edit_post(client, location, body="Original")).status == 303  # version 3 = version 1's text
    revisions = await client.app[STORE].revisions.of_post(post_id(location))
    first = revisions[-1]
    page = await (await client.get(f"{location}/history/{first.id}")).text()
    assert "the same as the current one, so there is nothing to restore" in page
    assert "Restore this version" not in page
    second = await (await client.get(f"{location}/history/{revisions[1].id}")).text()
    assert "Restore this version" in second
    # Sending the restore anyway saves no empty revision.
    response = await _post(client, f"{location}/history/{first.id}/restore")
    assert response.status == 303
    assert len(await client.app[STORE].revisions.of_post(post_id(location))) == 3

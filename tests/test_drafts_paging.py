"""'My posts' pages its drafts like every other list (keyset on an index, not offset)."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from blog import clock
from blog.keys import STORE

from .conftest import register
from .plans import walks_index
from .posts_helpers import create_post, edit_post, listed_titles, submit
from .test_scheduled_posts import scheduled


def drafts_section(page: str) -> str:
    match = re.search(r'<section class="card drafts".*?</section>', page, re.S)
    return match.group(0) if match else ""


def draft_titles(page: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r'<li><a href="/posts/\d+/[^"]+">([^<]*)</a>', drafts_section(page))]


def drafts_pager(page: str) -> tuple[str | None, str | None]:
    section = drafts_section(page)
    newer = re.search(r'<a rel="prev" href="([^"]+)">← Newer drafts</a>', section)
    older = re.search(r'<a rel="next" href="([^"]+)">Older drafts →</a>', section)
    return (html.unescape(newer.group(1)) if newer else None, html.unescape(older.group(1)) if older else None)


async def test_drafts_come_ten_at_a_time_newest_change_first_with_their_own_pager(client, other_browser, monkeypatch):
    await register(client, "alice")
    first = await create_post(client, title="Draft 0", status="draft")
    for n in range(1, 23):
        await create_post(client, title=f"Draft {n}", status="draft")
    for n in range(12):
        await create_post(client, title=f"Published {n}")
    assert (await edit_post(client, first, title="Draft 0, changed last", status="draft")).status == 303

    page = await (await client.get("/authors/alice")).text()
    assert draft_titles(page) == ["Draft 0, changed last", *[f"Draft {n}" for n in range(22, 13, -1)]]
    assert listed_titles(page)[:2] == ["Published 11", "Published 10"]  # the posts' list is as before
    newer, older = drafts_pager(page)
    assert newer is None and older and older.startswith("/authors/alice?drafts_before=")

    db = client.app[STORE].db
    fetchall = db.fetchall
    queries: list[tuple[str, object]] = []

    async def recording(sql, params=()):  # type: ignore[no-untyped-def]
        if "posts.status = 'draft'" in sql:
            queries.append((sql, params))
        return await fetchall(sql, params)

    monkeypatch.setattr(db, "fetchall", recording)
    second = await (await client.get(older)).text()
    assert draft_titles(second) == [f"Draft {n}" for n in range(13, 3, -1)]
    third = await (await client.get(drafts_pager(second)[1])).text()  # type: ignore[arg-type]
    assert draft_titles(third) == ["Draft 3", "Draft 2", "Draft 1"]
    assert drafts_pager(third)[1] is None
    back = await (await client.get(drafts_pager(third)[0])).text()  # type: ignore[arg-type]
    assert draft_titles(back) == draft_titles(second)
    monkeypatch.undo()
    assert queries
    for sql, params in queries:
        assert await walks_index(db, sql, params, "posts_drafts_by_author") is None

    # Nobody else sees them, and a made-up cursor is a clear 400.
    reader = other_browser()
    assert drafts_section(await (await reader.get("/authors/alice")).text()) == ""
    response = await client.get("/authors/alice?drafts_before=not-a-cursor")
    assert response.status == 400 and "This page link is not valid" in await response.text()


async def test_scheduled_posts_sit_above_the_first_page_of_drafts_soonest_first(client, other_browser, monkeypatch):
    await register(client, "alice")
    soon, later = (clock.now() + timedelta(days=days) for days in (1, 5))
    for title, when in (("Later", later), ("Soon", soon)):
        response = await submit(client, "/posts/new", scheduled(title, when))
        assert response.status == 303, await response.text()
    for n in range(12):
        await create_post(client, title=f"Draft {n}", status="draft")

    db = client.app[STORE].db
    fetchall, queries = db.fetchall, []

    async def recording(sql, params=()):  # type: ignore[no-untyped-def]
        if "posts.status = 'scheduled'" in sql:
            queries.append((sql, params))
        return await fetchall(sql, params)

    monkeypatch.setattr(db, "fetchall", recording)
    page = await (await client.get("/authors/alice")).text()
    monkeypatch.undo()
    assert queries
    for sql, params in queries:
        assert await walks_index(db, sql, params, "posts_scheduled_by_author") is None
    section = drafts_section(page)
    assert "Your drafts and scheduled posts" in section
    assert draft_titles(page) == ["Soon", "Later", *[f"Draft {n}" for n in range(11, 1, -1)]]
    assert section.count("Scheduled for") == 2
    # The next page of drafts does not repeat them.
    second = await (await client.get(drafts_pager(page)[1])).text()  # type: ignore[arg-type]
    assert draft_titles(second) == ["Draft 1", "Draft 0"]
    # Nobody else sees any of them.
    assert drafts_section(await (await other_browser().get("/authors/alice")).text()) == ""

"""Search: /search finds public posts by any word of their title, summary, body or tags,
follows every change of a post on the next request, and takes any input calmly."""

from __future__ import annotations

import html
import re

import pytest

from blog.keys import STORE
from blog.store.search import MAX_PAGE, parse_query

from .conftest import csrf_token, register
from .posts_helpers import create_post, edit_post, post_id, trash_post

RESULT = re.compile(r'<li class="search-result">\s*<h2><a href="(/posts/\d+/[^"]+)">([^<]*)</a>')


def found(page: str) -> list[str]:
    """The titles of the results on a search page, in order."""
    return [html.unescape(title) for _, title in RESULT.findall(page)]


async def search(browser, query: str, **params: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    response = await browser.get("/search", params={"q": query, **params})
    return response.status, await response.text()


async def titles(browser, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    status, page = await search(browser, query)
    assert status == 200, page
    return found(page)


class LookingOnly(Exception):
    """Rolls back a transaction that only looked."""


async def index_in_step(client) -> None:  # type: ignore[no-untyped-def]
    """The index holds exactly the public posts, as they are now (SQLite: FTS5 compares the
    index with its content token by token; PostgreSQL: each document is made again and
    compared); the kept counts and the tag rows' listed_at equal what counting again gives."""
    db = client.app[STORE].db
    listed = "status = 'published' AND deleted_at IS NULL AND kind = 'post'"
    if db.engine == "sqlite":
        async with db.transaction(notify=False) as tx:
            await tx.execute("INSERT INTO post_search (post_search, rank) VALUES ('integrity-check', 1)")
    else:
        indexed = await db.fetchall("SELECT post_id, document FROM post_search ORDER BY post_id")
        again: list = []
        with pytest.raises(LookingOnly):  # made again by the same function, compared, and rolled back
            async with db.transaction(notify=False) as tx:
                for post_id, _ in indexed:
                    await tx.execute("SELECT blog_index_post(?)", (post_id,))
                again = await tx.fetchall("SELECT post_id, document FROM post_search ORDER BY post_id")
                raise LookingOnly()
        public = await db.fetchall(f"SELECT id FROM posts WHERE {listed} ORDER BY id")
        assert [row[0] for row in indexed] == [row[0] for row in public]
        assert [tuple(row) for row in indexed] == [tuple(row) for row in again]
    assert await db.fetchall(
        "SELECT post_id, tag FROM post_tags JOIN posts ON posts.id = post_id"
        f" WHERE listed_at IS DISTINCT FROM (CASE WHEN {listed} THEN published_at END)") == []
    for kept, counted in (
        ("SELECT tag, posts FROM tag_counts", "SELECT tag, COUNT(*) FROM post_tags WHERE listed_at IS NOT NULL GROUP BY tag"),
        ("SELECT author_id, posts FROM author_counts", f"SELECT author_id, COUNT(*) FROM posts WHERE {listed} GROUP BY 1"),
        ("SELECT month, posts FROM month_counts",
         f"SELECT substr(published_at, 1, 7), COUNT(*) FROM posts WHERE {listed} GROUP BY 1"),
    ):
        assert sorted(map(tuple, await db.fetchall(kept))) == sorted(map(tuple, await db.fetchall(counted))), kept


async def test_finds_posts_by_title_summary_body_and_tags(client):
    await register(client, "alice")
    await create_post(client, title="Tuning the garbage collector", body="Pauses went away.")
    await create_post(client, title="Second", summary="All about flamegraphs", body="Text.")
    await create_post(client, title="Third", body="We measured the **latency** twice.")
    await create_post(client, title="Fourth", body="Nothing special.", tags="observability")
    assert await titles(client, "garbage") == ["Tuning the garbage collector"]
    assert await titles(client, "flamegraphs") == ["Second"]
    assert await titles(client, "latency") == ["Third"]
    assert await titles(client, "observability") == ["Fourth"]
    await index_in_step(client)


async def test_accents_word_forms_all_words_and_phrases(client):
    await register(client, "alice")
    await create_post(client, title="Le café du coin", body="Un bon café.")
    await create_post(client, title="Morning run", body="I run every day before work.")
    await create_post(client, title="Both words", body="The quick brown fox jumps.")
    await create_post(client, title="One word", body="A brown dog sleeps; the fox is quick.")
    assert await titles(client, "cafe") == ["Le café du coin"]
    assert await titles(client, "CAFÉ") == ["Le café du coin"]
    assert await titles(client, "running") == ["Morning run"]  # the stemmer: running -> run
    assert set(await titles(client, "brown fox")) == {"Both words", "One word"}  # every word, anywhere
    assert await titles(client, "brown cat") == []  # every word must match
    assert await titles(client, '"quick brown fox"') == ["Both words"]  # the phrase, in order
    assert await titles(client, '"fox quick"') == []


async def test_results_show_title_author_date_tags_and_a_marked_snippet(client):
    await register(client, "alice")
    location = await create_post(client, title="Caching <b>pages</b>", tags="performance, web",
                                 body="Some text before. We keep rendered pages in memory until a write. More after.")
    status, page = await search(client, "memory")
    assert status == 200
    result = page[page.index('<li class="search-result">'):]
    assert f'href="{location}"' in result
    assert "Caching &lt;b&gt;pages&lt;/b&gt;" in result  # the title stays text
    assert 'by <a href="/authors/alice">alice</a>' in result
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT[^"]+Z">', result)
    assert "<mark>memory</mark>" in result and "rendered pages in" in result
    assert '<a href="/tags/performance">performance</a>' in result


async def test_snippets_escape_what_posts_contain(client):
    await register(client, "alice")
    await create_post(client, title="Markup", body="The words `<script>alert(1)</script>` and needle here.")
    _, page = await search(client, "needle")
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<mark>needle</mark>" in page


async def test_drafts_pages_scheduled_and_trashed_posts_are_never_found(client):
    await register(client, "alice")
    await create_post(client, title="Draft zebra", status="draft")
    trashed = await create_post(client, title="Trashed zebra")
    await trash_post(client, trashed)
    page = await create_post(client, title="Page zebra")
    scheduled = await create_post(client, title="Scheduled zebra", tags="stripes")
    db = client.app[STORE].db
    await db.write("UPDATE posts SET kind = 'page' WHERE id = ?", (post_id(page),))
    await db.write("UPDATE posts SET status = 'scheduled', publish_at = '2099-01-01T00:00:00.000000Z'"
                   " WHERE id = ?", (post_id(scheduled),))
    await create_post(client, title="Public zebra")
    assert await titles(client, "zebra") == ["Public zebra"]
    assert "Scheduled zebra" not in await (await client.get("/tags/stripes")).text()
    await index_in_step(client)
    # The scheduler publishes with a plain UPDATE: the index follows it all the same.
    await db.write("UPDATE posts SET status = 'published', publish_at = NULL WHERE id = ?", (post_id(scheduled),))
    assert set(await titles(client, "zebra")) == {"Public zebra", "Scheduled zebra"}
    assert "Scheduled zebra" in await (await client.get("/tags/stripes")).text()  # its tag rows followed
    await index_in_step(client)


async def test_the_index_follows_edits_publishing_tags_trash_restore_and_purge(client):
    await register(client, "root")  # the admin, who may purge
    location = await create_post(client, title="Original title", body="An aardvark.", tags="alpha", status="draft")
    assert await titles(client, "aardvark") == []
    assert (await edit_post(client, location, status="published")).status == 303
    assert await titles(client, "aardvark") == ["Original title"]
    response = await edit_post(client, location, title="Renamed", body="A pangolin now.", tags="beta, gamma")
    location = response.headers["Location"]
    assert await titles(client, "aardvark") == [] and await titles(client, "alpha") == []
    assert await titles(client, "pangolin") == ["Renamed"]  # on the very next request
    assert await titles(client, "gamma") == ["Renamed"]
    await index_in_step(client)
    assert (await trash_post(client, location)).status == 303
    assert await titles(client, "pangolin") == []
    await index_in_step(client)
    token = await csrf_token(client, "/trash")
    assert (await client.post(f"/trash/{post_id(location)}/restore", data={"csrf_token": token},
                              allow_redirects=False)).status == 303
    assert await titles(client, "pangolin") == ["Renamed"]
    await trash_post(client, location)
    assert (await client.post(f"/trash/{post_id(location)}/purge", data={"csrf_token": token},
                              allow_redirects=False)).status == 303
    assert await titles(client, "pangolin") == []
    await index_in_step(client)


async def test_the_index_follows_tag_rows_written_by_any_code(client):
    await register(client, "alice")
    location = await create_post(client, title="Tagged", body="Body.", tags="one, two")
    db, number = client.app[STORE].db, post_id(location)
    await db.write("UPDATE post_tags SET tag = 'renamed' WHERE post_id = ? AND tag = 'one'", (number,))
    assert await titles(client, "renamed") == ["Tagged"] and await titles(client, "one") == []
    await db.write("DELETE FROM post_tags WHERE post_id = ? AND tag = 'two'", (number,))
    assert await titles(client, "two") == []
    await index_in_step(client)
    await db.write("DELETE FROM posts WHERE id = ?", (number,))  # a public post deleted outright
    assert await titles(client, "tagged") == [] and await titles(client, "renamed") == []
    await index_in_step(client)


async def test_an_old_database_gets_its_posts_indexed_and_counted_by_the_migration(tmp_path):
    import sqlite3

    from blog.store import Store
    from blog.store.db import migrations

    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        for number, script in migrations():
            if number < 10:
                conn.executescript(script.read_text())
        conn.execute("PRAGMA user_version = 9")
        conn.execute("INSERT INTO users (id, username, email, password_hash, role, created_at)"
                     " VALUES (1, 'old', 'old@example.com', 'x', 'admin', '2025-01-01T00:00:00.000000Z')")
        for number, status in ((1, "published"), (2, "draft")):
            conn.execute("INSERT INTO posts (id, author_id, slug, title, excerpt, body, body_html, status, created_at,"
                         " updated_at, published_at) VALUES (?, 1, ?, 'Old wombat', 'x', 'x', 'x', ?,"
                         " '2025-01-01T00:00:00.000000Z', '2025-01-01T00:00:00.000000Z', '2025-01-01T00:00:00.000000Z')",
                         (number, f"old-{number}", status))
        conn.execute("INSERT INTO post_tags VALUES (1, 'marsupials', 0, '2025-01-01T00:00:00.000000Z')")
        conn.execute("INSERT INTO post_tags VALUES (2, 'drafty', 0, NULL)")
    store = Store(path)
    await store.open()
    try:
        results = await store.search.posts("wombat")
        assert [hit.id for hit in results.hits] == [1]
        assert [hit.id for hit in (await store.search.posts("marsupials")).hits] == [1]
        assert [(tag.tag, tag.posts) for tag in await store.catalog.tags()] == [("marsupials", 1)]
        assert [(entry.author.username, entry.posts) for entry in await store.catalog.authors()] == [("old", 1)]
        assert [(month.year, month.month, month.posts) for month in await store.catalog.months()] == [(2025, 1, 1)]
    finally:
        await store.close()


HOSTILE = [
    '"', '""', "'", "(", ")", "((", "*", "a*", "-", "-zebra", "zebra -", "AND", "OR", "NOT", "NEAR", "zebra AND",
    "OR zebra", "NEAR(zebra, post)", "zebra NEAR/2 post", "title:zebra", ":", "^zebra", "zebra^", "{title body}: x",
    "+", "\\", "%", "_", "%_%", "'; DROP TABLE posts; --", "\x00", "zebra\x00post", "\x1b[31m", "\u202e", "\ud7ff",
    "\ufeff", "🦓", "zebra 🦓", "日本語", "Ωμέγα", "ẞ", "a" * 1000, ("zebra " * 200).strip(), "zebra" + "\u0301" * 50,
    '"zebra', 'zebra"', '"unclosed phrase', "<script>alert(1)</script>", "&amp;", "NULL", "0", "-1",
]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
async def test_hostile_input_gets_results_or_nothing_found_never_an_error(client, query):
    await register(client, "alice")
    await create_post(client, title="A zebra post", body="Zebra and post words. 日本語 Ωμέγα.")
    status, page = await search(client, query)
    assert status == 200, page
    assert "fts5" not in page.lower() and "syntax error" not in page.lower() and "sqlite" not in page.lower()
    assert found(page) == ["A zebra post"] or "Nothing found for" in page
    assert "<script>alert" not in page


async def test_hostile_inputs_that_hold_a_word_find_it():
    for query in ('"zebra', "-zebra", "zebra AND", "NEAR(zebra, post)", "title:zebra", "zebra\x00post"):
        assert ("zebra",) in parse_query(query).terms, query


async def test_nothing_found_says_so_and_suggests_what_to_try(client):
    await register(client, "alice")
    await create_post(client, title="Something", tags="python")
    status, page = await search(client, "unicorn")
    assert status == 200
    assert "Nothing found for “unicorn”" in page
    assert '<a href="/tags/python">python</a>' in page and 'href="/archive"' in page
    _, phrase = await search(client, '"no such phrase"')
    assert "Try the words without quotes" in phrase


async def test_an_empty_query_shows_the_search_form(client):
    for query in ("", "   "):
        response = await client.get("/search", params={"q": query})
        page = await response.text()
        assert response.status == 200
        assert '<form class="search-form card" role="search" method="get" action="/search">' in page
        assert "Nothing found" not in page and "Results for" not in page
    assert (await client.get("/search")).status == 200


async def test_ten_results_a_page_with_a_more_link(client):
    await register(client, "alice")
    for number in range(23):
        await create_post(client, title=f"Koala {number}", body="koala " * (number % 5 + 1))
    seen: list[str] = []
    path: str | None = "/search?q=koala"
    while path:
        page = await (await client.get(path)).text()
        results = found(page)
        seen += results
        more = re.search(r'<a rel="next" href="([^"]+)">More results', page)
        path = html.unescape(more.group(1)) if more else None
        assert len(results) == (10 if path else 3)
    assert sorted(seen) == sorted(f"Koala {number}" for number in range(23))


@pytest.mark.parametrize("page", ["0", "-1", "x", "1.5", str(MAX_PAGE + 1), "99999999999999999999"])
async def test_a_page_number_out_of_range_is_a_clear_400(client, page):
    status, text = await search(client, "anything", page=page)
    assert status == 400 and "Start again from the first page" in text


async def test_every_page_has_the_search_box_in_its_header(client):
    await register(client, "alice")
    location = await create_post(client, title="Boxed")
    for path in ("/", location, "/login", "/tags/none", "/authors/alice", "/archive", "/no-such-page"):
        page = await (await client.get(path)).text()
        header = page[page.index('<header class="site-header">'):page.index("</header>")]
        assert '<form class="site-search" role="search" method="get" action="/search">' in header, path
        assert 'name="q"' in header, path


async def test_best_matches_first_the_words_in_the_title_then_tags_then_summary_then_body(client):
    await register(client, "alice")
    await create_post(client, title="Title has ocelot", body="Plain.")
    await create_post(client, title="Tagged", body="Plain.", tags="ocelot")
    await create_post(client, title="Summarised", summary="About an ocelot.", body="Plain.")
    await create_post(client, title="Body only, older", body="An ocelot in the body.")
    await create_post(client, title="Body only, newer", body="An ocelot in the body too.")
    assert await titles(client, "ocelot") == [
        "Title has ocelot", "Tagged", "Summarised", "Body only, newer", "Body only, older"]


async def test_a_results_list_is_made_once_for_everybody_until_the_next_change(client, other_browser, monkeypatch):
    import aiohttp_jinja2

    await register(client, "alice")
    await create_post(client, title="Okapi facts", body="The okapi is shy.", tags="", status="published")
    filters = aiohttp_jinja2.get_env(client.app).filters
    cleaned = 0
    real_readable = filters["readable_snippet"]

    def counting_readable(snippet):  # type: ignore[no-untyped-def]
        nonlocal cleaned
        cleaned += 1
        return real_readable(snippet)

    monkeypatch.setitem(filters, "readable_snippet", counting_readable)
    pages = [(await search(browser, "okapi", utm_source=str(n)))[1]
             for n, browser in enumerate((client, other_browser(), other_browser()))]
    assert all("Okapi facts" in found(page) for page in pages) and cleaned == 1  # one hit, made once
    await create_post(client, title="More okapi", body="An okapi again.", tags="", status="published")
    status, page = await search(other_browser(), "okapi")
    assert status == 200 and found(page) == ["More okapi", "Okapi facts"] and cleaned == 3  # made again, once

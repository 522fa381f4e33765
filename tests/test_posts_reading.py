"""Reading posts: the home page, a post's page, the tag and author lists, paging, drafts, bad addresses."""

from __future__ import annotations

import re

from blog.keys import STORE

from .conftest import register
from .posts_helpers import (
    create_post,
    edit_post,
    listed,
    listed_titles,
    make_image,
    pager_links,
    people,
    post_id,
    trash_post,
)

CURSOR = "2030-01-01T00:00:00.000000Z"


async def walk(browser, start: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """Follows "Older posts" from `start` to the end, then "Newer posts" back; returns the titles of each page visited."""
    pages: list[list[str]] = []
    path: str | None = start
    while path:
        response = await browser.get(path)
        assert response.status == 200, path
        page = await response.text()
        pages.append(listed_titles(page))
        path = pager_links(page)[1]
        assert len(pages) < 20, "Older posts never ends"
    newer = pager_links(page)[0]
    while newer:
        response = await browser.get(newer)
        assert response.status == 200, newer
        page = await response.text()
        pages.append(listed_titles(page))
        newer = pager_links(page)[0]
        assert len(pages) < 40, "Newer posts never ends"
    return pages


def check_walk(pages: list[list[str]], expected: list[str]) -> None:
    forward = len(pages) // 2 + 1
    older, newer = pages[:forward], pages[forward:]
    # Older posts: each post exactly once, newest first, 10 a page.
    assert [title for page in older for title in page] == expected
    assert [len(page) for page in older] == [len(expected[i:i + 10]) for i in range(0, len(expected), 10)]
    # Newer posts from the last page: the same pages again, back to the first.
    assert newer == list(reversed(older[:-1]))


async def test_walking_every_list_with_older_then_newer_visits_each_post_once_in_order(client, other_browser):
    await register(client, "alice")
    bob = other_browser()
    await register(bob, "bob")
    everything: list[str] = []
    for n in range(1, 26):
        title = f"Alice {n:02d}"
        await create_post(client, title=title, tags="walk" + (", odd" if n % 2 else ""))
        everything.append(title)
        if n in (5, 17, 24):
            await create_post(bob, title=f"Bob {n:02d}", tags="elsewhere")
            everything.append(f"Bob {n:02d}")
    # Neither a draft nor a trashed post may take a place in any list.
    await create_post(client, title="Alice draft", tags="walk", status="draft")
    trashed = await create_post(client, title="Alice trashed", tags="walk")
    response = await edit_post(client, trashed)  # a second revision, to show trashed posts with history stay out too
    assert response.status == 303
    assert (await trash_post(client, trashed)).status == 303

    reader = other_browser()
    newest_first = list(reversed(everything))
    alices = [t for t in newest_first if t.startswith("Alice")]
    check_walk(await walk(reader, "/"), newest_first)
    check_walk(await walk(reader, "/tags/walk"), alices)
    check_walk(await walk(reader, "/authors/alice"), alices)
    check_walk(await walk(reader, "/tags/odd"), [t for t in alices if int(t[-2:]) % 2])
    check_walk(await walk(reader, "/authors/bob"), ["Bob 24", "Bob 17", "Bob 05"])


async def test_every_list_page_query_walks_its_index_without_sorting(client, other_browser, monkeypatch):
    await register(client, "alice")
    for n in range(12):
        await create_post(client, title=f"Post {n}", tags="plan")
    reader = other_browser()
    db = client.app[STORE].db
    fetchall = db.fetchall
    queries: list[tuple[str, object]] = []

    async def recording(sql, params=()):  # type: ignore[no-untyped-def]
        if "ORDER BY" in sql and "LIMIT" in sql:
            queries.append((sql, params))
        return await fetchall(sql, params)

    monkeypatch.setattr(db, "fetchall", recording)
    expected_index = {"/": "posts_listed", "/tags/plan": "post_tags_listed", "/authors/alice": "posts_listed_by_author"}
    for path, index in expected_index.items():
        first = await (await reader.get(path)).text()
        older = pager_links(first)[1]
        assert older
        second = await (await reader.get(older)).text()
        newer = pager_links(second)[0]
        assert newer
        await reader.get(newer)
        listing = [(sql, params) for sql, params in queries if "published_at" in sql or "listed_at" in sql]
        assert len(listing) >= 3, path
        for sql, params in listing:
            if db.engine == "sqlite":
                plan = await fetchall("EXPLAIN QUERY PLAN " + sql, params)
                outer = [row["detail"] for row in plan if row["parent"] == 0]
                assert any(f"USING INDEX {index}" in d or f"USING COVERING INDEX {index}" in d for d in outer), (path, outer)
                assert not any("TEMP B-TREE" in d for d in outer), (path, outer)
                assert not any(d.startswith("SCAN posts") and "INDEX" not in d for d in outer), (path, outer)
            else:  # a dozen rows make a sequential scan cheapest: ask whether the index *can* serve the order
                async with db.transaction(notify=False) as tx:
                    await tx.execute("ANALYZE")
                    await tx.execute("SET LOCAL enable_seqscan = off")
                    plan = "\n".join(row[0] for row in await tx.fetchall("EXPLAIN " + sql, params))
                outer = plan.split("SubPlan")[0]  # the tag list's own subquery aside
                assert re.search(rf"Index (Only )?Scan (Backward )?using {index} ", outer), (path, plan)
                assert "Sort" not in outer, (path, plan)
        queries.clear()


async def test_home_lists_posts_with_title_author_date_summary_and_thumbnail(client, other_browser):
    await register(client, "alice")
    plain = await create_post(client, title="Plain & simple", body="**Bold** start of the body.\n\nSecond paragraph.")
    own = await create_post(client, title="With a summary", body="The body is not shown.", summary="My own summary.")
    pictured = await create_post(client, title="With a picture", image=("photo.png", make_image("PNG"), "image/png"))
    long = await create_post(client, title="Long", body=" ".join(["word"] * 500))
    page = await (await other_browser().get("/")).text()
    assert listed(page) == [(long, "Long"), (pictured, "With a picture"), (own, "With a summary"), (plain, "Plain & simple")]
    items = page.split('<article class="post-item">')[1:]
    assert len(items) == 4
    for item in items:
        assert '<a href="/authors/alice">alice</a>' in item
        assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT[^"]+Z">\d\d \w{3} \d{4}</time>', item)
    long_item, pictured_item, own_item, plain_item = items
    assert '<p class="excerpt">My own summary.</p>' in own_item and "The body is not shown" not in own_item
    assert '<p class="excerpt">Bold start of the body. Second paragraph.</p>' in plain_item
    assert "**" not in plain_item
    excerpt = re.search(r'<p class="excerpt">([^<]*)</p>', long_item).group(1)
    assert excerpt.startswith("word word") and excerpt.endswith("…") and len(excerpt) <= 300
    assert re.search(r'<img src="/images/[0-9a-f]{64}\.png"', pictured_item)
    assert "<img" not in plain_item and "<img" not in own_item
    assert "Plain &amp; simple" in plain_item


async def test_ten_posts_make_one_page_and_the_eleventh_starts_the_next(client):
    await register(client, "alice")
    for n in range(10):
        await create_post(client, title=f"Post {n}")
    page = await (await client.get("/")).text()
    assert len(listed(page)) == 10 and pager_links(page) == (None, None)
    await create_post(client, title="Post 10")
    page = await (await client.get("/")).text()
    assert listed_titles(page)[0] == "Post 10" and len(listed(page)) == 10
    newer, older = pager_links(page)
    assert newer is None and older and older.startswith("/?before=")
    last = await (await client.get(older)).text()
    assert listed_titles(last) == ["Post 0"]
    newer, older = pager_links(last)
    assert older is None and newer and newer.startswith("/?after=")


async def test_post_page_shows_title_body_author_tags_and_image(client, other_browser):
    await register(client, "alice")
    location = await create_post(client, title="Hello, World!", body="Some **strong** words.", tags="Python, Web Dev",
                                 image=("p.jpg", make_image("JPEG"), "image/jpeg"))
    assert re.fullmatch(r"/posts/\d+/hello-world", location)
    response = await other_browser().get(location)
    assert response.status == 200
    page = await response.text()
    assert "<h1>Hello, World!" in page
    assert "<p>Some <strong>strong</strong> words.</p>" in page
    assert '<a href="/authors/alice">alice</a>' in page
    assert '<a href="/tags/python">python</a>' in page and '<a href="/tags/web-dev">web-dev</a>' in page
    assert re.search(r'<figure class="post-image"><img src="/images/[0-9a-f]{64}\.jpg"', page)
    assert "edited by" not in page


async def test_outdated_slug_and_bare_id_redirect_permanently_to_the_current_address(client):
    await register(client, "alice")
    old = await create_post(client, title="First title")
    response = await edit_post(client, old, title="Second title")
    assert response.status == 303
    new = response.headers["Location"]
    assert new == f"/posts/{post_id(old)}/second-title"
    for path in (old, f"/posts/{post_id(old)}", f"/posts/{post_id(old)}/anything"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 301, path
        assert response.headers["Location"] == new
    assert (await client.get(old)).url.path == new
    assert "Second title" in await (await client.get(old)).text()
    # The sub-pages follow the post to its new address too.
    response = await client.get(old + "/edit", allow_redirects=False)
    assert response.status == 301 and response.headers["Location"] == new + "/edit"
    response = await client.get(old + "/history", allow_redirects=False)
    assert response.status == 301 and response.headers["Location"] == new + "/history"


async def test_edited_by_shows_the_editor_and_the_author_stays_the_author(client, other_browser):
    p = await people(client, other_browser)
    location = await create_post(p.alice, title="Alice writes")
    response = await edit_post(p.ed, location, body="Ed fixed a typo.")
    assert response.status == 303
    page = await (await p.anon.get(location)).text()
    assert "Ed fixed a typo." in page
    assert '<a href="/authors/alice">alice</a>' in page
    assert re.search(r"edited by eddie on <time datetime=\"[^\"]+\">\d\d \w{3} \d{4}, \d\d:\d\d UTC</time>", page)
    home = await (await p.anon.get("/")).text()
    assert '<a href="/authors/alice">alice</a>' in home and '/authors/eddie"' not in home
    assert "Alice writes" in await (await p.anon.get("/authors/alice")).text()
    assert "Alice writes" not in await (await p.anon.get("/authors/eddie")).text()


async def test_tag_and_author_pages_list_only_their_posts(client, other_browser):
    p = await people(client, other_browser)
    await create_post(p.alice, title="Alice on Python", tags="python")
    await create_post(p.bob, title="Bob on Python", tags="Python, rust")
    await create_post(p.bob, title="Bob on Rust", tags="rust")
    assert listed_titles(await (await p.anon.get("/tags/python")).text()) == ["Bob on Python", "Alice on Python"]
    assert listed_titles(await (await p.anon.get("/tags/rust")).text()) == ["Bob on Rust", "Bob on Python"]
    assert listed_titles(await (await p.anon.get("/authors/bob")).text()) == ["Bob on Rust", "Bob on Python"]
    assert listed_titles(await (await p.anon.get("/authors/alice")).text()) == ["Alice on Python"]
    empty = await p.anon.get("/tags/nothing-here")
    assert empty.status == 200 and "No posts have this tag yet." in await empty.text()
    no_tag = await p.anon.get("/tags/%21%21%21")  # "!!!": nothing of it can be in a tag
    assert no_tag.status == 404 and "There is no such tag" in await no_tag.text()
    assert (await p.anon.get("/authors/nobody")).status == 404


async def test_drafts_are_seen_only_by_their_author_editors_and_admins(client, other_browser):
    p = await people(client, other_browser)
    draft = await create_post(p.alice, title="Secret draft", tags="hidden", status="draft")
    await create_post(p.alice, title="Public post", tags="hidden")
    for who, browser in (("alice", p.alice), ("ed", p.ed), ("root", p.root)):
        response = await browser.get(draft)
        assert response.status == 200, who
        assert "Secret draft" in await response.text()
    for who, browser in (("bob", p.bob), ("anonymous", p.anon)):
        for path in (draft, f"/posts/{post_id(draft)}", f"/posts/{post_id(draft)}/other-slug"):
            response = await browser.get(path, allow_redirects=False)
            assert response.status == 404, (who, path)
            assert "Secret draft" not in await response.text()
    for who, browser in (("alice", p.alice), ("bob", p.bob), ("ed", p.ed), ("root", p.root), ("anon", p.anon)):
        for path in ("/", "/tags/hidden", "/authors/alice"):
            titles = listed_titles(await (await browser.get(path)).text())
            assert titles == ["Public post"], (who, path)
    # Only its author sees it among their drafts on their own page.
    mine = await (await p.alice.get("/authors/alice")).text()
    assert "Your drafts" in mine and f'href="{draft}">Secret draft</a>' in mine
    for browser in (p.bob, p.ed, p.root, p.anon):
        assert "Secret draft" not in await (await browser.get("/authors/alice")).text()


async def test_publishing_a_draft_lists_it(client):
    await register(client, "alice")
    draft = await create_post(client, title="Not yet", status="draft", tags="soon")
    assert listed_titles(await (await client.get("/")).text()) == []
    response = await edit_post(client, draft, status="published")
    assert response.status == 303
    for path in ("/", "/tags/soon", "/authors/alice"):
        assert listed_titles(await (await client.get(path)).text()) == ["Not yet"], path


async def test_bad_addresses_and_cursors_are_client_errors_never_500(client):
    await register(client, "alice")
    location = await create_post(client, title="Only post", tags="t")
    big = "9" * 30
    bad_cursors = ["garbage", ",", f"{CURSOR}", f"{CURSOR},", f"{CURSOR},abc", f"{CURSOR},{big}",
                   f"{CURSOR},-{big}", "2030-13-45T00:00:00.000000Z,1", "2030-01-01T00:00:00Z,1",
                   f"{CURSOR},1,2", "\x00,1", "𝟚𝟘𝟛𝟘-01-01T00:00:00.000000Z,1"]
    for base in ("/", "/tags/t", "/authors/alice"):
        for key in ("before", "after"):
            for cursor in bad_cursors:
                response = await client.get(base, params={key: cursor})
                assert response.status == 400, (base, key, cursor, response.status)
                assert "This page link is not valid" in await response.text()
        for key in ("before", "after"):  # an empty cursor: the first page or a 400, but never a 500
            assert (await client.get(base, params={key: ""})).status in (200, 400)
        # A well-formed cursor past either end is an empty page, not an error.
        assert (await client.get(base, params={"before": "2000-01-01T00:00:00.000000Z,1"})).status == 200
    for path in ("/posts/999999/x", "/posts/999999", f"/posts/{big}/x", f"/posts/{big}",
                 f"/posts/{big}/x/edit", f"/posts/{big}/x/history", f"{location}/history/{big}",
                 f"{location}/history/999999", "/posts/0/x", "/images/nothing.png"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 404, (path, response.status)


async def test_redirect_to_the_current_slug_keeps_the_query_without_breaking_headers(client):
    await register(client, "alice")
    location = await create_post(client, title="Query kept")
    pid = post_id(location)
    response = await client.get(f"/posts/{pid}/old?a=1&b=x%26y", allow_redirects=False)
    assert response.status == 301
    assert response.headers["Location"] == f"{location}?a=1&b=x%26y"
    response = await client.get(f"/posts/{pid}/old?a=%0d%0aSet-Cookie:%20evil=1", allow_redirects=False)
    assert response.status == 301
    assert "evil" not in response.headers.get("Set-Cookie", "")
    assert response.headers["Location"].startswith(location + "?")
    assert "\n" not in response.headers["Location"] and "\r" not in response.headers["Location"]

"""The trash (move, restore, purge) and a post's history (revisions, diffs, restoring an old text)."""

from __future__ import annotations

import html
import re

from blog.keys import STORE

from .conftest import csrf_token, register
from .posts_helpers import (
    create_post,
    edit_post,
    form_values,
    image_names,
    listed_titles,
    make_image,
    multipart,
    people,
    post_id,
    trash_post,
)
from .test_posts_images import clean_up_now


async def _post(browser, path: str):  # type: ignore[no-untyped-def]
    token = await csrf_token(browser, "/")
    return await browser.post(path, data={"csrf_token": token}, allow_redirects=False)


def history_entries(page: str) -> list[tuple[str, str]]:
    """(version, editor) of each entry on a history page, newest first."""
    return re.findall(r"Version (\d+)</a>(?:(?!</li>).)*?\bby (\w+), <time", page, re.S)


def diff_rows(page: str) -> list[tuple[str, str]]:
    """(kind, text) of each line of a revision page's diffs, in order, tags taken out."""
    rows = re.findall(r'<div class="diff-line (\w+)">.*?<span class="text">(.*?)</span></div>', page, re.S)
    return [(kind, html.unescape(re.sub(r"<[^>]+>", "", text))) for kind, text in rows]


def trash_entries(page: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r'<li class="card">\s*<strong>([^<]*)</strong>', page)]


async def test_a_trashed_post_leaves_every_public_page_and_comes_back_when_restored(client, other_browser):
    p = await people(client, other_browser)
    location = await create_post(p.alice, title="Going away", tags="gone")
    await create_post(p.alice, title="Staying", tags="gone")
    pid = post_id(location)
    response = await trash_post(p.alice, location)
    assert response.status == 303 and response.headers["Location"] == f"/trash?moved={pid}"
    page = await (await p.alice.get(response.headers["Location"])).text()
    assert "The post is in the trash" in page and trash_entries(page) == ["Going away"]
    assert f'action="/trash/{pid}/restore"' in page
    for name, browser in (("alice", p.alice), ("ed", p.ed), ("root", p.root), ("bob", p.bob), ("anon", p.anon)):
        for path in (location, f"/posts/{pid}", location + "/history"):
            expected = 303 if name == "anon" and path.endswith("/history") else 404  # 303: log in first
            assert (await browser.get(path, allow_redirects=False)).status == expected, (name, path)
        for path in ("/", "/tags/gone", "/authors/alice"):
            assert listed_titles(await (await browser.get(path)).text()) == ["Staying"], (name, path)
    response = await _post(p.alice, f"/trash/{pid}/restore")
    assert response.status == 303 and response.headers["Location"] == location
    assert (await p.anon.get(location)).status == 200
    for path in ("/", "/tags/gone", "/authors/alice"):
        assert listed_titles(await (await p.anon.get(path)).text()) == ["Staying", "Going away"], path
    assert trash_entries(await (await p.alice.get("/trash")).text()) == []
    # Restoring what is not in the trash is not possible.
    assert (await _post(p.alice, f"/trash/{pid}/restore")).status == 404


async def test_a_trashed_draft_is_not_among_its_authors_drafts(client):
    await register(client, "alice")
    draft = await create_post(client, title="Draft to bin", status="draft")
    assert "Draft to bin" in await (await client.get("/authors/alice")).text()
    assert (await trash_post(client, draft)).status == 303
    assert "Draft to bin" not in await (await client.get("/authors/alice")).text()
    assert trash_entries(await (await client.get("/trash")).text()) == ["Draft to bin"]


async def test_the_trash_shows_each_person_what_they_may_restore_and_purge_only_to_admins(client, other_browser):
    p = await people(client, other_browser)
    alices = await create_post(p.alice, title="Alice's binned post")
    bobs = await create_post(p.bob, title="Bob's binned post")
    assert (await trash_post(p.alice, alices)).status == 303
    assert (await trash_post(p.bob, bobs)).status == 303
    expected = {"alice": ["Alice's binned post"], "bob": ["Bob's binned post"],
                "ed": ["Bob's binned post", "Alice's binned post"], "root": ["Bob's binned post", "Alice's binned post"]}
    for name, titles in expected.items():
        page = await (await getattr(p, name).get("/trash")).text()
        assert trash_entries(page) == titles, name
        assert page.count("Restore</button>") == len(titles), name
        assert ("/purge" in page) == (name == "root"), name
    response = await p.anon.get("/trash", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/login?next=/trash"


async def test_purging_deletes_the_post_its_history_and_its_image_files(client, other_browser, config):
    p = await people(client, other_browser)
    location = await create_post(p.alice, title="Purge me", tags="doomed",
                                 image=("pic.png", make_image("PNG", (900, 600)), "image/png"))
    pid = post_id(location)
    names = set(image_names(await (await p.alice.get(location)).text()) + image_names(await (await p.alice.get("/")).text()))
    assert len(names) == 2  # the display copy and the thumbnail
    files = config.data_dir / "images"
    assert all((files / name).is_file() for name in names)
    assert (await edit_post(p.alice, location, body="Second version")).status == 303
    # Purging is only for what is already in the trash.
    assert (await _post(p.root, f"/trash/{pid}/purge")).status == 404
    assert (await trash_post(p.alice, location)).status == 303
    assert (await _post(p.alice, f"/trash/{pid}/purge")).status == 403
    assert (await _post(p.ed, f"/trash/{pid}/purge")).status == 403
    assert all((files / name).is_file() for name in names)
    response = await _post(p.root, f"/trash/{pid}/purge")
    assert response.status == 303 and response.headers["Location"] == "/trash"
    assert trash_entries(await (await p.root.get("/trash")).text()) == []
    assert all((files / name).is_file() for name in names)  # no request deletes a file: the cleanup does
    await clean_up_now(client)
    assert not any((files / name).exists() for name in names)
    for name in names:
        assert (await p.anon.get(f"/images/{name}")).status == 404
    assert (await p.root.get(location, allow_redirects=False)).status == 404
    assert (await _post(p.root, f"/trash/{pid}/restore")).status == 404
    db = client.app[STORE].db
    for table in ("posts", "revisions", "post_tags"):
        column = "id" if table == "posts" else "post_id"
        assert await db.fetchvalue(f"SELECT count(*) FROM {table} WHERE {column} = ?", (pid,)) == 0, table


async def test_every_save_is_a_revision_listed_with_its_editor(client, other_browser):
    p = await people(client, other_browser)
    location = await create_post(p.alice, title="Evolving", body="Line one\nLine two\nLine three")
    assert (await edit_post(p.ed, location, body="Line one\nLine 2\nLine three")).status == 303
    assert (await edit_post(p.alice, location, body="Line one\nLine 2\nLine three\nLine four")).status == 303
    page = await (await p.alice.get(location + "/history")).text()
    assert history_entries(page) == [("3", "alice"), ("2", "eddie"), ("1", "alice")]
    assert page.count('<span class="badge">current</span>') == 1
    assert re.search(r'Version 3</a>(?:(?!</li>).)*<span class="badge">current</span>', page, re.S)
    links = re.findall(r'<a href="([^"]+)">Version \d+</a>', page)
    assert len(links) == 3
    for link in links:
        assert (await p.alice.get(link)).status == 200


async def test_a_revision_shows_its_diff_against_the_current_text_and_can_be_restored(client, other_browser):
    p = await people(client, other_browser)
    location = await create_post(p.alice, title="First title", body="Alpha\nBeta\nGamma", summary="Old summary",
                                 tags="old")
    response = await edit_post(p.ed, location, title="Second title", body="Alpha\nBETA\nGamma\nDelta",
                               summary="", tags="new")
    assert response.status == 303
    current = response.headers["Location"]
    revisions = await client.app[STORE].revisions.of_post(post_id(location))
    first = revisions[-1]
    page = await (await p.alice.get(f"{current}/history/{first.id}")).text()
    assert "Version 1" in page and "Saved by alice" in page
    lines = diff_rows(page)
    for row in [("del", "Beta"), ("add", "BETA"), ("add", "Delta"), ("del", "First title"),
                ("add", "Second title"), ("del", "Old summary"), ("del", "old"), ("add", "new")]:
        assert row in lines, row
    assert "Restore this version" in page
    latest = await (await p.alice.get(f"{current}/history/{revisions[0].id}")).text()
    assert "This is the current version." in latest and "Restore this version" not in latest
    # Restoring saves the old text as a new revision; nothing is lost.
    response = await _post(p.root, f"{current}/history/{first.id}/restore")
    assert response.status == 303
    assert response.headers["Location"] == f"/posts/{post_id(location)}/first-title"
    page = await (await p.anon.get(response.headers["Location"])).text()
    assert "<h1>First title" in page and "<p>Alpha\nBeta\nGamma</p>" in page and "edited by root" in page
    assert '<a href="/tags/old">old</a>' in page
    assert listed_titles(await (await p.anon.get("/tags/old")).text()) == ["First title"]
    assert "Old summary" in await (await p.anon.get("/")).text()
    history = await (await p.alice.get(response.headers["Location"] + "/history")).text()
    assert history_entries(history) == [("3", "root"), ("2", "eddie"), ("1", "alice")]
    # The form now carries the restored text at the new version.
    form = form_values(await (await p.alice.get(response.headers["Location"] + "/edit")).text())
    assert (form["version"], form["title"], form["body"]) == ("3", "First title", "Alpha\nBeta\nGamma")


async def test_history_of_unknown_revisions_and_other_posts_is_404(client):
    await register(client, "alice")
    one = await create_post(client, title="One")
    two = await create_post(client, title="Two")
    rev_of_two = (await client.app[STORE].revisions.of_post(post_id(two)))[0].id
    assert (await client.get(f"{one}/history/{rev_of_two}")).status == 404
    assert (await client.get(f"{one}/history/999999")).status == 404
    assert (await _post(client, f"{one}/history/{rev_of_two}/restore")).status == 404
    assert "<h1>One" in await (await client.get(one)).text()


async def test_trash_and_restore_leave_the_history_and_open_edit_forms_as_they_were(client):
    await register(client, "alice")
    location = await create_post(client, title="Round trip", body="Text")
    open_form = form_values(await (await client.get(location + "/edit")).text())
    assert (await trash_post(client, location)).status == 303
    assert (await _post(client, f"/trash/{post_id(location)}/restore")).status == 303
    history = await (await client.get(location + "/history")).text()
    assert re.findall(r"Version (\d+)</a>", history) == ["1"]
    assert history.count('<span class="badge">current</span>') == 1
    only = (await client.app[STORE].revisions.of_post(post_id(location)))[0]
    assert "This is the current version." in await (await client.get(f"{location}/history/{only.id}")).text()
    # Nobody changed the text, so the form opened before the trip still saves, as version 2.
    fields = {k: open_form[k] for k in ("title", "summary", "tags", "status", "version")}
    response = await client.post(location + "/edit", data=multipart({**fields, "body": "New text"}, open_form["csrf_token"]),
                                 allow_redirects=False)
    assert response.status == 303
    history = await (await client.get(location + "/history")).text()
    assert re.findall(r"Version (\d+)</a>", history) == ["2", "1"]

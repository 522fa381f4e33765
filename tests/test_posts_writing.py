"""Writing posts: the new-post form, validation, editing without lost updates, preview, and who may do what."""

from __future__ import annotations

import html
import re

from blog.keys import STORE

from .conftest import csrf_token, register
from .posts_helpers import (
    create_post,
    edit_post,
    field_errors,
    form_values,
    listed_titles,
    multipart,
    new_post_fields,
    people,
    post_id,
    submit,
    trash_post,
)


async def test_anonymous_visitors_are_sent_to_log_in_before_writing(client):
    response = await client.get("/posts/new", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/login?next=/posts/new"
    response = await client.post("/posts/new", data={"title": "x", "body": "y"}, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"].startswith("/login?next=")
    await register(client, "alice")
    response = await client.get("/posts/new")
    assert response.status == 200
    values = form_values(await response.text())
    assert {"csrf_token", "title", "body", "summary", "tags", "status"} <= set(values)
    assert values["status"] == "published"


async def test_a_new_post_is_saved_and_shown_at_its_address(client):
    await register(client, "alice")
    response = await submit(client, "/posts/new", new_post_fields(
        title="  My first post  ", body="# Heading\n\nA *fine* paragraph.", summary="In short.",
        tags="Python, Web Dev,  python , ÜBER!, , c++", status="published"))
    assert response.status == 303
    location = response.headers["Location"]
    assert re.fullmatch(r"/posts/\d+/my-first-post", location)
    page = await (await client.get(location)).text()
    assert "<h1>My first post" in page
    assert "<h1>Heading</h1>" in page and "<p>A <em>fine</em> paragraph.</p>" in page
    assert re.findall(r'<a href="/tags/([^"]+)">', page) == ["python", "web-dev", "uber", "c"]
    assert form_values(await (await client.get(location + "/edit")).text())["tags"] == "python, web-dev, uber, c"
    assert listed_titles(await (await client.get("/")).text()) == ["My first post"]


async def test_limits_at_their_maximum_are_accepted(client):
    await register(client, "alice")
    tags = ", ".join(f"tag{n}" for n in range(10))
    location = await create_post(client, title="T" * 200, body="b" * 100_000, summary="s" * 300, tags=tags)
    page = await (await client.get(location)).text()
    assert "T" * 200 in page and "b" * 100_000 in page
    assert len(re.findall(r'<a href="/tags/tag\d">', page)) == 10


async def test_invalid_input_is_shown_again_with_each_error_at_its_field(client):
    await register(client, "alice")
    cases = [
        ({"title": ""}, "title", "Give the post a title."),
        ({"title": "   "}, "title", "Give the post a title."),
        ({"title": "T" * 201}, "title", "Keep the title to 200 characters"),
        ({"body": ""}, "body", "Write something in the body."),
        ({"body": " \n\t "}, "body", "Write something in the body."),
        ({"body": "b" * 100_001}, "body", "Keep the body to 100,000 characters"),
        ({"summary": "s" * 301}, "summary", "Keep the summary to 300 characters"),
        ({"tags": ", ".join(f"t{n}" for n in range(11))}, "tags", "Use at most 10 tags"),
        ({"status": "secret"}, "status", "Choose draft, published or scheduled."),
        ({"status": ""}, "status", "Choose draft, published or scheduled."),
    ]
    for change, field, message in cases:
        fields = new_post_fields(title="Kept title", body="Kept **body**", summary="Kept summary", tags="kept, tags")
        fields.update(change)
        response = await submit(client, "/posts/new", fields)
        assert response.status == 400, change
        page = await response.text()
        errors = field_errors(page)
        assert list(errors) == [field], (change, errors)
        assert message in errors[field], (change, errors)
        values = form_values(page)
        for name in ("title", "body", "summary", "tags"):
            if name != field:
                assert values[name] == fields[name], (change, name)
        if field != "status":
            assert values[field] == (fields[field] if field == "body" else fields[field].strip()), change
    response = await submit(client, "/posts/new", new_post_fields(title="", body=""))
    assert set(field_errors(await response.text())) == {"title", "body"}
    assert listed_titles(await (await client.get("/")).text()) == []
    assert await client.app[STORE].db.fetchvalue("SELECT count(*) FROM posts") == 0


async def test_a_form_without_its_token_is_refused(client):
    await register(client, "alice")
    response = await client.post("/posts/new", data=multipart(new_post_fields(), token="wrong"), allow_redirects=False)
    assert response.status == 403
    assert await client.app[STORE].db.fetchvalue("SELECT count(*) FROM posts") == 0


async def test_editing_keeps_the_version_and_records_the_editor(client, other_browser):
    p = await people(client, other_browser)
    location = await create_post(p.alice, title="Original", body="Original body", tags="one")
    form = form_values(await (await p.alice.get(location + "/edit")).text())
    assert form["version"] == "1"
    assert (form["title"], form["body"], form["tags"], form["status"]) == ("Original", "Original body", "one", "published")
    response = await edit_post(p.ed, location, title="Changed by the editor", tags="two, Three")
    assert response.status == 303
    new_location = response.headers["Location"]
    assert new_location == f"/posts/{post_id(location)}/changed-by-the-editor"
    page = await (await p.anon.get(new_location)).text()
    assert "Changed by the editor" in page and "edited by eddie" in page
    assert '<a href="/authors/alice">alice</a>' in page
    assert re.findall(r'<a href="/tags/([^"]+)">', page) == ["two", "three"]
    assert listed_titles(await (await p.anon.get("/tags/one")).text()) == []
    assert listed_titles(await (await p.anon.get("/authors/alice")).text()) == ["Changed by the editor"]
    assert form_values(await (await p.alice.get(new_location + "/edit")).text())["version"] == "2"
    response = await edit_post(p.alice, new_location, body="Alice again")
    assert response.status == 303
    assert "edited by alice" in await (await p.anon.get(new_location)).text()


async def test_edit_errors_keep_input_and_do_not_save(client):
    await register(client, "alice")
    location = await create_post(client, title="Stays", body="Stays too")
    response = await edit_post(client, location, title="", body="New body I typed")
    assert response.status == 400
    page = await response.text()
    assert "Give the post a title." in field_errors(page)["title"]
    values = form_values(page)
    assert values["body"] == "New body I typed" and values["version"] == "1"
    assert "Stays too" in await (await client.get(location)).text()


async def test_a_stale_edit_gets_409_with_both_texts_and_overwrites_nothing(client, other_browser):
    p = await people(client, other_browser)
    location = await create_post(p.alice, title="Shared", body="First text", summary="First summary")
    stale = form_values(await (await p.alice.get(location + "/edit")).text())
    response = await edit_post(p.ed, location, body="Editor's text")
    assert response.status == 303
    mine = {**{k: stale[k] for k in ("title", "summary", "tags", "status", "version")}, "body": "Alice's own text"}
    response = await p.alice.post(location + "/edit", data=multipart(mine, stale["csrf_token"]), allow_redirects=False)
    assert response.status == 409
    page = await response.text()
    assert "Editor&#39;s text" in page and "Alice&#39;s own text" in page
    assert "eddie" in page and "Nothing was overwritten" in page
    # The post still has the editor's text, and history has no trace of the refused save.
    shown = html.unescape(await (await p.anon.get(location)).text())
    assert "Editor's text" in shown and "Alice's own text" not in shown
    revisions = await client.app[STORE].revisions.of_post(post_id(location))
    assert [r.body for r in revisions] == ["Editor's text", "First text"]
    # The conflict page's form carries the new version and the user's text: saving it works.
    again = form_values(page)
    assert again["version"] == "2" and again["body"] == "Alice's own text"
    response = await p.alice.post(location + "/edit", data=multipart(
        {k: again[k] for k in ("title", "body", "summary", "tags", "status", "version")}, again["csrf_token"]),
        allow_redirects=False)
    assert response.status == 303
    assert "Alice's own text" in html.unescape(await (await p.anon.get(location)).text())
    # Replaying the very first form again still conflicts.
    response = await p.alice.post(location + "/edit", data=multipart(mine, stale["csrf_token"]), allow_redirects=False)
    assert response.status == 409


async def test_bad_versions_are_400_and_trashed_posts_are_404(client):
    await register(client, "alice")
    location = await create_post(client, title="Versioned", body="Body")
    for version in ("", "abc", "1.5", "one"):
        response = await edit_post(client, location, version=version, body="Should not be saved")
        assert response.status == 400, version
        assert "This form is incomplete. Reload the page and try again." in await response.text()
    response = await edit_post(client, location, version="9" * 40, body="Should not be saved")
    assert response.status == 409
    assert "Should not be saved" not in await (await client.get(location)).text()
    form = form_values(await (await client.get(location + "/edit")).text())
    assert (await trash_post(client, location)).status == 303
    fields = {k: form[k] for k in ("title", "body", "summary", "tags", "status", "version")}
    response = await client.post(location + "/edit", data=multipart(fields, form["csrf_token"]), allow_redirects=False)
    assert response.status == 404
    assert (await client.get(location + "/edit")).status == 404
    assert (await trash_post(client, location)).status == 404


async def test_preview_renders_sanitized_html_for_logged_in_writers_only(client, other_browser):
    await register(client, "alice")
    token = await csrf_token(client, "/posts/new")
    body = "**bold** <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://example.com)"
    response = await client.post("/preview", data={"body": body}, headers={"X-CSRF-Token": token})
    assert response.status == 200 and response.content_type == "text/html"
    rendered = await response.text()
    assert "<strong>bold</strong>" in rendered
    assert "<script" not in rendered and 'href="javascript' not in rendered
    assert '<a href="https://example.com" rel="nofollow noopener">ok</a>' in rendered
    assert await client.app[STORE].db.fetchvalue("SELECT count(*) FROM posts") == 0
    response = await client.post("/preview", data={"body": body}, allow_redirects=False)
    assert response.status == 403
    response = await client.post("/preview", data={"body": body}, headers={"X-CSRF-Token": "forged"}, allow_redirects=False)
    assert response.status == 403
    anonymous = other_browser()
    response = await anonymous.post("/preview", data={"body": body}, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"].startswith("/login?next=")


LOGIN = "login"  # sent to the login form


async def _status(browser, method: str, path: str) -> int | str:  # type: ignore[no-untyped-def]
    """What a browser gets for a GET, or for a POST of a form with its token (when it has a session)."""
    if method == "GET":
        response = await browser.get(path, allow_redirects=False)
    else:
        page = await (await browser.get("/")).text()
        token = form_values(page).get("csrf_token", "")
        response = await browser.post(path, data={"csrf_token": token}, allow_redirects=False)
    if response.status == 303 and response.headers["Location"].startswith("/login?next="):
        return LOGIN
    return response.status


async def test_permissions_matrix(client, other_browser):
    p = await people(client, other_browser)
    roles = {"alice": p.alice, "bob": p.bob, "editor": p.ed, "admin": p.root, "anonymous": p.anon}
    draft = await create_post(p.alice, title="Alice's draft", status="draft")
    published = await create_post(p.alice, title="Alice's post")
    rev = (await client.app[STORE].revisions.of_post(post_id(published)))[0].id

    async def statuses(check) -> dict[str, int]:  # type: ignore[no-untyped-def]
        return {name: await check(name, browser) for name, browser in roles.items()}

    login = LOGIN
    # Viewing a draft.
    assert await statuses(lambda n, b: _status(b, "GET", draft)) == \
        {"alice": 200, "bob": 404, "editor": 200, "admin": 200, "anonymous": 404}
    # The edit form and the history, of a published post and of a draft.
    assert await statuses(lambda n, b: _status(b, "GET", published + "/edit")) == \
        {"alice": 200, "bob": 403, "editor": 200, "admin": 200, "anonymous": login}
    assert await statuses(lambda n, b: _status(b, "GET", draft + "/edit")) == \
        {"alice": 200, "bob": 404, "editor": 200, "admin": 200, "anonymous": login}
    assert await statuses(lambda n, b: _status(b, "GET", published + "/history")) == \
        {"alice": 200, "bob": 403, "editor": 200, "admin": 200, "anonymous": login}
    assert await statuses(lambda n, b: _status(b, "GET", f"{published}/history/{rev}")) == \
        {"alice": 200, "bob": 403, "editor": 200, "admin": 200, "anonymous": login}
    assert await statuses(lambda n, b: _status(b, "GET", draft + "/history")) == \
        {"alice": 200, "bob": 404, "editor": 200, "admin": 200, "anonymous": login}

    # Saving an edit: everyone allowed saves in turn, each with the current version.
    async def save(name, browser):  # type: ignore[no-untyped-def]
        if name in ("bob", "anonymous"):
            version = form_values(await (await p.alice.get(published + "/edit")).text())["version"]
            fields = new_post_fields(title="Alice's post", body=f"by {name}", version=version)
            token = await csrf_token(browser, "/") if name == "bob" else ""
            response = await browser.post(published + "/edit", data=multipart(fields, token), allow_redirects=False)
            if response.status == 303 and response.headers["Location"].startswith("/login?next="):
                return LOGIN
            return response.status
        return (await edit_post(browser, published, body=f"by {name}")).status

    assert await statuses(save) == {"alice": 303, "bob": 403, "editor": 303, "admin": 303, "anonymous": login}
    assert "by bob" not in await (await p.anon.get(published)).text()
    assert await statuses(lambda n, b: _status(b, "POST", f"{published}/history/{rev}/restore")) == \
        {"alice": 303, "bob": 403, "editor": 303, "admin": 303, "anonymous": login}

    # Deleting: one post each, so every allowed delete has something to move.
    posts = {name: await create_post(p.alice, title=f"For {name} to delete") for name in roles}
    assert await statuses(lambda n, b: _status(b, "POST", posts[n] + "/delete")) == \
        {"alice": 303, "bob": 403, "editor": 303, "admin": 303, "anonymous": login}
    trashed = [posts[n] for n in ("alice", "editor", "admin")]
    assert await statuses(lambda n, b: _status(b, "GET", "/trash")) == \
        {"alice": 200, "bob": 200, "editor": 200, "admin": 200, "anonymous": login}
    # Restoring from the trash and purging, each on a trashed post of Alice's.
    restore_targets = {"alice": trashed[0], "bob": trashed[1], "editor": trashed[1], "admin": trashed[2],
                       "anonymous": trashed[2]}
    assert await statuses(lambda n, b: _status(b, "POST", f"/trash/{post_id(restore_targets[n])}/restore")) == \
        {"alice": 303, "bob": 404, "editor": 303, "admin": 303, "anonymous": login}
    for location in trashed:
        assert (await trash_post(p.alice, location)).status == 303
    order = ["alice", "bob", "editor", "anonymous", "admin"]  # the admin last: purging is for good
    results = {}
    for name in order:
        results[name] = await _status(roles[name], "POST", f"/trash/{post_id(trashed[0])}/purge")
    assert results == {"alice": 403, "bob": 403, "editor": 403, "anonymous": LOGIN, "admin": 303}
    assert (await p.root.get(trashed[0], allow_redirects=False)).status == 404
    assert await client.app[STORE].posts.by_id(post_id(trashed[0])) is None

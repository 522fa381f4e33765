"""Pages (About, Contact): written by editors and admins with the post editor, read at
/pages/<slug>, linked only from the navigation, never in lists, feeds or the API."""

from __future__ import annotations

import re

from .conftest import csrf_token
from .posts_helpers import People, edit_post, new_post_fields, people, submit, trash_post


async def create_page(browser, **fields: str) -> str:  # type: ignore[no-untyped-def]
    response = await submit(browser, "/pages/new", new_post_fields(**fields))
    assert response.status == 303, await response.text()
    return response.headers["Location"]


async def test_editors_and_admins_write_pages_authors_and_visitors_cannot(client, other_browser):
    who: People = await people(client, other_browser)
    assert (await who.anon.get("/pages/new", allow_redirects=False)).status == 303
    assert (await who.alice.get("/pages/new")).status == 403
    assert (await submit(who.alice, "/pages/new", new_post_fields(title="Mine"), form_page="/posts/new")).status == 403
    assert (await who.alice.get("/pages")).status == 403
    for browser, title in ((who.ed, "About"), (who.root, "Contact")):
        form = await (await browser.get("/pages/new")).text()
        assert "<h1>New page</h1>" in form and 'action="/pages/new"' in form
        assert 'name="tags" value=""' in form and 'name="comments"' not in form
        location = await create_page(browser, title=title, body=f"# {title}\n\nWrite to *us*.")
        assert location == f"/pages/{title.lower()}"
    listing = await (await who.ed.get("/pages")).text()
    assert 'href="/pages/about">About</a>' in listing and 'href="/pages/contact">Contact</a>' in listing


async def test_a_page_is_read_at_its_address_and_listed_nowhere(client, other_browser):
    who = await people(client, other_browser)
    location = await create_page(who.ed, title="About", body="We are a *small* team.", tags="team")
    page = await who.anon.get(location)
    assert page.status == 200
    text = await page.text()
    assert "<h1>About</h1>" in text and "<em>small</em>" in text
    assert 'id="comments"' not in text and "favorite" not in text  # a page takes no comments
    for path in ("/", "/authors/eddie", "/tags/team"):
        assert "About" not in re.sub(r"<header.*?</header>", "", await (await who.anon.get(path)).text(), flags=re.S)
    api = await (await who.anon.get("/api/articles")).json()
    assert api["articlesCount"] == 0
    assert (await who.anon.get("/api/articles/about")).status == 404
    # Its /posts/ address leads to /pages/.
    same = await who.anon.get(f"/posts/{post_id_of(text)}/about", allow_redirects=False)
    assert same.status == 301 and same.headers["Location"] == "/pages/about"


def post_id_of(page: str) -> int:
    match = re.search(r'data-page-id="(\d+)"', page)
    assert match
    return int(match.group(1))


async def test_pages_are_linked_from_the_navigation_of_the_settings(client, other_browser):
    who = await people(client, other_browser)
    await create_page(who.ed, title="About")
    token = await csrf_token(who.root, "/admin/settings")
    response = await who.root.post("/admin/settings", data={
        "csrf_token": token, "title": "blog", "description": "", "footer": "", "nav_links": "About us | /pages/about",
        "registration_open": "on", "comments_default": "on"}, allow_redirects=False)
    assert response.status == 303
    home = await (await who.anon.get("/")).text()
    assert '<a href="/pages/about">About us</a>' in home


async def test_pages_have_the_editor_history_and_trash_of_posts(client, other_browser):
    who = await people(client, other_browser)
    location = await create_page(who.ed, title="Contact", body="Write to us.")
    the_id = post_id_of(await (await who.ed.get(location)).text())
    editor_address = f"/posts/{the_id}/contact"
    edit_form = await (await who.root.get(editor_address + "/edit")).text()
    assert "<h1>Edit page</h1>" in edit_form
    saved = await edit_post(who.root, editor_address, body="Write to us, or call.")
    assert saved.status == 303 and saved.headers["Location"] == "/pages/contact"
    assert "or call" in await (await who.anon.get("/pages/contact")).text()
    history = await (await who.ed.get(editor_address + "/history")).text()
    assert "Version 2" in history and "Version 1" in history
    assert (await who.alice.get(editor_address + "/edit")).status == 403  # authors do not change pages

    assert (await trash_post(who.ed, editor_address)).status == 303
    assert (await who.anon.get("/pages/contact")).status == 404
    assert "Contact" in await (await who.ed.get("/trash")).text()
    token = await csrf_token(who.ed, "/trash")
    restored = await who.ed.post(f"/trash/{the_id}/restore", data={"csrf_token": token}, allow_redirects=True)
    assert str(restored.url).endswith("/pages/contact")


async def test_a_draft_page_is_seen_only_by_editors_and_admins(client, other_browser):
    who = await people(client, other_browser)
    await create_page(who.ed, title="Soon", status="draft")
    assert (await who.anon.get("/pages/soon")).status == 404
    assert (await who.alice.get("/pages/soon")).status == 404
    assert (await who.root.get("/pages/soon")).status == 200

"""Comments through HTML forms: adding, showing, deleting, and who may delete."""

from __future__ import annotations

import re

from blog.keys import STORE

from .conftest import csrf_token, post_form, register


async def publish(client, title: str = "A post to discuss", status: str = "published") -> str:  # type: ignore[no-untyped-def]
    response = await post_form(client, "/posts/new", {
        "title": title, "body": "Some words.", "summary": "", "tags": "", "status": status}, form_page="/posts/new")
    assert response.status == 303, await response.text()
    return response.headers["Location"]


async def comment(client, post: str, body: str):  # type: ignore[no-untyped-def]
    return await post_form(client, post + "/comments", {"body": body}, form_page=post)


def comment_ids(page: str) -> list[int]:
    return [int(value) for value in re.findall(r'data-comment-id="(\d+)"', page)]


async def test_comment_appears_under_the_post_oldest_first_with_author(client, other_browser):
    await register(client, "alice")
    post = await publish(client)
    bob = other_browser()
    await register(bob, "bob")
    first = await comment(bob, post, "First **thoughts**")
    assert first.status == 303 and re.search(r"#comment-\d+$", first.headers["Location"])
    await comment(client, post, "A reply")
    page = await (await bob.get(post)).text()
    assert page.index("First <strong>thoughts</strong>") < page.index("A reply")
    assert 'href="/authors/bob">bob</a>' in page
    ids = comment_ids(page)
    assert ids == sorted(ids) and len(ids) == 2


async def test_empty_and_oversized_comments_get_400_at_the_field(client):
    await register(client, "alice")
    post = await publish(client)
    response = await comment(client, post, "   ")
    assert response.status == 400 and "Write something before sending." in await response.text()
    response = await comment(client, post, "x" * 5001)
    page = await response.text()
    assert response.status == 400 and "Keep comments to 5,000 characters" in page
    assert 'id="error-comment"' in page


async def test_comment_markdown_goes_through_the_safe_pipeline(client):
    await register(client, "alice")
    post = await publish(client)
    await comment(client, post, '<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>')
    page = await (await client.get(post)).text()
    assert "<script>alert" not in page and "onerror=" not in page.replace("onerror=alert(1)&gt;", "")
    assert 'href="javascript:' not in page


async def test_anonymous_readers_see_comments_and_a_login_link_but_cannot_post(client, other_browser):
    await register(client, "alice")
    post = await publish(client)
    await comment(client, post, "Hello there")
    anonymous = other_browser()
    page = await (await anonymous.get(post)).text()
    assert "Hello there" in page and "Log in to comment" in page and 'id="comment-form"' not in page
    token = await csrf_token(anonymous, "/login")
    response = await anonymous.post(post + "/comments", data={"body": "sneaky", "csrf_token": token}, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"].startswith("/login?next=")


async def test_comments_need_a_csrf_token(client):
    await register(client, "alice")
    post = await publish(client)
    response = await client.post(post + "/comments", data={"body": "no token"})
    assert response.status == 403


async def test_no_comments_on_drafts(client):
    await register(client, "alice")
    draft = await publish(client, "Not yet", status="draft")
    response = await comment(client, draft, "early")
    assert response.status == 404


async def roles(client, other_browser):  # type: ignore[no-untyped-def]
    """admin (post author is someone else), post author, comment author, editor, bystander."""
    admin = client
    await register(admin, "admin1")
    browsers = {}
    for name in ("writer", "commenter", "editor1", "bystander"):
        browsers[name] = other_browser()
        await register(browsers[name], name)
    await client.app[STORE].users.set_role("editor1", "editor")
    post = await publish(browsers["writer"])
    await comment(browsers["commenter"], post, "Delete me maybe")
    page = await (await admin.get(post)).text()
    return post, comment_ids(page)[0], browsers


async def test_delete_button_only_where_allowed(client, other_browser):
    post, comment_id, browsers = await roles(client, other_browser)
    delete_path = f"/comments/{comment_id}/delete"
    for name, allowed in (("writer", True), ("commenter", True), ("editor1", True), ("bystander", False)):
        page = await (await browsers[name].get(post)).text()
        assert (delete_path in page) is allowed, name
    assert delete_path in await (await client.get(post)).text()  # admin
    assert delete_path not in await (await other_browser().get(post)).text()  # anonymous


async def test_bystander_gets_403_and_the_comment_stays(client, other_browser):
    post, comment_id, browsers = await roles(client, other_browser)
    response = await post_form(browsers["bystander"], f"{post}/comments/{comment_id}/delete", {}, form_page=post)
    assert response.status == 403
    assert comment_id in comment_ids(await (await client.get(post)).text())


async def test_moderators_and_the_comment_author_can_delete(client, other_browser):
    post, _, browsers = await roles(client, other_browser)
    for deleter in ("writer", "commenter", "editor1", "admin"):
        await comment(browsers["commenter"], post, f"For {deleter} to delete")
        comment_id = comment_ids(await (await client.get(post)).text())[-1]
        who = client if deleter == "admin" else browsers[deleter]
        response = await post_form(who, f"{post}/comments/{comment_id}/delete", {}, form_page=post)
        assert response.status == 303, deleter
        assert comment_id not in comment_ids(await (await client.get(post)).text())


async def test_deleting_a_comment_of_another_post_is_404(client):
    await register(client, "alice")
    first, second = await publish(client, "First"), await publish(client, "Second")
    await comment(client, first, "on the first")
    comment_id = comment_ids(await (await client.get(first)).text())[0]
    response = await post_form(client, f"{second}/comments/{comment_id}/delete", {}, form_page=second)
    assert response.status == 404


async def test_a_refused_comment_comes_back_at_the_comment_form_with_its_text_and_message(client):
    await register(client, "alice")
    post = await publish(client)
    too_long = "Long thoughts. " * 400
    response = await comment(client, post, too_long)
    assert response.status == 400
    page = await response.text()
    # The form posts to an address ending in #comment-form, so the page that comes back is
    # scrolled to the form (no JavaScript needed); its textarea takes the focus.
    form = re.search(r'<form method="post" action="([^"]+)" class="card comment-form" id="comment-form"[^>]*>(.*?)</form>',
                     page, re.S)
    assert form and form.group(1) == post + "/comments#comment-form"
    field = form.group(2)
    assert re.search(r'<textarea id="field-comment"[^>]*aria-describedby="error-comment"[^>]* autofocus>'
                     + re.escape(too_long) + "</textarea>", field)
    assert 'id="error-comment">Keep comments to 5,000 characters (this one has 6,000).</p>' in field
    assert 'id="error-comment">Write something' in (await (await comment(client, post, "  ")).text())

"""Conversations in the comments through HTML forms: replies, edits, reactions, mentions,
and the notifications they send."""

from __future__ import annotations

import re

from blog.keys import STORE

from .conftest import CSRF_FIELD, csrf_token, login, logout, post_form, register
from .test_comments import comment, comment_ids, publish


async def notifications_of(client, username: str) -> list[tuple[str, str | None, str]]:  # type: ignore[no-untyped-def]
    store = client.app[STORE]
    user = await store.users.by_username(username)
    return [(n.kind, n.actor_username, n.detail) for n in await store.notifications.recent(user.id)]


async def reply(client, post: str, parent_id: int, body: str):  # type: ignore[no-untyped-def]
    return await post_form(client, post + "/comments", {"body": body, "parent_id": str(parent_id)}, form_page=post)


def thread_of(page: str, comment_id: int) -> str:
    """The HTML of a comment's <li>, its replies included."""
    start = re.search(f'<li class="comment(?: reply)?" id="comment-{comment_id}"', page).start()  # type: ignore[union-attr]
    depth, position = 0, start
    for match in re.finditer(r"<li\b|</li>", page[start:]):
        depth += 1 if match.group(0) == "<li" else -1
        if depth == 0:
            position = start + match.end()
            break
    return page[start:position]


async def two_members(client, other_browser):  # type: ignore[no-untyped-def]
    """alice (an author: the first account, the admin, is someone else) writes a post and
    comments on it; bob is another member."""
    await register(other_browser(), "root")
    await register(client, "alice")
    post = await publish(client)
    bob = other_browser()
    await register(bob, "bob")
    await comment(client, post, "What do you think?")
    first = comment_ids(await (await client.get(post)).text())[0]
    return post, first, bob


# Replies ---------------------------------------------------------------------------------

async def test_a_reply_shows_under_its_comment_and_a_reply_to_a_reply_joins_the_thread(client, other_browser):
    post, first, bob = await two_members(client, other_browser)
    response = await reply(bob, post, first, "I *agree*")
    assert response.status == 303
    answer = int(response.headers["Location"].rsplit("#comment-", 1)[1])
    carol = other_browser()
    await register(carol, "carol")
    response = await reply(carol, post, answer, "Me too, bob")
    second_answer = int(response.headers["Location"].rsplit("#comment-", 1)[1])
    await comment(carol, post, "A new thread")
    page = await (await client.get(post)).text()
    thread = thread_of(page, first)
    assert f'id="comment-{answer}"' in thread and f'id="comment-{second_answer}"' in thread
    assert "I <em>agree</em>" in thread and "A new thread" not in thread
    # one level deep: the reply to the reply sits beside it, naming whom it answers
    reply_item = thread_of(page, second_answer)
    assert f'replying to <a href="#comment-{answer}">@bob</a>' in reply_item
    assert f'data-parent-id="{first}"' in reply_item and 'class="replies"' not in reply_item


async def test_a_reply_tells_whom_it_answers_and_the_post_author(client, other_browser):
    post, first, bob = await two_members(client, other_browser)
    carol = other_browser()
    await register(carol, "carol")
    await reply(bob, post, first, "An answer")
    bob_reply = comment_ids(await (await client.get(post)).text())[-1]
    await reply(carol, post, bob_reply, "Answering bob")
    assert await notifications_of(client, "bob") == [("reply", "carol", "")]
    # alice is told of bob's reply to her comment, and of carol's comment on her post
    assert await notifications_of(client, "alice") == [("comment", "carol", ""), ("reply", "bob", "")]


async def test_a_refused_reply_comes_back_in_its_own_form_with_its_text(client, other_browser):
    post, first, bob = await two_members(client, other_browser)
    response = await reply(bob, post, first, "x" * 5001)
    page = await response.text()
    assert response.status == 400
    item = thread_of(page, first)
    assert '<details class="reply-box" open>' in item
    assert f'id="reply-error-{first}">Keep comments to 5,000 characters' in item
    assert "x" * 5001 + "</textarea>" in item


async def test_a_reply_sent_after_the_session_ended_is_back_in_its_own_form_after_logging_in(client, other_browser):
    post, first, _ = await two_members(client, other_browser)
    page = await (await client.get(post)).text()
    token = CSRF_FIELD.search(page).group(1)  # type: ignore[union-attr]
    owner = re.search(r'name="form_owner" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    await logout(client)  # in another tab
    response = await client.post(post + "/comments", allow_redirects=False, data={
        "csrf_token": token, "form_owner": owner, "parent_id": str(first), "body": "Kept for later"})
    assert response.status == 303 and response.headers["Location"].startswith("/login?next=")
    await login(client)
    page = await (await client.get(post)).text()
    item = thread_of(page, first)
    assert '<details class="reply-box" open>' in item and "Your session ended before this reply was sent" in item
    assert re.search(r'autofocus>Kept for later</textarea>', item)
    assert "Your session ended before this comment was sent" not in page  # not in the main form
    assert comment_ids(page) == [first]


async def test_a_reply_to_a_comment_of_another_post_or_none_is_refused_and_kept(client, other_browser):
    post, first, bob = await two_members(client, other_browser)
    other_post = await publish(client, "Another post")
    for parent in (first, 999999, "abc"):
        response = await post_form(bob, other_post + "/comments", {"body": "Lost?", "parent_id": str(parent)},
                                   form_page=other_post)
        page = await response.text()
        assert response.status == 400, parent
        assert "does not exist any more, so your reply was not sent" in page and ">Lost?</textarea>" in page
    assert comment_ids(await (await client.get(other_post)).text()) == []


async def test_anonymous_readers_see_no_reply_or_reaction_forms_and_are_sent_to_log_in(client, other_browser):
    post, first, _ = await two_members(client, other_browser)
    anonymous = other_browser()
    page = await (await anonymous.get(post)).text()
    assert 'class="reply-form"' not in page and 'name="emoji"' not in page
    token = await csrf_token(anonymous, "/login")
    for path, data in ((post + "/comments", {"body": "hi", "parent_id": str(first)}),
                       (f"{post}/comments/{first}/react", {"emoji": "👍"})):
        response = await anonymous.post(path, data={**data, "csrf_token": token}, allow_redirects=False)
        assert response.status == 303 and response.headers["Location"].startswith("/login?next="), path
    assert comment_ids(await (await client.get(post)).text()) == [first]


# Editing ---------------------------------------------------------------------------------

async def edit(client, post: str, comment_id: int, body: str):  # type: ignore[no-untyped-def]
    path = f"{post}/comments/{comment_id}/edit"
    return await post_form(client, path, {"body": body}, form_page=path)


async def test_the_author_edits_within_the_window_and_the_comment_says_edited(client, other_browser):
    post, first, bob = await two_members(client, other_browser)
    anonymous = other_browser()
    assert "What do you think?" in await (await anonymous.get(post)).text()  # cached from here on
    form = await (await client.get(f"{post}/comments/{first}/edit")).text()
    assert "You can edit your comment for 30 minutes after writing it" in form
    assert ">What do you think?</textarea>" in form
    response = await edit(client, post, first, "What do **you** think?")
    assert response.status == 303 and response.headers["Location"].endswith(f"#comment-{first}")
    page = await (await bob.get(post)).text()
    item = thread_of(page, first)
    assert "What do <strong>you</strong> think?" in item and "What do you think?" not in item
    assert re.search(r'class="comment-edited"><span title="[^"]+">edited</span>', item)
    assert "What do <strong>you</strong> think?" in await (await anonymous.get(post)).text()  # cache emptied


async def test_others_cannot_edit_and_see_no_edit_link(client, other_browser):
    post, first, bob = await two_members(client, other_browser)
    assert f"/comments/{first}/edit" not in await (await bob.get(post)).text()
    assert f"/comments/{first}/edit" in await (await client.get(post)).text()
    assert (await bob.get(f"{post}/comments/{first}/edit")).status == 403
    token = await csrf_token(bob, post)
    response = await bob.post(f"{post}/comments/{first}/edit", data={"body": "Hijacked", "csrf_token": token})
    assert response.status == 403
    assert "Hijacked" not in await (await client.get(post)).text()


async def test_a_bad_edit_comes_back_with_its_text_and_message(client, other_browser):
    post, first, _ = await two_members(client, other_browser)
    response = await edit(client, post, first, "   ")
    page = await response.text()
    assert response.status == 400 and 'id="error-body">Write something before sending.' in page
    response = await edit(client, post, first, "y" * 5001)
    page = await response.text()
    assert response.status == 400 and "y" * 5001 + "</textarea>" in page
    response = await client.post(f"{post}/comments/{first}/edit", data={"body": "no token"})
    assert response.status == 403
    assert "What do you think?" in await (await client.get(post)).text()


async def test_moderators_see_earlier_versions_others_do_not(client, other_browser):
    await register(client, "admin1")
    writer, commenter, bystander = other_browser(), other_browser(), other_browser()
    for browser, name in ((writer, "writer"), (commenter, "commenter"), (bystander, "bystander")):
        await register(browser, name)
    post = await publish(writer)
    await comment(commenter, post, "First words")
    first = comment_ids(await (await client.get(post)).text())[0]
    await edit(commenter, post, first, "Second words")
    await edit(commenter, post, first, "Third words")
    versions = f"{post}/comments/{first}/versions"
    for who in (writer, client):
        assert f'href="{versions}"' in await (await who.get(post)).text()
        page = await (await who.get(versions)).text()
        assert page.index("Third words") < page.index("Second words") < page.index("First words")
        assert "by commenter" in page
    for who in (commenter, bystander):
        assert f'href="{versions}"' not in await (await who.get(post)).text()
        assert (await who.get(versions)).status == 403
    assert (await other_browser().get(versions, allow_redirects=False)).status == 303  # anonymous: log in


# Reactions -------------------------------------------------------------------------------

async def react(client, post: str, comment_id: int, emoji: str, **kwargs):  # type: ignore[no-untyped-def]
    return await post_form(client, f"{post}/comments/{comment_id}/react", {"emoji": emoji}, form_page=post, **kwargs)


def reaction_button(page: str, emoji: str) -> str:
    match = re.search(r'<button type="submit" name="emoji" value="' + emoji + r'"[^>]*>.*?</button>', page, re.S)
    assert match, emoji
    return match.group(0)


async def test_reactions_toggle_count_and_name_who_reacted(client, other_browser):
    post, first, bob = await two_members(client, other_browser)
    anonymous = other_browser()
    assert "🎉" not in thread_of(await (await anonymous.get(post)).text(), first)  # cached from here on
    assert (await react(bob, post, first, "🎉")).status == 303
    assert (await react(client, post, first, "🎉")).status == 303
    assert (await react(bob, post, first, "👀")).status == 303
    page = await (await bob.get(post)).text()
    party = reaction_button(page, "🎉")
    assert 'aria-pressed="true"' in party and 'title="party: bob, alice"' in party and ">2</span>" in party
    assert 'aria-pressed="false"' in reaction_button(page, "👍")
    anonymous_item = thread_of(await (await anonymous.get(post)).text(), first)
    assert 'title="party: bob, alice">🎉<span class="count">2</span>' in anonymous_item
    assert (await react(bob, post, first, "🎉")).status == 303  # taken back
    party = reaction_button(await (await bob.get(post)).text(), "🎉")
    assert 'aria-pressed="false"' in party and 'title="party: alice"' in party and ">1</span>" in party


async def test_a_reaction_added_tells_the_comment_author_once(client, other_browser):
    post, first, bob = await two_members(client, other_browser)
    await react(bob, post, first, "❤️")
    await react(bob, post, first, "❤️")  # taken back: no news
    await react(bob, post, first, "❤️")  # given again: not news again
    await react(client, post, first, "👍")  # one's own: no news
    assert await notifications_of(client, "alice") == [("reaction", "bob", "❤️")]


async def test_an_unknown_emoji_gets_400_with_a_message(client, other_browser):
    post, first, bob = await two_members(client, other_browser)
    for value in ("💩", "", "👍👍", "<script>"):
        response = await react(bob, post, first, value)
        assert response.status == 400 and "Choose one of the reactions offered" in await response.text(), value
        response = await react(bob, post, first, value, headers={"Accept": "application/json"})
        assert response.status == 400 and (await response.json())["error"] == "unknown_emoji"
    response = await react(bob, post, first, "❤")  # the heart without its variation selector is the heart
    assert response.status == 303


async def test_script_reactions_get_json_back(client, other_browser):
    post, first, bob = await two_members(client, other_browser)
    response = await react(bob, post, first, "🤔", headers={"Accept": "application/json"})
    assert response.status == 200
    assert await response.json() == {"id": first, "reactions": [{"emoji": "🤔", "count": 1, "usernames": ["bob"]}]}
    missing = await react(bob, post, 999999, "🤔")
    assert missing.status == 404


# Mentions --------------------------------------------------------------------------------

async def test_a_mention_links_the_member_and_tells_them(client, other_browser):
    post, first, bob = await two_members(client, other_browser)
    carol = other_browser()
    await register(carol, "carol")
    await comment(carol, post, "Ask @Bob or @nobody_here, not mail@bob.com nor `@bob`. <b>@bob</b>")
    page = await (await client.get(post)).text()
    item = thread_of(page, comment_ids(page)[-1])
    assert item.count('<a href="/authors/bob" class="mention">') == 2
    assert '<a href="/authors/bob" class="mention">@Bob</a>' in item and "@nobody_here" in item
    assert "<code>@bob</code>" in item and "&lt;b&gt;" in item and "<b>" not in item
    assert await notifications_of(client, "bob") == [("mention", "carol", "")]
    assert await notifications_of(client, "alice") == [("comment", "carol", "")]


async def test_a_mention_added_by_an_edit_tells_only_the_newly_named(client, other_browser):
    post, first, bob = await two_members(client, other_browser)
    carol = other_browser()
    await register(carol, "carol")
    await edit(client, post, first, "What do you think, @bob?")
    await edit(client, post, first, "What do you think, @bob and @carol?")
    assert await notifications_of(client, "bob") == [("mention", "alice", "")]
    assert await notifications_of(client, "carol") == [("mention", "alice", "")]


async def test_a_deleted_account_takes_its_reactions_along_and_is_named_nowhere(client, other_browser):
    post, first, bob = await two_members(client, other_browser)
    await react(bob, post, first, "👍")
    await reply(bob, post, first, "Bob was here")
    done = await post_form(bob, "/account/delete", {"password": "correct horse battery staple", "posts": "trash"})
    assert done.status == 200 and "Your account is deleted" in await done.text()
    page = await (await client.get(post)).text()
    assert 'title="thumbs up"' in reaction_button(page, "👍") and "bob" not in reaction_button(page, "👍")
    assert "Bob was here" in page  # the reply stays, by "deleted user"

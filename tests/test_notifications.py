"""/notifications: what happened that concerns me, grouped, unread marked, "mark all read";
the nav's count; and notifications by email, chosen on the account page, off by default,
each with an unsubscribe link that works without logging in."""

from __future__ import annotations

import dataclasses
import json
import re
from urllib.parse import urlsplit

import pytest

from blog.content.notifications import notify
from blog.keys import BROKER, MAILER, STORE
from blog.live.broker import member_topic

from .conftest import post_form, register
from .messaging_helpers import nav_count, page, right_now_elsewhere, send
from .test_api_helpers import auth
from .test_comments import comment, publish


async def ids(client, *names: str) -> list[int]:  # type: ignore[no-untyped-def]
    return [(await client.app[STORE].users.by_username(name)).id for name in names]


async def test_each_kind_shows_unread_and_reactions_are_grouped(client, other_browser):
    await register(client, "ana")
    post = await publish(client, "Ana's post")
    people = {}
    for name in ("ben", "cat", "dan", "eve"):
        people[name] = other_browser()
        await register(people[name], name)
    await comment(client, post, "Ana's own comment")
    store = client.app[STORE]
    ana, ben, cat, dan, eve = await ids(client, "ana", "ben", "cat", "dan", "eve")
    post_id = int(post.split("/")[2])
    comment_id = (await store.comments.of_post(post_id))[0].id
    # What the comment features (replies, reactions, mentions) tell through the one notify().
    await notify(client.app, ana, "comment", ben, post_id=post_id, comment_id=comment_id)
    await notify(client.app, ana, "reply", cat, post_id=post_id, comment_id=comment_id)
    await notify(client.app, ana, "mention", dan, post_id=post_id, comment_id=comment_id)
    for reactor in (ben, cat, dan, eve):
        await notify(client.app, ana, "reaction", reactor, post_id=post_id, comment_id=comment_id, detail="🎉")
    await post_form(people["ben"], "/authors/ana/follow", {}, form_page="/authors/ana")
    await send(people["cat"], "ana", "A word in private")

    listed = await page(client, "/notifications")
    for sentence in ("ben commented on your post", "cat replied to your comment", "dan mentioned you",
                     "ben followed you", "cat sent you a message", "eve and 3 others reacted 🎉 to your comment"):
        assert sentence in listed, sentence
    assert "on “Ana&#39;s post”" in listed or "on “Ana's post”" in listed
    assert listed.count('class="notification unread"') == 6  # four reactions make one line
    assert f'href="{post}#comment-{comment_id}"' in listed and 'href="/messages/cat"' in listed
    assert nav_count(listed, "notifications") == 9

    marked = await post_form(client, "/notifications/read", {}, form_page="/notifications")
    assert marked.status == 303
    after = await page(client, "/notifications")
    assert 'class="notification unread"' not in after and nav_count(after, "notifications") == 0
    assert "ben followed you" in after  # read, still listed


async def test_mark_all_read_needs_the_csrf_token_and_a_login(client, other_browser):
    await register(client, "ana")
    ben = other_browser()
    await register(ben, "ben")
    await post_form(ben, "/authors/ana/follow", {}, form_page="/authors/ana")
    forged = await client.post("/notifications/read", data={}, allow_redirects=False)
    assert forged.status == 403
    assert nav_count(await page(client, "/"), "notifications") == 1
    anonymous = await other_browser().get("/notifications", allow_redirects=False)
    assert anonymous.status == 303 and "/login" in anonymous.headers["Location"]


async def test_following_twice_tells_once_and_ones_own_doing_is_never_news(client, other_browser):
    await register(client, "ana")
    ben = other_browser()
    await register(ben, "ben")
    for _ in range(2):
        await post_form(ben, "/authors/ana/follow", {}, form_page="/authors/ana")
    assert (await page(client, "/notifications")).count("ben followed you") == 1
    ana = (await ids(client, "ana"))[0]
    assert await notify(client.app, ana, "reply", ana) is None


async def test_the_api_lists_and_marks_notifications(client, other_browser):
    await register(client, "ana")
    ben = other_browser()
    await register(ben, "ben")
    await post_form(ben, "/authors/ana/follow", {}, form_page="/authors/ana")
    token = await client.app[STORE].tokens.issue((await ids(client, "ana"))[0], 3600, "test")
    listed = await (await client.get("/api/notifications", headers=auth(token))).json()
    assert listed["unread"] == 1
    assert [(n["kind"], n["actor"], n["text"], n["url"], n["unread"]) for n in listed["notifications"]] == [
        ("follow", "ben", "ben followed you", "/authors/ben", True)]
    assert (await client.post("/api/notifications/read", headers=auth(token))).status == 204
    assert (await (await client.get("/api/notifications", headers=auth(token))).json())["unread"] == 0
    assert (await client.get("/api/notifications")).status == 401
    assert (await client.get("/api/notifications?before=x", headers=auth(token))).status == 422
    assert (await (await client.get("/api/notifications/mail", headers=auth(token))).json()) == {"mail": {"kinds": []}}
    chosen = await client.put("/api/notifications/mail", json={"mail": {"kinds": ["follow", "message"]}},
                              headers=auth(token))
    assert (await chosen.json()) == {"mail": {"kinds": ["follow", "message"]}}
    bad = await client.put("/api/notifications/mail", json={"mail": {"kinds": ["spam"]}}, headers=auth(token))
    assert bad.status == 422 and "kinds" in (await bad.json())["errors"]


async def test_a_message_an_open_tab_shows_at_once_is_not_mailed(client, other_browser, smtp_server, config):
    await register(client, "ana")
    ben = other_browser()
    await register(ben, "ben")
    await post_form(client, "/account/notification-mail", {"mail_message": "on"}, form_page="/account")
    ana, ben_user = await client.app[STORE].users.by_username("ana"), await client.app[STORE].users.by_username("ben")

    class Tab:  # ana's open tab, which marks the message seen the moment it arrives
        def deliver(self, message: str) -> None:
            if json.loads(message)["kind"] == "message":
                right_now_elsewhere(config.database,
                                    lambda store: store.notifications.mark_read_from(ana.id, "message", ben_user.id))

    client.app[BROKER].subscribe_to(member_topic(ana.id), Tab())
    await send(ben, "ana", "Seen at once")
    await client.app[MAILER].drain()
    assert smtp_server.messages == []  # she read it before the mail would have gone


@pytest.fixture
def config(config, smtp_server):  # type: ignore[no-untyped-def]
    """Every app here sends its mail to the test's SMTP server (on either engine)."""
    return dataclasses.replace(config, smtp_host="127.0.0.1", smtp_port=smtp_server.port)


async def test_mail_is_off_by_default_then_chosen_kinds_come_with_a_working_unsubscribe_link(
        client, other_browser, smtp_server):
    await register(client, "ana")
    ben = other_browser()
    await register(ben, "ben")
    await post_form(ben, "/authors/ana/follow", {}, form_page="/authors/ana")
    await client.app[MAILER].drain()
    assert smtp_server.messages == []  # nothing by email unless chosen

    account = await page(client, "/account")
    assert 'name="mail_follow"' in account and 'name="mail_follow" checked' not in account
    chosen = await post_form(client, "/account/notification-mail", {"mail_follow": "on", "mail_message": "on"},
                             form_page="/account")
    assert chosen.status == 303
    account = await page(client, chosen.headers["Location"])
    assert "Your choice of notifications by email is saved." in account
    assert '<input type="checkbox" name="mail_follow" checked>' in account

    await post_form(ben, "/authors/ana/unfollow", {}, form_page="/authors/ana")
    await post_form(ben, "/authors/ana/follow", {}, form_page="/authors/ana")
    await send(ben, "ana", "Mail me")
    await send(ben, "ana", "And again")  # unread messages in a row make one mail
    await client.app[MAILER].drain()
    mails = smtp_server.messages
    assert [mail["Subject"] for mail in mails] == ["ben followed you", "ben sent you a message"]
    assert mails[0]["To"] == "ana@example.com"
    text = mails[0].get_content()
    assert "/authors/ben" in text
    unsubscribe = re.search(r"(https?://\S+/notifications/unsubscribe\?token=\S+)", text)
    assert unsubscribe and mails[0]["List-Unsubscribe"] == f"<{unsubscribe.group(1)}>"

    stranger = other_browser()  # the link works without logging in: a page, then a POST
    link = urlsplit(unsubscribe.group(1))
    confirm = await page(stranger, f"{link.path}?{link.query}")
    assert "Stop the mails for “New followers”?" in confirm
    token = re.search(r'name="token" value="([^"]+)"', confirm).group(1)  # type: ignore[union-attr]
    done = await post_form(stranger, "/notifications/unsubscribe", {"token": token},
                           form_page=f"{link.path}?{link.query}")
    assert done.status == 200 and "no longer come by email" in await done.text()
    assert await client.app[STORE].notifications.mail_kinds((await ids(client, "ana"))[0]) == {"message"}

    forged = await stranger.get("/notifications/unsubscribe?token=" + token.replace(token[-4:], "AAAA"))
    assert forged.status == 404 and "not one of ours" in await forged.text()
    await post_form(ben, "/authors/ana/unfollow", {}, form_page="/authors/ana")
    await post_form(ben, "/authors/ana/follow", {}, form_page="/authors/ana")
    await client.app[MAILER].drain()
    assert len(smtp_server.messages) == 2  # no more follower mails

"""Each comment's HTML is kept per kind of reader (blog/views/comment_list.py): these prove it is
never stale (an edit, a reaction or a new name shows on the very next request, in this process
and in another on the same database) and never another reader's (controls, CSRF tokens,
pressed reactions), and that escaping still holds for kept parts."""

from __future__ import annotations

import re

from blog.keys import COMMENT_HTML

from .conftest import csrf_token, post_form, register
from .test_comment_talk import edit, thread_of
from .test_comments import comment, comment_ids, publish
from .test_profiles import save_profile

TOKENS = re.compile(r'name="csrf_token" value="([^"]+)"')


async def pages(post: str, **browsers):  # type: ignore[no-untyped-def]
    """Each browser's copy of the post page, read one after the other (so each reader's
    render can reuse what the reader before kept), with a query string the page cache
    has not seen."""
    return {name: await (await browser.get(f"{post}?{name}")).text() for name, browser in browsers.items()}


async def roles(client, other_browser):  # type: ignore[no-untyped-def]
    """alice: the admin and the post's author; bob and carol: members; bob has commented."""
    await register(client, "alice")
    post = await publish(client)
    bob, carol, anonymous = other_browser(), other_browser(), other_browser()
    await register(bob, "bob")
    await register(carol, "carol")
    await comment(bob, post, "Bob's **first** thought")
    [bob_comment] = comment_ids(await (await client.get(post)).text())
    return post, bob_comment, {"anonymous": anonymous, "carol": carol, "bob": bob, "alice": client}


async def test_an_edit_shows_on_the_very_next_request_in_this_process_and_another(
        client, other_browser, make_client, config):
    post, bob_comment, browsers = await roles(client, other_browser)
    other_process = await make_client(config)  # a second app on the same database, as `serve --workers 2`
    for round_no in range(2):  # every reader's parts are kept before the edit
        for page in (await pages(post, **browsers)).values():
            assert "Bob's <strong>first</strong> thought" in page
        assert "Bob's <strong>first</strong> thought" in await (await other_process.get(f"{post}?{round_no}")).text()
    assert (await edit(browsers["bob"], post, bob_comment, "Bob's *second* thought")).status == 303
    for name, page in (await pages(post, **browsers)).items():
        assert "Bob's <em>second</em> thought" in page and "<strong>first</strong>" not in page, name
        assert 'class="comment-edited">' in thread_of(page, bob_comment), name  # "edited" no longer hidden
    page = await (await other_process.get(f"{post}?after-edit")).text()
    assert "Bob's <em>second</em> thought" in page and "<strong>first</strong>" not in page
    # And the other way round: an edit made through the other process shows here at once.
    await login_as_admin_there(other_process)
    assert (await edit(other_process, post, bob_comment, "Moderated text")).status == 303
    for name, page in (await pages(post, **browsers)).items():
        assert "Moderated text" in page and "<em>second</em>" not in page, name


async def login_as_admin_there(browser) -> None:  # type: ignore[no-untyped-def]
    from .conftest import login

    assert (await login(browser, "alice")).status == 303


async def test_each_reader_sees_only_the_controls_they_may_use(client, other_browser):
    post, bob_comment, browsers = await roles(client, other_browser)
    await comment(browsers["carol"], post, "Carol's reply")
    carol_comment = comment_ids(await (await client.get(post)).text())[-1]
    for _ in range(2):  # the second time, every part comes from what was kept
        seen = await pages(post, **browsers)
        for name in ("anonymous", "carol", "bob", "alice"):
            bob_part, carol_part = thread_of(seen[name], bob_comment), thread_of(seen[name], carol_comment)
            edit_bob, edit_carol = (f"/comments/{c}/edit" for c in (bob_comment, carol_comment))
            delete_bob, delete_carol = (f"/comments/{c}/delete" for c in (bob_comment, carol_comment))
            assert (edit_bob in bob_part, delete_bob in bob_part) == (name in ("bob", "alice"),) * 2, name
            assert (edit_carol in carol_part, delete_carol in carol_part) == (name in ("carol", "alice"),) * 2, name
            assert ('class="reply-form"' in seen[name]) == (name != "anonymous"), name
            assert ('<form method="post" action="' in bob_part) == (name != "anonymous"), name
        assert "/versions" not in seen["bob"] + seen["carol"] + seen["anonymous"]


async def test_every_form_carries_the_readers_own_token_and_no_placeholder_leaks(client, other_browser):
    post, bob_comment, browsers = await roles(client, other_browser)
    await comment(browsers["carol"], post, "Another one")
    marker = client.app[COMMENT_HTML].placeholder("c")[:-1]
    for _ in range(2):
        seen = await pages(post, **browsers)
        for name, browser in browsers.items():
            page = seen[name]
            assert marker not in page, name
            if name == "anonymous":
                assert not TOKENS.findall(page[page.index('id="comment-list"'):page.index('id="no-comments"')])
                continue
            own = await csrf_token(browser, "/account/profile")
            assert set(TOKENS.findall(page)) == {own}, name  # every form, kept or not: this reader's token
            owners = set(re.findall(r'name="form_owner" value="([^"]*)"', page))
            assert owners and "" not in owners, name


async def test_reactions_show_who_pressed_and_counts_for_each_reader(client, other_browser):
    post, bob_comment, browsers = await roles(client, other_browser)
    await pages(post, **browsers)  # kept before the reaction
    response = await post_form(browsers["carol"], f"{post}/comments/{bob_comment}/react", {"emoji": "🎉"},
                               form_page=post)
    assert response.status == 303
    seen = await pages(post, **browsers)
    pressed = re.compile(r'value="🎉" class="reaction given" aria-pressed="(true|false)"')
    assert pressed.findall(thread_of(seen["carol"], bob_comment)) == ["true"]
    assert pressed.findall(thread_of(seen["bob"], bob_comment)) == ["false"]
    assert 'title="party: carol">🎉<span class="count">1</span>' in thread_of(seen["anonymous"], bob_comment)


async def test_reactions_names_and_deletions_made_by_another_process_show_here_at_once(
        client, other_browser, make_client, config):
    from .conftest import login

    post, bob_comment, browsers = await roles(client, other_browser)
    await comment(browsers["carol"], post, "Carol's reply")
    carol_comment = comment_ids(await (await client.get(post)).text())[-1]
    await pages(post, **browsers)  # every kind of reader's list kept here
    there = await make_client(config)  # a second app on the same database, as `serve --workers 2`
    assert (await login(there, "carol")).status == 303
    reacted = await post_form(there, f"{post}/comments/{bob_comment}/react", {"emoji": "🎉"}, form_page=post)
    assert reacted.status == 303
    for name, page in (await pages(post, **browsers)).items():
        assert 'title="party: carol">🎉<span class="count">1</span>' in thread_of(page, bob_comment), name
    assert (await save_profile(there, display_name="Caroline")).status == 303
    for name, page in (await pages(post, **browsers)).items():
        assert 'href="/authors/carol">Caroline</a>' in page and 'title="party: carol"' in page, name
    assert (await post_form(there, f"{post}/comments/{carol_comment}/delete", {}, form_page=post)).status == 303
    for name, page in (await pages(post, **browsers)).items():
        assert "Carol's reply" not in page and comment_ids(page) == [bob_comment], name


async def test_a_new_comment_never_shows_the_reactions_of_a_deleted_one(client, other_browser):
    """Deleting a comment deletes its reactions by a cascade, which its section's reactions
    must follow; SQLite may hand the deleted comment's id to the next comment."""
    post, bob_comment, browsers = await roles(client, other_browser)
    await comment(browsers["carol"], post, "Carol's reply")
    carol_comment = comment_ids(await (await client.get(post)).text())[-1]
    assert (await post_form(browsers["bob"], f"{post}/comments/{carol_comment}/react", {"emoji": "🎉"},
                            form_page=post)).status == 303
    assert 'title="party: bob"' in thread_of((await pages(post, **browsers))["anonymous"], carol_comment)
    assert (await post_form(browsers["carol"], f"{post}/comments/{carol_comment}/delete", {},
                            form_page=post)).status == 303
    await pages(post, **browsers)
    await comment(browsers["carol"], post, "A brand new comment")
    for name, page in (await pages(post, **browsers)).items():
        assert "A brand new comment" in page and 'title="party: bob"' not in page, name


async def test_edit_links_and_how_long_they_are_kept_are_decided_at_one_moment(client, other_browser, monkeypatch):
    """Bob's window closes while his list is being made: the list shows his Edit link only if
    it is kept no longer than his window (were the two decided at two readings of the clock,
    the link would stay until the thread next changed)."""
    from datetime import timedelta

    from blog import clock
    from blog.keys import CONFIG
    from blog.views import comment_list

    post, bob_comment, browsers = await roles(client, other_browser)
    moments = iter(["0000"])  # the first reading of the clock: still open; every later one: closed
    monkeypatch.setattr(comment_list, "editable_since", lambda app: next(moments, "9999"))
    edit_link = f"/comments/{bob_comment}/edit"
    assert edit_link in thread_of((await pages(post, bob=browsers["bob"]))["bob"], bob_comment)
    real_now, window = clock.now, client.app[CONFIG].comment_edit_minutes
    monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(minutes=window, seconds=1))
    assert edit_link not in thread_of((await pages(post, bob=browsers["bob"]))["bob"], bob_comment)


async def test_a_new_display_name_shows_on_the_next_request(client, other_browser):
    post, bob_comment, browsers = await roles(client, other_browser)
    await pages(post, **browsers)
    assert (await save_profile(browsers["bob"], display_name="Robert <b>")).status == 303
    for name, page in (await pages(post, **browsers)).items():
        assert 'href="/authors/bob">Robert &lt;b&gt;</a>' in thread_of(page, bob_comment), name


async def test_hostile_text_stays_escaped_in_kept_parts_and_in_a_reply_sent_back(client, other_browser):
    post, bob_comment, browsers = await roles(client, other_browser)
    await comment(browsers["carol"], post, '<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>')
    for _ in range(2):
        for name, page in (await pages(post, **browsers)).items():
            listed = page[page.index('id="comment-list"'):page.index('id="no-comments"')]
            assert "<script" not in listed and "<img src=x" not in listed and 'href="javascript:' not in listed, name
    too_long = "<script>alert(2)</script>" + "x" * 5000
    response = await post_form(browsers["carol"], f"{post}/comments", {"body": too_long, "parent_id": str(bob_comment)},
                               form_page=post)
    page = await response.text()
    assert response.status == 400 and "&lt;script&gt;alert(2)&lt;/script&gt;" in page and "<script>alert(2)" not in page
    assert f'id="reply-error-{bob_comment}"' in page
    # The reply sent back is for that one response: the next page has the reply form empty again.
    again = await (await browsers["carol"].get(f"{post}?again")).text()
    assert "alert(2)" not in again and f'id="reply-error-{bob_comment}"' not in again


async def test_live_comments_still_have_their_template(client, other_browser):
    post, _, browsers = await roles(client, other_browser)
    for name, page in (await pages(post, **browsers)).items():
        template = page[page.index('id="comment-template"'):page.index('id="no-comments"')]
        assert 'id="comment-0"' in template and "data-comment-id" not in template, name
        assert '<ol class="replies" hidden>' in template and template.count("</li>") == 1, name
        assert ("/comments/0/edit" in template) == (name != "anonymous"), name


async def test_an_unchanged_thread_is_joined_once_per_kind_of_reader(client, other_browser, monkeypatch):
    from blog.views import comment_list

    post, bob_comment, browsers = await roles(client, other_browser)
    joins = 0
    real_joined = comment_list._joined

    def counting_joined(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal joins
        joins += 1
        return real_joined(*args, **kwargs)

    monkeypatch.setattr(comment_list, "_joined", counting_joined)
    for round_no in range(3):
        seen = await pages(post, **{f"{name}{round_no}": browser for name, browser in browsers.items()})
        assert all("Bob's <strong>first</strong> thought" in page for page in seen.values())
    assert joins == 3  # anonymous, carol and bob once each, then kept (alice's was, when roles() read the page)
    await comment(browsers["carol"], post, "Something new")
    seen = await pages(post, **browsers)
    assert all("Something new" in page for page in seen.values())
    assert joins == 7  # a new comment: each kind of reader's list joined again once (carol's as she was sent back)


async def test_the_edit_link_leaves_when_the_window_closes_though_nothing_was_written(client, other_browser,
                                                                                       monkeypatch):
    from datetime import timedelta

    from blog import clock
    from blog.keys import CONFIG

    post, bob_comment, browsers = await roles(client, other_browser)
    edit_link = f"/comments/{bob_comment}/edit"
    for _ in range(2):  # kept the second time
        assert edit_link in thread_of((await pages(post, bob=browsers["bob"]))["bob"], bob_comment)
    real_now, window = clock.now, client.app[CONFIG].comment_edit_minutes
    monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(minutes=window, seconds=1))
    page = await (await browsers["bob"].get(f"{post}?later")).text()
    assert "Bob's <strong>first</strong> thought" in page and edit_link not in thread_of(page, bob_comment)
    assert edit_link in thread_of((await pages(post, alice=browsers["alice"]))["alice"], bob_comment)  # the admin's


async def test_kept_lists_stay_through_writes_elsewhere_and_go_when_their_section_changes(
        client, other_browser, monkeypatch):
    from blog.views import comment_list

    post, bob_comment, browsers = await roles(client, other_browser)
    other_post = await publish(client, "Another post")
    await pages(post, **browsers)
    joins, kept = 0, client.app[COMMENT_HTML].joins
    real_joined = comment_list._joined

    def counting_joined(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal joins
        joins += args[0].path == post  # not the other post's page, where carol went to comment
        return real_joined(*args, **kwargs)

    monkeypatch.setattr(comment_list, "_joined", counting_joined)
    assert (await comment(browsers["carol"], other_post, "Elsewhere")).status == 303  # writes on another post
    await publish(client, "A third post")
    assert (await save_profile(browsers["bob"], bio="Only the bio: no section shows it")).status == 303
    seen = await pages(post, **browsers)
    assert joins == 0 and len(kept) == 4  # one list per kind of reader, still the same
    assert all("Bob's <strong>first</strong> thought" in page and "Elsewhere" not in page for page in seen.values())
    assert (await comment(browsers["carol"], post, "Here")).status == 303
    assert "Here" in await (await browsers["anonymous"].get(f"{post}?after")).text()
    assert joins == 1 and len(kept) == 1  # the section was read anew: the other kinds' lists were let go

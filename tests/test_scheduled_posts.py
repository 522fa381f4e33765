"""Scheduled posts: the editor's schedule in the writer's time zone, who sees them before
their time, and publication at that time on its own, after a restart, and once with
several processes."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from aiohttp import encode_basic_auth

from blog import clock
from blog.app import create_app
from blog.content.post_form import validate_post
from blog.keys import STORE
from blog.store import Store

from .conftest import STRONG_PASSWORD, post_form, register
from .posts_helpers import (
    create_post,
    edit_post,
    field_errors,
    form_values,
    listed_titles,
    new_post_fields,
    people,
    post_id,
    submit,
)
from .test_api_helpers import auth

PARIS = ZoneInfo("Europe/Paris")


def local(moment: datetime, zone: ZoneInfo | timezone = timezone.utc, seconds: bool = False) -> str:
    """What a datetime-local field sends for `moment` in `zone`."""
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M:%S" if seconds else "%Y-%m-%dT%H:%M")


def scheduled(title: str, when: datetime, zone: str = "Europe/Paris", **fields: str) -> dict[str, str]:
    zone_info = ZoneInfo(zone) if zone else timezone.utc
    return new_post_fields(title=title, status="scheduled", publish_at=local(when, zone_info, seconds=True),
                           timezone=zone, tags="news", **fields)


async def published_on_their_own(store: Store, post_ids: list[int], timeout: float = 15.0) -> None:
    """Waits, without a single request, until the app has published these posts: each check
    follows a write the app reports (the publishing job's own included)."""
    changed = asyncio.Event()
    store.db.on_change.append(changed.set)

    async def all_published() -> bool:
        marks = ",".join("?" * len(post_ids))
        return await store.db.fetchvalue(
            f"SELECT count(*) FROM posts WHERE status = 'published' AND id IN ({marks})", post_ids) == len(post_ids)

    try:
        async with asyncio.timeout(timeout):
            while not await all_published():
                changed.clear()
                await changed.wait()
    finally:
        store.db.on_change.remove(changed.set)


async def test_a_scheduled_post_is_read_in_the_writers_time_zone_and_shown_only_to_its_people(client, other_browser):
    p = await people(client, other_browser)
    when = (clock.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    response = await submit(p.alice, "/posts/new", scheduled("Monday morning", when))
    assert response.status == 303, await response.text()
    location = response.headers["Location"]
    post = await client.app[STORE].posts.by_id(post_id(location))
    assert post.status == "scheduled" and post.publish_at == clock.iso(when) and post.published_at is None
    # Its author, editors and admins see it, marked with its time.
    for browser in (p.alice, p.ed, p.root):
        page = await (await browser.get(location)).text()
        assert "Scheduled</span> for" in page and f'datetime="{clock.iso(when)}"' in page
    # Nobody else does, anywhere.
    for browser in (p.bob, p.anon):
        assert (await browser.get(location)).status == 404
        for path in ("/", "/tags/news", "/authors/alice"):
            assert "Monday morning" not in await (await browser.get(path)).text(), path
    # Its author finds it on their own page among what is not published yet.
    assert "Scheduled for" in await (await p.alice.get("/authors/alice")).text()
    articles = await (await p.anon.get("/api/articles")).json()
    assert articles["articlesCount"] == 0
    assert (await p.anon.get(f"/api/articles/{post.slug}")).status == 404


async def test_the_edit_form_gives_the_time_back_and_keeps_the_schedule(client):
    await register(client, "writer")
    when = (clock.now() + timedelta(days=1)).replace(microsecond=0)
    response = await submit(client, "/posts/new", scheduled("Kept", when, zone=""))
    location = response.headers["Location"]
    values = form_values(await (await client.get(location + "/edit")).text())
    # In UTC, which the page's script turns into the writer's own zone.
    assert (values["status"], values["publish_at"], values["timezone"]) == ("scheduled", local(when, seconds=True), "UTC")
    assert (await edit_post(client, location, body="Edited while waiting")).status == 303
    post = await client.app[STORE].posts.by_id(post_id(location))
    assert (post.status, post.publish_at, post.body) == ("scheduled", clock.iso(when), "Edited while waiting")


async def test_schedules_that_cannot_be_kept_are_refused_at_their_field(client):
    await register(client, "alice")
    future = clock.now() + timedelta(hours=2)
    cases = [
        ({"publish_at": ""}, "publish_at", "Choose when the post should be published."),
        ({"publish_at": local(clock.now() - timedelta(minutes=5), PARIS)}, "publish_at", "This time has already passed"),
        ({"publish_at": "next monday"}, "publish_at", "Give the date and time as YYYY-MM-DDTHH:MM"),
        ({"publish_at": "2030-02-30T10:00"}, "publish_at", "is not a date and time that exists"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone", "“Mars/Olympus_Mons” is not a time zone we know"),
        ({"timezone": "../../etc/passwd"}, "timezone", "is not a time zone we know"),
    ]
    for change, field, message in cases:
        fields = {**scheduled("Kept title", future, body="Kept body"), **change}
        response = await submit(client, "/posts/new", fields)
        assert response.status == 400, change
        page = await response.text()
        errors = field_errors(page)
        assert set(errors) == {"publish_at", "timezone"}, (change, errors)  # both live in the time's own field
        assert message in errors[field], (change, errors)
        values = form_values(page)
        assert (values["title"], values["body"], values["status"]) == ("Kept title", "Kept body", "scheduled")
        assert values["publish_at"] == fields["publish_at"]
    assert await client.app[STORE].db.fetchvalue("SELECT count(*) FROM posts") == 0
    # A time a little ahead, to the second, in a zone far from UTC, is fine.
    fields = scheduled("Soon", clock.now() + timedelta(seconds=30), zone="Pacific/Kiritimati")
    assert (await submit(client, "/posts/new", fields)).status == 303


async def test_a_scheduled_post_goes_out_at_its_time_on_its_own_everywhere_readers_look(client, other_browser):
    p = await people(client, other_browser)
    token_response = await p.bob.post("/api/tokens", headers={"Authorization": encode_basic_auth("bob", STRONG_PASSWORD)})
    bob_token = (await token_response.json())["token"]
    await post_form(p.bob, "/authors/alice/follow", {}, form_page="/authors/alice")
    await create_post(p.alice, title="Already out", tags="news")
    when = (clock.now() + timedelta(seconds=3)).replace(microsecond=0)
    response = await submit(p.alice, "/posts/new", scheduled("Right on time", when))
    location = response.headers["Location"]
    for path in ("/", "/tags/news", "/authors/alice", "/feed"):  # cached by now, as readers saw them
        assert "Right on time" not in await (await p.bob.get(path)).text()
    assert "Right on time" not in await (await p.anon.get("/")).text()
    await published_on_their_own(client.app[STORE], [post_id(location)])
    assert clock.now() >= when
    post = await client.app[STORE].posts.by_id(post_id(location))
    assert post.published_at == clock.iso(when)  # dated at its time, not at whenever the job ran
    assert listed_titles(await (await p.anon.get("/")).text()) == ["Right on time", "Already out"]
    for path in ("/tags/news", "/authors/alice", "/feed"):
        assert "Right on time" in await (await p.bob.get(path)).text(), path
    assert (await p.anon.get(location)).status == 200
    articles = await (await p.anon.get("/api/articles")).json()
    assert [article["title"] for article in articles["articles"]] == ["Right on time", "Already out"]
    feed = await (await p.bob.get("/api/articles/feed", headers=auth(bob_token))).json()
    assert feed["articlesCount"] == 2
    assert "news" in (await (await p.anon.get("/api/tags")).json())["tags"]


async def test_a_post_due_while_the_server_was_down_goes_out_when_it_starts(make_client, config):
    client = await make_client(config)
    await register(client, "alice")
    response = await submit(client, "/posts/new", scheduled("While you slept", clock.now() + timedelta(hours=1)))
    number = post_id(response.headers["Location"])
    await client.close()  # the server stops...
    store = Store(config.database)  # ...and its time passes meanwhile
    await store.open()
    await store.db.write("UPDATE posts SET publish_at = ? WHERE id = ?", (clock.ago(600), number))
    await store.close()
    restarted = await make_client(config)
    assert await restarted.app[STORE].db.fetchvalue("SELECT status FROM posts WHERE id = ?", (number,)) == "published"
    assert "While you slept" in await (await restarted.get("/")).text()


async def test_several_processes_publish_each_post_exactly_once(config):
    """Two stores on one database, as two worker processes have: both run the publishing
    UPDATE at the same moment, again and again, and every post goes out once."""
    first, second = Store(config.database), Store(config.database)
    await first.open()
    await second.open()
    try:
        user = await first.users.create("alice", "alice@example.com", "x")
        ids = []
        for number in range(20):
            fields, _ = validate_post({"title": f"Post {number}", "body": "b", "summary": "", "tags": "t",
                                       "status": "scheduled", "publish_at": local(clock.now() + timedelta(hours=1)),
                                       "timezone": "UTC"})
            ids.append((await first.posts.create(user.id, fields, None)).id)
        await first.db.write("UPDATE posts SET publish_at = ?", (clock.ago(1),))
        rounds = await asyncio.gather(*(store.posts.publish_due() for store in (first, second) for _ in range(3)))
        published = [post for batch in rounds for post in batch]
        assert sorted(published) == ids  # each once, whoever took it
        assert await first.db.fetchvalue("SELECT count(*) FROM post_tags WHERE listed_at IS NOT NULL") == 20
        assert len((await second.posts.page(tag="t")).posts) == 10
    finally:
        await first.close()
        await second.close()


async def test_two_apps_on_one_database_publish_once_and_both_show_it(aiohttp_client, config):
    shared = dataclasses.replace(config, workers=2)
    first = await aiohttp_client(create_app(shared))
    second = await aiohttp_client(create_app(shared))
    await register(first, "alice")
    # Whole seconds, as the field sends them: at least a second ahead when the form arrives.
    when = (clock.now() + timedelta(seconds=2)).replace(microsecond=0)
    response = await submit(first, "/posts/new", scheduled("For both", when))
    number = post_id(response.headers["Location"])
    await published_on_their_own(first.app[STORE], [number])
    assert "For both" in await (await second.get("/")).text()
    assert await first.app[STORE].db.fetchvalue("SELECT count(*) FROM revisions WHERE post_id = ?", (number,)) == 1


async def test_the_publishing_job_stops_at_shutdown_even_right_after_a_write(client):
    """A write wakes the job as the app shuts down: the job must still end (Python 3.11's
    wait_for swallowed that cancel, and the app's cleanup waited on the job for ever)."""
    from blog.ops.publishing import _publish_on_time

    wake = asyncio.Event()
    job = asyncio.create_task(_publish_on_time(client.app[STORE], wake))
    await asyncio.sleep(0.05)  # the job has looked for due posts and waits
    wake.set()
    job.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(job, 5)

"""The notifications store on both engines: one's own doing is never news, unread ones count."""

from blog.keys import STORE
from tests.conftest import register


async def test_a_member_is_told_of_others_doings_and_marks_them_read(client):
    await register(client, "ana")
    await register(client, "ben")
    store = client.app[STORE]
    ana = await store.users.by_username("ana")
    ben = await store.users.by_username("ben")

    assert await store.notifications.add(ana.id, "follow", ana.id) is None
    first = await store.notifications.add(ana.id, "follow", ben.id)
    second = await store.notifications.add(ana.id, "reaction", ben.id, detail="🎉")

    assert await store.notifications.unread_count(ana.id) == 2
    listed = await store.notifications.recent(ana.id)
    assert [(n.id, n.kind, n.actor_username, n.detail) for n in listed] == [
        (second, "reaction", "ben", "🎉"), (first, "follow", "ben", "")]
    assert [n.id for n in await store.notifications.recent(ana.id, before_id=second)] == [first]

    assert await store.notifications.mark_all_read(ana.id) == 2
    assert await store.notifications.unread_count(ana.id) == 0
    assert not (await store.notifications.get(first)).unread

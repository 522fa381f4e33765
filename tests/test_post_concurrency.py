"""Writers at the same moment through separate connections, as separate servers or workers
are: on PostgreSQL nothing serialises them but the statements themselves."""

from __future__ import annotations

import asyncio

from blog.content.post_form import validate_post
from blog.store import Store
from blog.store.posts import PostFields, VersionConflict

WRITERS = 8


def fields(title: str, body: str = "Words.") -> PostFields:
    valid, errors = validate_post({"title": title, "body": body, "summary": "", "tags": "t", "status": "published"})
    assert valid is not None, errors
    return valid


async def stores(config, count: int) -> list[Store]:  # type: ignore[no-untyped-def]
    opened = [Store(config.database) for _ in range(count)]
    for store in opened:
        await store.open()
    return opened


async def test_of_edits_to_one_version_at_once_exactly_one_is_saved(config):
    writers = await stores(config, WRITERS)
    try:
        author = await writers[0].users.create("alice", "alice@example.com", "x")
        post = await writers[0].posts.create(author.id, fields("Contested"), None)
        for round_number in range(5):
            version = (await writers[0].posts.by_id(post.id)).version
            results = await asyncio.gather(*(
                store.posts.update(post.id, version, author.id, fields("Contested", f"Edit {round_number}.{n}"))
                for n, store in enumerate(writers)), return_exceptions=True)
            saved = [r for r in results if not isinstance(r, BaseException)]
            conflicts = [r for r in results if isinstance(r, VersionConflict)]
            assert len(saved) == 1 and len(conflicts) == WRITERS - 1, results
            now = await writers[0].posts.by_id(post.id)
            assert now.version == version + 1 and now.body == saved[0].body
            history = await writers[0].db.fetchvalue("SELECT count(*) FROM revisions WHERE post_id = ?", (post.id,))
            assert history == version + 1  # one revision per saved version, none for the refused
    finally:
        for store in writers:
            await store.close()


async def test_posts_with_one_title_created_at_once_get_slugs_of_their_own(config):
    writers = await stores(config, WRITERS)
    try:
        author = await writers[0].users.create("alice", "alice@example.com", "x")
        created = await asyncio.gather(*(store.posts.create(author.id, fields("Same title"), None)
                                         for store in writers))
        slugs = [post.slug for post in created]
        assert len(set(slugs)) == WRITERS and "same-title" in slugs
    finally:
        for store in writers:
            await store.close()

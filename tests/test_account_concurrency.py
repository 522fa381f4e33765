"""Changes to accounts at the same moment through separate connections, as two admins in two
servers or workers make them: on PostgreSQL each transaction reads what was committed when
its statements ran, so a check made by one must not be overtaken by the other's."""

from __future__ import annotations

import asyncio
import itertools
import re

import pytest

from blog.accounts.deletion import CannotTransfer, delete_account, transfer_target
from blog.store import Store
from blog.store.users import LastAdmin

from .conftest import STRONG_PASSWORD, csrf_token, register
from .posts_helpers import field_errors
from .test_post_concurrency import fields, stores

WHAT_AN_ADMIN_CAN_LOSE = {
    "delete": lambda store, user: store.users.delete_account(user.id, None),
    "suspend": lambda store, user: store.users.suspend(user.id),
    "demote": lambda store, user: store.users.set_role(user.username, "editor"),
}


async def active_admins(store: Store) -> list[str]:
    return [user.username for user in await store.users.everyone()
            if user.is_admin and user.suspended_at is None]


@pytest.mark.parametrize(("first", "second"), list(itertools.combinations_with_replacement(WHAT_AN_ADMIN_CAN_LOSE, 2)))
async def test_the_last_two_admins_leaving_at_once_leave_one_behind(config, first, second):
    one, two = await stores(config, 2)
    try:
        root = await one.users.create("root", "root@example.com", "x")
        other = await one.users.create("other", "other@example.com", "x", role="admin")
        results = await asyncio.gather(WHAT_AN_ADMIN_CAN_LOSE[first](one, root),
                                       WHAT_AN_ADMIN_CAN_LOSE[second](two, other), return_exceptions=True)
        refused = [result for result in results if isinstance(result, BaseException)]
        assert len(refused) == 1 and isinstance(refused[0], LastAdmin), results
        assert len(await active_admins(one)) == 1
    finally:
        for store in (one, two):
            await store.close()


async def test_two_accounts_deleted_at_once_each_giving_its_posts_to_the_other(config):
    """Each checked the other was there before either began: the second to commit must not
    hand its posts to an account deleted meanwhile (nor fail with a deadlock)."""
    one, two = await stores(config, 2)
    try:
        await one.users.create("root", "root@example.com", "x")
        alice = await one.users.create("alice", "alice@example.com", "x")
        bob = await one.users.create("bob", "bob@example.com", "x")
        for author in (alice, bob):
            await one.posts.create(author.id, fields(f"By {author.username}"), None)
        to_bob, to_alice = await transfer_target(one, alice, "bob"), await transfer_target(two, bob, "alice")
        results = await asyncio.gather(delete_account(one, alice, to_bob), delete_account(two, bob, to_alice),
                                       return_exceptions=True)
        refused = [result for result in results if isinstance(result, BaseException)]
        assert len(refused) == 1 and isinstance(refused[0], CannotTransfer), results
        assert "deleted" in str(refused[0])
        owners = await one.db.fetchall("SELECT users.username, users.deleted_at FROM posts"
                                       " JOIN users ON users.id = posts.author_id")
        assert len(owners) == 2 and all(row["deleted_at"] is None for row in owners), owners
    finally:
        for store in (one, two):
            await store.close()


async def test_two_people_deleting_their_accounts_at_once_for_each_other_get_a_clear_answer(client, other_browser):
    """Through the form: one account goes, the other person is told why theirs could not."""
    await register(client, "root")
    alice, bob = other_browser(), other_browser()
    await register(alice, "alice")
    await register(bob, "bob")
    forms = [(alice, "bob"), (bob, "alice")]
    tokens = [await csrf_token(browser, "/account/delete") for browser, _ in forms]
    answers = await asyncio.gather(*(
        browser.post("/account/delete", data={"csrf_token": token, "password": STRONG_PASSWORD, "posts": "transfer",
                                              "new_author": heir})
        for (browser, heir), token in zip(forms, tokens)))
    assert sorted(answer.status for answer in answers) == [200, 400]
    refused = next(answer for answer in answers if answer.status == 400)
    assert re.search(r"no account named|was deleted or suspended a moment ago",
                     field_errors(await refused.text())["new_author"])

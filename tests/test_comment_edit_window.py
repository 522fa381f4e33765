"""Editing a comment once its window has passed: its author is refused (the text kept),
editors and admins still edit. The window is set to 0 minutes here, so every comment is past it."""

from __future__ import annotations

import dataclasses

import pytest

from blog.config import Config
from blog.keys import STORE

from .conftest import csrf_token, register
from .test_comment_talk import edit
from .test_comments import comment, comment_ids, publish


@pytest.fixture
def config(config: Config) -> Config:
    return dataclasses.replace(config, comment_edit_minutes=0)


async def test_after_the_window_the_author_is_refused_and_keeps_the_text(client, other_browser):
    await register(client, "root")  # the first account is the admin, who may edit at any time
    await register(client, "alice")
    post = await publish(client)
    await comment(client, post, "Too late to fix")
    first = comment_ids(await (await client.get(post)).text())[0]
    assert f"/comments/{first}/edit" not in await (await client.get(post)).text()
    response = await client.get(f"{post}/comments/{first}/edit")
    assert response.status == 403 and "this one no longer can" in await response.text()
    token = await csrf_token(client, post)
    response = await client.post(f"{post}/comments/{first}/edit", data={"body": "My fixed text", "csrf_token": token})
    page = await response.text()
    assert response.status == 403 and "no longer can" in page and ">My fixed text</textarea>" in page
    assert "My fixed text" not in await (await client.get(post)).text()


async def test_editors_edit_any_comment_at_any_time(client, other_browser):
    await register(client, "admin1")
    alice = other_browser()
    await register(alice, "alice")
    post = await publish(alice)
    await comment(alice, post, "Rude words")
    first = comment_ids(await (await client.get(post)).text())[0]
    editor = other_browser()
    await register(editor, "eddie")
    await client.app[STORE].users.set_role("eddie", "editor")
    form = await (await editor.get(f"{post}/comments/{first}/edit")).text()
    assert "As an editor you can edit any comment at any time" in form
    assert (await edit(editor, post, first, "Kind words")).status == 303
    assert (await edit(client, post, first, "Kinder words")).status == 303  # the admin too
    assert "Kinder words" in await (await alice.get(post)).text()

"""Forgotten passwords: a single-use link by mail (a real SMTP server), valid one hour,
the same answer whether or not the address has an account, limited per address and client."""

from __future__ import annotations

import logging
import sqlite3
from urllib.parse import urlsplit

import pytest

from blog.config import Config
from blog.keys import MAILER, STORE

from .conftest import STRONG_PASSWORD, csrf_token, login, post_form, register
from .mail_helpers import link_in, text_of

NEW_PASSWORD = "a brand new horse battery"


@pytest.fixture
def config(mail_config: Config) -> Config:
    """Every app here sends its mail to the test's SMTP server."""
    return mail_config
SENT = "If an account uses this address, we have sent it a link"


async def ask_for_link(client, email: str):  # type: ignore[no-untyped-def]
    return await post_form(client, "/password-reset", {"email": email})


async def delivered(client) -> None:  # type: ignore[no-untyped-def]
    """Waits until the mails the app handed over are delivered (they go out after the response)."""
    await client.app[MAILER].drain()


async def reset_link(client, smtp_server, email: str = "alice@example.com") -> str:  # type: ignore[no-untyped-def]
    """Asks for a link and returns its path, read from the mail the SMTP server received."""
    count = len(smtp_server.messages)
    response = await ask_for_link(client, email)
    assert response.status == 303
    await delivered(client)
    assert len(smtp_server.messages) == count + 1
    return urlsplit(link_in(smtp_server.messages[-1])).path


async def test_a_known_and_an_unknown_address_get_the_same_page_and_only_the_known_one_a_mail(
        client, smtp_server, other_browser):
    await register(client, "alice")
    visitor = other_browser()
    answers = []
    for email in ("alice@example.com", "nobody@example.com"):
        response = await ask_for_link(visitor, email)
        assert response.status == 303
        assert response.headers["Location"] == "/password-reset?sent=1"
        page = await visitor.get(response.headers["Location"])
        answers.append(await page.text())
    assert SENT in answers[0] and answers[0].replace("alice@example.com", "") == answers[1].replace(
        "nobody@example.com", "")
    await delivered(client)
    assert [message["To"] for message in smtp_server.messages] == ["alice@example.com"]
    mail = smtp_server.messages[0]
    assert mail["From"].addresses[0].display_name == "blog"  # the site's title signs its mails
    assert mail["From"].addresses[0].addr_spec == "noreply@localhost"
    assert "Reset your password" in mail["Subject"]
    assert "alice" in text_of(mail) and "within an hour" in text_of(mail)
    link = link_in(mail)
    assert link.startswith(str(client.make_url("/password-reset/")))
    assert len(urlsplit(link).path.rsplit("/", 1)[1]) >= 40


async def test_the_link_sets_a_new_password_ends_every_session_and_token_and_logs_in(
        client, smtp_server, other_browser):
    await register(client, "alice")
    token = (await (await client.post("/api/users/login", json={
        "user": {"email": "alice", "password": STRONG_PASSWORD}})).json())["user"]["token"]
    visitor = other_browser()
    path = await reset_link(client, smtp_server)

    form = await visitor.get(path)
    assert form.status == 200
    page = await form.text()
    assert "Choose a new password" in page and "alice" in page

    weak = await post_form(visitor, path, {"password": "password"})
    assert weak.status == 400
    assert "most common" in await weak.text()

    saved = await post_form(visitor, path, {"password": NEW_PASSWORD})
    assert saved.status == 303 and saved.headers["Location"] == "/account?done=reset"
    account = await (await visitor.get(saved.headers["Location"])).text()
    assert "Your new password is saved" in account

    # The other browser's session and the API token ended; the old password no longer works.
    assert (await client.get("/account", allow_redirects=False)).status == 303
    assert (await client.get("/api/user", headers={"Authorization": f"Token {token}"})).status == 401
    assert (await login(client, "alice", STRONG_PASSWORD)).status == 400
    assert (await login(client, "alice", NEW_PASSWORD)).status == 303


async def test_a_used_or_expired_link_says_so_and_offers_a_new_one(client, mail_config, smtp_server):
    await register(client, "alice")
    path = await reset_link(client, smtp_server)
    assert (await post_form(client, path, {"password": NEW_PASSWORD})).status == 303

    used = await client.get(path)
    assert used.status == 410
    text = await used.text()
    assert "was used already" in text and 'href="/password-reset"' in text
    assert "Get a new link" in text
    again = await post_form(client, path, {"password": "yet another fine password"}, form_page="/password-reset")
    assert again.status == 410

    path = await reset_link(client, smtp_server)
    with sqlite3.connect(mail_config.database_path) as conn:  # an hour and a minute later
        conn.execute("UPDATE account_tokens SET expires_at = '2000-01-01T00:00:00.000000Z'")
    expired = await client.get(path)
    assert expired.status == 410
    assert "has expired" in await expired.text()

    unknown = await client.get("/password-reset/not-a-token")
    assert unknown.status == 404
    assert "not valid" in await unknown.text()


async def test_requests_are_limited_per_address_and_per_client(client, smtp_server, other_browser):
    await register(client, "alice")
    for _ in range(3):
        assert (await ask_for_link(client, "alice@example.com")).status == 303
    refused = await ask_for_link(client, "Alice@Example.com")
    assert refused.status == 429
    assert refused.headers["Retry-After"] == "3600"
    assert "Too many links" in await refused.text()
    await delivered(client)
    assert len(smtp_server.messages) == 3

    # One client writing to many mailboxes is stopped too (all test clients share 127.0.0.1):
    # ten requests an hour, the three above included (a refused one does not count).
    visitor = other_browser()
    statuses = [(await ask_for_link(visitor, f"someone{n}@example.com")).status for n in range(8)]
    assert statuses == [303] * 7 + [429]


async def test_bad_addresses_are_errors_at_the_field(client):
    empty = await post_form(client, "/password-reset", {"email": ""})
    assert empty.status == 400
    assert "Enter the email address" in await empty.text()
    bad = await post_form(client, "/password-reset", {"email": "not-an-address"})
    assert bad.status == 400
    page = await bad.text()
    assert "not a valid email address" in page and 'value="not-an-address"' in page


async def test_the_login_form_links_to_the_reset_form(client):
    page = await (await client.get("/login")).text()
    assert 'href="/password-reset"' in page and "Forgot your password?" in page


async def test_a_mail_server_that_refuses_at_first_gets_the_mail_on_a_retry(
        client, smtp_server, caplog):
    await register(client, "alice")
    client.app[MAILER].retry_delays = (0.0, 0.0)
    smtp_server.refuse_next = 1
    with caplog.at_level(logging.WARNING, logger="blog.mail.sender"):
        response = await ask_for_link(client, "alice@example.com")
        assert response.status == 303  # the same page: the visitor never waits for the mail server
        await delivered(client)
    assert smtp_server.refused == 1
    assert [message["To"] for message in smtp_server.messages] == ["alice@example.com"]
    assert "not sent (attempt 1 of 3)" in caplog.text


async def test_a_mail_that_cannot_be_sent_is_logged_and_kept(make_client, tmp_path, caplog):
    from cryptography.fernet import Fernet

    from .mail_helpers import free_port

    config = Config(data_dir=tmp_path / "data", secret_key=Fernet.generate_key().decode(),
                    smtp_host="127.0.0.1", smtp_port=free_port())  # nobody listens there
    client = await make_client(config)
    await register(client, "alice")
    client.app[MAILER].retry_delays = (0.0,)
    with caplog.at_level(logging.WARNING, logger="blog.mail.sender"):
        assert (await ask_for_link(client, "alice@example.com")).status == 303
        await delivered(client)
    assert "could not be sent after 2 attempts" in caplog.text
    kept = list((config.outbox_dir / "failed").glob("*.eml"))
    assert len(kept) == 1 and b"alice@example.com" in kept[0].read_bytes()


async def test_without_an_smtp_host_mails_go_to_the_outbox_and_the_log_says_where(make_client, tmp_path, caplog):
    from cryptography.fernet import Fernet

    config = Config(data_dir=tmp_path / "data", secret_key=Fernet.generate_key().decode())
    client = await make_client(config)
    await register(client, "alice")
    with caplog.at_level(logging.INFO, logger="blog.mail.sender"):
        assert (await ask_for_link(client, "alice@example.com")).status == 303
        await delivered(client)
    files = list(config.outbox_dir.glob("*.eml"))
    assert len(files) == 1
    assert str(files[0]) in caplog.text
    assert b"/password-reset/" in files[0].read_bytes()
    assert (files[0].stat().st_mode & 0o777) == 0o600


async def test_suspended_accounts_get_no_link(client, smtp_server, other_browser):
    await register(client, "root")
    bob = other_browser()
    await register(bob, "bob")
    store = client.app[STORE]
    bob_user = await store.users.by_username("bob")
    assert bob_user is not None
    await store.users.suspend(bob_user.id)
    assert (await ask_for_link(client, "bob@example.com")).status == 303
    await delivered(client)
    assert smtp_server.messages == []


async def test_the_reset_form_needs_the_csrf_token(client):
    await csrf_token(client, "/password-reset")
    response = await client.post("/password-reset", data={"email": "alice@example.com"})
    assert response.status == 403

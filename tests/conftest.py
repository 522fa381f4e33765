"""The app on a real database (an SQLite file in tmp_path, or a fresh PostgreSQL database when
BLOG_TEST_DATABASE_URL is set: see tests/databases.py), and a client that talks to it over HTTP."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from aiohttp import ClientSession, CookieJar
from aiohttp.test_utils import TestClient
from cryptography.fernet import Fernet

from blog.app import create_app
from blog.config import Config

from . import databases, servers

STRONG_PASSWORD = "correct horse battery staple"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only(reason): the test is about SQLite itself")
    config.addinivalue_line("markers", "postgresql_only(reason): the test is about PostgreSQL itself")


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker, engine in (("sqlite_only", "sqlite"), ("postgresql_only", "postgresql")):
        found = item.get_closest_marker(marker)
        if found is not None and databases.ENGINE != engine:
            pytest.skip(f"only on {engine}: {found.args[0] if found.args else ''}")


def pytest_sessionfinish(session: pytest.Session) -> None:
    if databases.ENGINE == "postgresql":
        databases.drop_template()


@pytest.fixture
def database_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test, or "" (SQLite in the data folder)."""
    if databases.ENGINE != "postgresql":
        yield ""
        return
    url = databases.new_postgres_database()
    yield url
    databases.drop_postgres_database(url)


@pytest.fixture
def config(tmp_path: Path, database_url: str) -> Config:
    return Config(data_dir=tmp_path / "data", secret_key=Fernet.generate_key().decode(), database_url=database_url)


@pytest.fixture
def smtp_server():  # type: ignore[no-untyped-def]
    """A real SMTP server (aiosmtpd) on a free port; its .messages are what it received."""
    from .mail_helpers import MailCatcher

    catcher = MailCatcher()
    catcher.start()
    yield catcher
    catcher.stop()


@pytest.fixture
def mail_config(tmp_path: Path, smtp_server) -> Config:  # type: ignore[no-untyped-def]
    """The app's config, sending mail to the test's SMTP server."""
    return Config(data_dir=tmp_path / "data", secret_key=Fernet.generate_key().decode(),
                  smtp_host="127.0.0.1", smtp_port=smtp_server.port)


@pytest.fixture
def aiohttp_client(database_url: str, aiohttp_client):  # type: ignore[no-untyped-def]
    """pytest-aiohttp's, made to depend on the test's database: fixtures end in the reverse of
    the order they began, so the apps close before their database is dropped. Otherwise the drop
    ends their connections under a task still running (a live socket's goodbye, the pool)."""
    return aiohttp_client


@pytest.fixture
def make_client(aiohttp_client) -> Callable[..., Awaitable[TestClient]]:  # type: ignore[no-untyped-def]
    """Builds a client for an app with the given config (a second client shares the app's server)."""

    async def make(config: Config) -> TestClient:
        return await aiohttp_client(create_app(config))

    return make


@pytest.fixture
async def client(make_client, config: Config) -> TestClient:  # type: ignore[no-untyped-def]
    return await make_client(config)


async def csrf_token(client: TestClient, path: str) -> str:
    """The CSRF token of the form on `path`, as a browser would find it."""
    response = await client.get(path)
    match = CSRF_FIELD.search(await response.text())
    assert match, f"no csrf_token in {path}"
    return match.group(1)


async def post_form(client: TestClient, path: str, data: dict[str, str], form_page: str | None = None, **kwargs):  # type: ignore[no-untyped-def]
    """Loads the form page for its token, then submits, like a browser."""
    token = await csrf_token(client, form_page or path)
    return await client.post(path, data={**data, "csrf_token": token}, allow_redirects=False, **kwargs)


async def register(client: TestClient, username: str = "alice", password: str = STRONG_PASSWORD, email: str | None = None):  # type: ignore[no-untyped-def]
    response = await post_form(
        client, "/register",
        {"username": username, "email": email or f"{username}@example.com", "password": password},
    )
    assert response.status == 303, await response.text()
    return response


async def login(client: TestClient, username: str = "alice", password: str = STRONG_PASSWORD, next: str = "", **kwargs):  # type: ignore[no-untyped-def]
    return await post_form(client, "/login", {"username": username, "password": password, "next": next}, **kwargs)


async def logout(client: TestClient):  # type: ignore[no-untyped-def]
    return await post_form(client, "/logout", {}, form_page="/logout")


@pytest.fixture
async def other_browser(client: TestClient):  # type: ignore[no-untyped-def]
    """Opens further 'browsers' (own cookie jars) on the same running server."""
    sessions: list[ClientSession] = []

    def make() -> ClientSession:
        session = ClientSession(base_url=str(client.make_url("/")), cookie_jar=CookieJar(unsafe=True))
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        await session.close()


# Real servers, for tests of several servers on one database (tests/servers.py) -----------


@pytest.fixture
def start_server(database_url: str, tmp_path: Path) -> Iterator[Callable[[], Awaitable[servers.Server]]]:
    started: list[servers.Server] = []

    async def start() -> servers.Server:
        index = len(started)
        server = servers.start(database_url, tmp_path / f"server{index}", tmp_path / f"server{index}.log")
        started.append(server)
        await servers.wait_until_serving(server)
        return server

    yield start
    for server in started:
        if server.process.poll() is None:
            server.process.terminate()
            server.process.wait(timeout=15)
    for server in started:
        output = server.log.read_text()
        assert "Traceback" not in output, output


@pytest.fixture
async def cookie_browser() -> AsyncIterator[ClientSession]:
    async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as session:
        yield session

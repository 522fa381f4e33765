"""Helpers the API tests share (this module holds no tests): a RealWorld client's moves over HTTP."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

API_PASSWORD = "password123"  # what the RealWorld suites use; the API accepts it on purpose


def auth(token: str, scheme: str = "Token") -> dict[str, str]:
    return {"Authorization": f"{scheme} {token}"}


async def api_register(client: TestClient, username: str = "alice", password: str = API_PASSWORD,
                       email: str | None = None) -> str:
    """Registers through the API and returns the new token."""
    response = await client.post("/api/users", json={"user": {
        "username": username, "email": email or f"{username}@example.com", "password": password}})
    assert response.status == 201, await response.text()
    return (await response.json())["user"]["token"]


async def create_article(client: TestClient, token: str, title: str = "How to train your dragon",
                         **fields: Any) -> dict[str, Any]:
    article = {"title": title, "description": "Ever wonder how?", "body": "You have to *believe*.", **fields}
    response = await client.post("/api/articles", json={"article": article}, headers=auth(token))
    assert response.status == 201, await response.text()
    return (await response.json())["article"]


async def errors_of(response: Any) -> dict[str, list[str]]:
    """The RealWorld error body, after checking it is JSON."""
    assert response.content_type == "application/json", await response.text()
    return (await response.json())["errors"]

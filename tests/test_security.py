"""CSRF, cookie flags, security headers and error pages, on every kind of response."""

from __future__ import annotations

import io
import re

from blog.app import create_app
from blog.config import Config

from .conftest import STRONG_PASSWORD, csrf_token, register

CSP_PARTS = ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'")


def assert_security_headers(response) -> None:  # type: ignore[no-untyped-def]
    csp = response.headers["Content-Security-Policy"]
    for part in CSP_PARTS:
        assert part in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert not re.search(r"\d", response.headers["Server"])


async def test_security_headers_on_pages_errors_and_static_files(client):
    for path in ("/", "/login", "/no-such-page", "/static/css/site.css"):
        assert_security_headers(await client.get(path))
    assert_security_headers(await client.post("/login", data={}))  # 403 without a token
    assert_security_headers(await client.put("/"))  # 405


async def test_no_inline_script_on_pages(client):
    await register(client, "alice")
    for path in ("/", "/login", "/register", "/account", "/logout", "/nope"):
        page = await (await client.get(path)).text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), path
        assert " on" not in re.sub(r"<[^>]*>", lambda m: "" if " on" not in m.group(0) else m.group(0), page) or True
        assert not re.search(r"<[^>]+\son[a-z]+=", page), path


async def test_session_cookie_flags(client):
    response = await client.get("/login")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=1209600" in cookie
    assert "Secure" not in cookie


async def test_secure_cookies_and_max_age_are_configurable(make_client, config):
    client = await make_client(Config(**{**config.__dict__, "secure_cookies": True, "session_max_age": 3600}))
    cookie = (await client.get("/login")).headers["Set-Cookie"]
    assert "Secure" in cookie and "Max-Age=3600" in cookie


async def test_cookie_payload_is_encrypted(client):
    await register(client, "alice")
    raw = next(c.value for c in client.session.cookie_jar if c.key == "blog_session")
    assert "csrf" not in raw and "session_token" not in raw and raw.strip('"').startswith("gAAAA")


async def test_missing_or_wrong_csrf_token_is_refused_with_a_page_that_explains(client):
    await csrf_token(client, "/login")
    for data in ({"username": "a", "password": "b"}, {"username": "a", "password": "b", "csrf_token": "forged"}):
        response = await client.post("/login", data=data, headers={"Accept": "text/html"})
        assert response.status == 403
        page = await response.text()
        assert "This form has expired" in page and 'href="/login"' in page


async def test_csrf_token_in_header_is_accepted(client):
    token = await csrf_token(client, "/login")
    response = await client.post("/login", data={"username": "x", "password": "y"}, headers={"X-CSRF-Token": token})
    assert response.status == 400  # reached the login handler


async def test_foreign_origin_is_refused_even_with_a_token(client):
    token = await csrf_token(client, "/register")
    response = await client.post("/register", headers={"Origin": "https://evil.example"}, data={
        "username": "alice", "email": "a@example.com", "password": STRONG_PASSWORD, "csrf_token": token})
    assert response.status == 403 and "another site" in await response.text()
    own_origin = str(client.make_url("/")).rstrip("/")
    response = await client.post("/register", headers={"Origin": own_origin}, data={
        "username": "alice", "email": "a@example.com", "password": STRONG_PASSWORD, "csrf_token": token},
        allow_redirects=False)
    assert response.status == 303


async def test_error_pages_are_html_in_the_layout(client):
    response = await client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status == 404
    page = await response.text()
    assert "<header" in page and "There is no page at this address." in page
    response = await client.delete("/")
    assert response.status == 405 and "<footer" in await response.text()
    assert "GET" in response.headers["Allow"]


async def test_errors_are_json_when_the_client_prefers_it(client):
    response = await client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status == 404
    assert await response.json() == {"error": "Not Found", "message": "There is no page at this address."}
    response = await client.post("/login", data={}, headers={"Accept": "application/json, text/html;q=0.5"})
    assert response.status == 403 and (await response.json())["error"] == "Forbidden"


async def test_oversized_body_gets_413(client, make_client, config):
    small = await make_client(Config(**{**config.__dict__, "max_image_bytes": 1024}))
    token = await csrf_token(small, "/login")
    # Over everything the form reader keeps (blog.web.forms.body_limit), not only aiohttp's own limit.
    body = io.BytesIO(f"csrf_token={token}&username={'x' * 6_000_000}&password=y".encode())
    response = await small.post("/login", data=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status == 413
    assert "larger than this site accepts" in await response.text()


async def test_500_shows_request_id_and_no_traceback(aiohttp_client, config, caplog):
    app = create_app(config)
    app.router.add_get("/boom", _boom)  # a handler that fails, as a bug would
    client = await aiohttp_client(app)
    response = await client.get("/boom")
    assert response.status == 500
    page = await response.text()
    request_id = response.headers["X-Request-Id"]
    assert request_id in page
    assert "Traceback" not in page and "ZeroDivisionError" not in page
    assert any(request_id in record.getMessage() for record in caplog.records)
    json_response = await client.get("/boom", headers={"Accept": "application/json"})
    body = await json_response.json()
    assert body["error"] == "Internal Server Error" and "Traceback" not in str(body)


async def _boom(request):  # type: ignore[no-untyped-def]
    return 1 / 0


async def test_429_is_a_page_in_the_layout(client):
    # the login limit is the one 429 a person meets; test_auth covers its wording
    for _ in range(10):
        token = await csrf_token(client, "/login")
        await client.post("/login", data={"username": "x", "password": "y", "csrf_token": token})
    token = await csrf_token(client, "/login")
    response = await client.post("/login", data={"username": "x", "password": "y", "csrf_token": token})
    assert response.status == 429 and "<header" in await response.text()

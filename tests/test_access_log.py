"""The access log of `python -m blog serve`: a whole line for every request, laid out as the
other log lines are, although lines are written together once per turn of the event loop
(ops/access_log.py), and two worker processes share one standard error."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import aiohttp

from .servers import start, wait_until_serving

STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}"
ACCESS_LINE = re.compile(
    STAMP + r' INFO aiohttp\.access: 127\.0\.0\.1 (?P<id>[0-9a-f]{16}) "GET (?P<path>\S+) HTTP/1\.1" '
    r"(?P<status>\d{3}) \d+ \d+\.\d{6}s")
PAGES = {"/": 200, "/login": 200, "/no-such-page": 404, "/feed.atom": 200}


async def test_many_requests_at_once_on_two_workers_each_get_one_whole_line(tmp_path: Path):
    log = tmp_path / "server.log"
    server = start("", tmp_path / "data", log, log_level="INFO", workers=2)
    try:
        await wait_until_serving(server)
        answered = await _many_requests(server.url, 100)
    finally:
        server.process.terminate()
        assert server.process.wait(timeout=30) == 0
    lines = log.read_text().splitlines()
    access = [line for line in lines if "aiohttp.access" in line]
    assert all(ACCESS_LINE.fullmatch(line) for line in access), [line for line in access if not ACCESS_LINE.fullmatch(line)][:3]
    logged = {match["id"]: (match["path"], int(match["status"])) for match in map(ACCESS_LINE.fullmatch, access) if match}
    for request_id, (path, status) in answered.items():
        assert logged.get(request_id) == (path, status), request_id
    assert len([line for line in access if any(request_id in line for request_id in answered)]) == len(answered)
    # the blog's own lines have the same layout
    assert any(re.fullmatch(STAMP + r" INFO blog\.\S+: .+", line) for line in lines)


async def _many_requests(base: str, rounds: int) -> dict[str, tuple[str, int]]:
    """Each page `rounds` times, all at once; the request ids the blog answered with."""
    answered: dict[str, tuple[str, int]] = {}
    connector = aiohttp.TCPConnector(limit=50, force_close=True)  # new connections: both workers answer

    async def get(session: aiohttp.ClientSession, path: str) -> None:
        async with session.get(base + path, allow_redirects=False) as response:
            await response.read()
            answered[response.headers["X-Request-Id"]] = (path, response.status)

    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(get(session, path) for path in PAGES for _ in range(rounds)))
    assert sorted({status for _, status in answered.values()}) == sorted(set(PAGES.values()))
    return answered

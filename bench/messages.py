"""Private messages under load: N members online, each sending a message a minute to another.

    python bench/messages.py [--members 1000] [--minutes 2] [--workers 1] [--database-url URL]
                             [--port 0] [--timeout 900] [--login-concurrency 8]

Makes N accounts straight in a fresh database (one password hash shared by all, so set-up
does not hash N passwords), starts the real blog (`python -m blog serve`) on 127.0.0.1,
logs every member in through the login form, opens one member socket (/live) per member,
then for --minutes minutes each member sends one message a minute, at a random moment of
each minute, through its socket to the next member (member i writes to member i+1).
Each recipient notes when the `message` event arrives; the delivery latency is that moment
minus the moment the sender's socket sent it. The server's memory (VmRSS) is read from /proc
before the sockets, with every member connected, and at the end (every process's, summed,
with --workers).

Exits 0 when every message reached its recipient exactly once, 1 when any was missing or
came twice, 2 when the benchmark could not run. Not part of the test suite; see README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from procfs import cpu_seconds, free_port, memory_kib, percentile

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from blog.accounts.passwords import hash_blocking  # noqa: E402  (the blog's own code, from this checkout)
from blog.store import Store  # noqa: E402

HOST = "127.0.0.1"
PASSWORD = "correct horse battery staple"
CSRF_INPUT = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
SEQUENCE = re.compile(r"bench-(\d+)-")
SESSION_COOKIE = "blog_session"


class BenchError(Exception):
    """The benchmark could not be run; the message says why."""


@dataclass
class Member:
    index: int
    username: str
    cookie: str = ""
    ws: aiohttp.ClientWebSocketResponse | None = None
    received: dict[int, float] = field(default_factory=dict)  # message sequence -> perf_counter at receipt
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class Results:
    sent: dict[int, float] = field(default_factory=dict)  # sequence -> perf_counter at send
    recipients: dict[int, int] = field(default_factory=dict)  # sequence -> recipient index
    rss_kib: dict[str, int] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    login_seconds: float = 0.0
    connect_seconds: float = 0.0


def progress(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def server_pids(root: int) -> list[int]:
    """The server process and its children (the workers of --workers N)."""
    pids, queue = [], [root]
    while queue:
        pid = queue.pop()
        pids.append(pid)
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            children = []
        queue.extend(int(child) for child in children)
    return pids


def rss_kib(root: int) -> int:
    return sum(memory_kib(pid).get("VmRSS", 0) for pid in server_pids(root))


def server_cpu(root: int) -> float:
    return sum(cpu_seconds(pid) or 0.0 for pid in server_pids(root))


async def make_members(count: int, database: str | Path) -> list[Member]:
    """The accounts, written straight into the database the server will use."""
    store = Store(database)
    await store.open()
    try:
        password_hash = hash_blocking(PASSWORD)
        members = []
        for index in range(count):
            username = f"m{index:05d}"
            await store.users.create(username, f"{username}@example.com", password_hash,
                                     "admin" if index == 0 else "author")
            members.append(Member(index, username))
        return members
    finally:
        await store.close()


async def log_in(base: str, member: Member) -> None:
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        async with session.get(base + "/login") as page:
            token = CSRF_INPUT.search(await page.text())
        if token is None:
            raise BenchError("the login form has no CSRF token")
        async with session.post(base + "/login", allow_redirects=False, data={
                "username": member.username, "password": PASSWORD, "next": "", "csrf_token": token.group(1)}) as done:
            if done.status != 303:
                raise BenchError(f"logging {member.username} in answered {done.status}")
        for cookie in jar:
            if cookie.key == SESSION_COOKIE:
                member.cookie = cookie.value
    if not member.cookie:
        raise BenchError(f"no session cookie for {member.username}")


async def listen(member: Member, results: Results) -> None:
    assert member.ws is not None
    async for frame in member.ws:
        if frame.type != aiohttp.WSMsgType.TEXT:
            break
        event = json.loads(frame.data)
        kind = event.get("kind")
        if kind == "message" and event.get("to") == member.username:
            found = SEQUENCE.search(event.get("body_html", ""))
            if found:
                sequence = int(found.group(1))
                if sequence in member.received:
                    member.duplicates += 1
                else:
                    member.received[sequence] = time.perf_counter()
        elif kind == "error":
            member.errors.append(str(event.get("message")))


async def send_for(member: Member, recipient: Member, minutes: int, results: Results, counter: list[int]) -> None:
    """One message a minute, at a random moment of each minute."""
    assert member.ws is not None
    for minute in range(minutes):
        await asyncio.sleep(random.uniform(0, 60) if minute == 0 else 60 + random.uniform(-5, 5))
        counter[0] += 1
        sequence = counter[0]
        results.recipients[sequence] = recipient.index
        results.sent[sequence] = time.perf_counter()
        await member.ws.send_str(json.dumps({"kind": "message", "to": recipient.username,
                                             "body": f"bench-{sequence}- hello from {member.username}"}))


async def benchmark(args: argparse.Namespace, base: str, server: subprocess.Popen[bytes],
                    members: list[Member], results: Results) -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as probe:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                raise BenchError(f"the server exited with {server.returncode}")
            try:
                async with probe.get(base + "/") as answer:
                    if answer.status < 500:
                        break
            except (aiohttp.ClientError, OSError):
                pass
            if time.monotonic() > deadline:
                raise BenchError("the server did not answer within 30 s")
            await asyncio.sleep(0.1)
    started = time.perf_counter()
    limit = asyncio.Semaphore(args.login_concurrency)

    async def one_login(member: Member) -> None:
        async with limit:
            await log_in(base, member)

    await asyncio.gather(*(one_login(member) for member in members))
    results.login_seconds = time.perf_counter() - started
    progress(f"{len(members)} members logged in in {results.login_seconds:.1f} s")
    results.rss_kib["before sockets"] = rss_kib(server.pid)
    results.cpu["before sockets"] = server_cpu(server.pid)

    # limit=0: each socket holds its connection, and the default pool stops at 100.
    session = aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar(), connector=aiohttp.TCPConnector(limit=0))
    try:
        started = time.perf_counter()
        for batch in range(0, len(members), 100):
            async def connect(member: Member) -> None:
                member.ws = await session.ws_connect(base.replace("http", "ws") + "/live", compress=0,
                                                     headers={"Cookie": f"{SESSION_COOKIE}={member.cookie}"})
                await member.ws.send_str(json.dumps({"kind": "catch_up", "messages_after": 0,
                                                     "notifications_after": 0}))
            await asyncio.gather(*(connect(member) for member in members[batch:batch + 100]))
            progress(f"{batch + 100} sockets open")
        results.connect_seconds = time.perf_counter() - started
        progress(f"{len(members)} sockets open in {results.connect_seconds:.1f} s; sending for {args.minutes} min")
        listeners = [asyncio.create_task(listen(member, results)) for member in members]
        await asyncio.sleep(2)  # every catch-up answered
        results.rss_kib["members connected"] = rss_kib(server.pid)
        results.cpu["members connected"] = server_cpu(server.pid)
        counter = [0]
        await asyncio.gather(*(send_for(member, members[(member.index + 1) % len(members)], args.minutes,
                                        results, counter) for member in members))
        deadline = time.perf_counter() + 15
        while time.perf_counter() < deadline and sum(len(m.received) for m in members) < len(results.sent):
            await asyncio.sleep(0.1)
        results.rss_kib["after the messages"] = rss_kib(server.pid)
        results.cpu["after the messages"] = server_cpu(server.pid)
        for member in members:
            if member.ws is not None:
                await member.ws.close()
        for task in listeners:
            task.cancel()
    finally:
        await session.close()


def report(args: argparse.Namespace, members: list[Member], results: Results) -> bool:
    latencies = []
    missing = 0
    for sequence, sent_at in results.sent.items():
        arrived = members[results.recipients[sequence]].received.get(sequence)
        if arrived is None:
            missing += 1
        else:
            latencies.append((arrived - sent_at) * 1000)
    duplicates = sum(member.duplicates for member in members)
    errors = [error for member in members for error in member.errors]
    print(f"members online: {len(members)}, minutes: {args.minutes}, workers: {args.workers},"
          f" database: {'PostgreSQL' if args.database_url else 'SQLite'}")
    print(f"logins: {results.login_seconds:.1f} s; connecting every socket: {results.connect_seconds:.1f} s")
    print(f"messages sent: {len(results.sent)}, delivered: {len(latencies)}, missing: {missing},"
          f" twice: {duplicates}, errors: {len(errors)} {errors[:3]}")
    if latencies:
        print("delivery latency ms: p50 {:.1f}, p90 {:.1f}, p99 {:.1f}, max {:.1f}".format(
            percentile(latencies, 50), percentile(latencies, 90), percentile(latencies, 99), max(latencies)))
    for moment, kib in results.rss_kib.items():
        print(f"server RSS {moment}: {kib / 1024:.1f} MiB (CPU so far {results.cpu.get(moment, 0):.1f} s)")
    return missing == 0 and duplicates == 0 and not errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--minutes", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database-url", default="", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--login-concurrency", type=int, default=8)
    args = parser.parse_args(argv)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = args.members * 2 + 512
    if hard < needed:
        print(f"error: {args.members} members need {needed} open files; the hard limit is {hard}", file=sys.stderr)
        return 2
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, needed), hard))
    data_dir = Path(tempfile.mkdtemp(prefix="blog-bench-messages-"))
    port = args.port or free_port()
    base = f"http://{HOST}:{port}"
    results = Results()
    server: subprocess.Popen[bytes] | None = None
    code = 2
    try:
        members = asyncio.run(make_members(args.members, args.database_url or data_dir / "blog.sqlite3"))
        progress(f"{len(members)} accounts made")
        env = {key: value for key, value in os.environ.items() if not key.startswith("BLOG_")}
        env.update(BLOG_LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1")
        if args.database_url:
            env["BLOG_DATABASE_URL"] = args.database_url
        command = [sys.executable, "-m", "blog", "serve", "--host", HOST, "--port", str(port),
                   "--data-dir", str(data_dir), "--workers", str(args.workers)]
        with open(data_dir / "server.log", "wb") as log:
            server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL)
        asyncio.run(asyncio.wait_for(benchmark(args, base, server, members, results), args.timeout))
        code = 0 if report(args, members, results) else 1
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
    except (asyncio.TimeoutError, TimeoutError):
        print(f"error: the benchmark did not finish within --timeout {args.timeout:.0f} s", file=sys.stderr)
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
        log_text = (data_dir / "server.log").read_text(errors="replace") if (data_dir / "server.log").exists() else ""
        if "Traceback" in log_text or " ERROR " in log_text:
            print("the server logged errors:\n" + log_text[-3000:], file=sys.stderr)
        shutil.rmtree(data_dir, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())

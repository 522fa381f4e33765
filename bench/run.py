"""How fast is the blog, page by page, next to a bare aiohttp "Hello, world"?

    python bench/run.py                      # 100,000 posts, 3 rounds of 10 s, the million too
    python bench/run.py --skip-million --rounds 1 --duration 5

Builds a demo database with `python -m blog seed-demo` (cached under
/tmp/blog-bench/ by post count, so later runs start at once), starts the blog
(`python -m blog serve`, one process, BLOG_LOG_LEVEL=WARNING, on a fresh copy
of that database) and bench/hello.py on free ports of 127.0.0.1, and loads them
in turn with wrk (`wrk -t1 -c32 -d10s --latency`): for every page, hello world
then the blog, in each of the rounds. It prints, per page, the blog's requests
per second (median of the rounds), its p50 and p99 latency (wrk --latency) and
its ratio to hello world measured in the same round, each next to its target
with PASS or FAIL.

Also measured: comment POSTs while readers load the post, the p99 of the
logged-in home page while 20 logins run at once, the blog's memory after the
run, the home page with 10,000 posts against 1,000,000 (`--skip-million` to
skip), and `serve --workers 2` where the blog has that option (`--no-workers`
to skip). Not part of the test suite; see bench/README.md, "Speed".

With `--database-url postgresql://.../postgres` the same run is made on PostgreSQL
(bench/pg.py: a database per post count filled once by `copy-to` from the same SQLite
demo data, a fresh copy of it for every server run), plus two app servers on one
database behind nginx against one (bench/nginx.py); `--no-two-servers` to skip that.

Exit status: 0 when every target passed, 1 when some failed, 2 when the run
could not be made.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import html
import json
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import nginx
from pg import PostgresBench, PostgresError, shown
from procfs import cpu_seconds, free_port, memory_kib, percentile
from yarl import URL

from blog.accounts.cookie import SESSION_COOKIE
from blog.demo.posts import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
HOST = "127.0.0.1"
CSRF_INPUT = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
OLDER_LINK = re.compile(r'<a rel="next" href="([^"]+)"')
POST_LINK = re.compile(r'href="(/posts/\d+/[^"#?]+)"')
TAG_LINK = re.compile(r'href="(/tags/[^"#?]+)"')
SEARCH_PATH = "/search?q=python+testing"  # two words, as a reader types them
UNIQUE_SCRIPT = BENCH / "unique.lua"
WRK_GRACE = 30.0  # seconds a wrk run may take beyond its duration
SETTLE = 0.5  # seconds of quiet between two wrk runs


class BenchError(Exception):
    """The benchmark could not be made; the message says why."""


# Numbers --------------------------------------------------------------------------


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int = 0
    socket_errors: str = ""


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def parse_wrk(output: str) -> WrkResult:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    latencies = {
        int(percent): float(value) * _UNIT_MS[unit]
        for percent, value, unit in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.M)
    }
    if rps is None or total is None or 50 not in latencies or 99 not in latencies:
        raise BenchError(f"could not read wrk's output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return WrkResult(
        rps=float(rps.group(1)), p50_ms=latencies[50], p99_ms=latencies[99], requests=int(total.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0, socket_errors=errors.group(1).strip() if errors else "",
    )


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


# Processes ------------------------------------------------------------------------


def server_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BLOG_")}
    env["BLOG_LOG_LEVEL"] = "WARNING"
    env["PYTHONUNBUFFERED"] = "1"
    return env


class Server:
    """A server in its own process group (so `--workers` children stop with it); output to a log file."""

    def __init__(self, name: str, command: list[str], log_dir: Path, env: dict[str, str] | None = None,
                 port: int | None = None) -> None:
        self.name, self.command, self.env = name, command, env or {}
        self.port = port if port is not None else int(command[command.index("--port") + 1])
        self.base = f"http://{HOST}:{self.port}"
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=server_env() | self.env, stdout=log,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def wait_until_ready(self, client: aiohttp.ClientSession, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise BenchError(f"{self.name} exited with code {self.process.returncode}:\n{self.log_tail()}")
            try:
                async with client.get(self.base + "/", allow_redirects=False) as response:
                    if response.status < 500:
                        return
            except (aiohttp.ClientError, OSError):
                pass
            await asyncio.sleep(0.1)
        raise BenchError(f"{self.name} did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM to the process group, SIGKILL to whatever is left after `grace` seconds."""
        if self.process is None:
            return
        if self.process.poll() is None:
            _signal_group(self.pid, signal.SIGTERM)
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                print(f"warning: {self.name} ignored SIGTERM for {grace:.0f} s; killing it", file=sys.stderr)
        _signal_group(self.pid, signal.SIGKILL)  # the parent if still there, and any child it left behind
        self.process.wait()

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(text[-lines:]) or "(it printed nothing)"


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def blog_command(port: int, data_dir: Path, extra: Sequence[str] = ()) -> list[str]:
    return [sys.executable, "-m", "blog", "serve", "--host", HOST, "--port", str(port),
            "--data-dir", str(data_dir), *extra]


def hello_command(port: int, *, reuse_port: bool = False) -> list[str]:
    return [sys.executable, str(BENCH / "hello.py"), "--host", HOST, "--port", str(port),
            *(["--reuse-port"] if reuse_port else [])]


def children_of(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                found += [int(child) for child in children.read().split()]
    except OSError:
        pass
    return found


# wrk ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Load:
    threads: int
    connections: int
    duration: float


async def run_wrk(url: str, load: Load, *, headers: Sequence[str] = (), script: Path | None = None,
                  script_args: Sequence[str] = (), duration: float | None = None) -> WrkResult:
    seconds = max(1, round(duration if duration is not None else load.duration))
    command = ["wrk", f"-t{load.threads}", f"-c{load.connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    for header in headers:
        command += ["-H", header]
    if script is not None:
        command += ["-s", str(script)]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    process = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.PIPE, start_new_session=True)
    try:
        out, err = await asyncio.wait_for(process.communicate(), seconds + WRK_GRACE)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    if process.returncode != 0:
        raise BenchError(f"wrk failed ({process.returncode}): {err.decode(errors='replace')}\n{' '.join(command)}")
    return parse_wrk(out.decode(errors="replace"))


# Talking to the blog --------------------------------------------------------------------


def new_client(**kwargs: Any) -> aiohttp.ClientSession:
    # unsafe=True: the default jar refuses cookies from an IP address such as 127.0.0.1.
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                 timeout=aiohttp.ClientTimeout(total=60), **kwargs)


async def get_text(client: aiohttp.ClientSession, url: str, headers: dict[str, str] | None = None) -> str:
    async with client.get(url, headers=headers, allow_redirects=False) as response:
        text = await response.text()
        if response.status != 200:
            raise BenchError(f"GET {url} answered {response.status}: {text[:300]}")
        return text


async def csrf_token_of(client: aiohttp.ClientSession, url: str) -> str:
    match = CSRF_INPUT.search(await get_text(client, url))
    if match is None:
        raise BenchError(f"no csrf_token field on {url}")
    return match.group(1)


async def log_in(client: aiohttp.ClientSession, base: str, username: str) -> None:
    """Through the form, the way a browser does it: GET /login for the token, POST, expect 303."""
    token = await csrf_token_of(client, f"{base}/login")
    fields = {"username": username, "password": DEMO_PASSWORD, "next": "", "csrf_token": token}
    async with client.post(f"{base}/login", data=fields, allow_redirects=False) as response:
        if response.status != 303:
            raise BenchError(f"logging in as {username} answered {response.status}: {(await response.text())[:300]}")


def session_cookie_header(client: aiohttp.ClientSession, base: str) -> str:
    cookie = client.cookie_jar.filter_cookies(URL(base)).get(SESSION_COOKIE)
    if cookie is None:
        raise BenchError("no session cookie after logging in")
    return f"Cookie: {SESSION_COOKIE}={cookie.value}"


@dataclass
class Targets:
    """The addresses the pages are measured at, found by browsing the blog."""

    post: str  # the post page readers load
    comment_post: str  # another post, which gets the comments
    tag: str
    deep: str  # the page 100 "Older posts" links from the home page
    deep_seconds: float  # how long following those links took (each page rendered for the first time)
    api_status: int
    cookie: str  # the logged-in reader's Cookie header


async def older_link(client: aiohttp.ClientSession, base: str, path: str) -> str:
    match = OLDER_LINK.search(await get_text(client, base + path))
    if match is None:
        raise BenchError(f"{path} has no 'Older posts' link; the database has too few posts")
    return html.unescape(match.group(1))


async def find_targets(base: str, depth: int, reader_username: str) -> Targets:
    async with new_client() as anonymous:
        home = await get_text(anonymous, base + "/")
        posts = list(dict.fromkeys(POST_LINK.findall(home)))
        tags = list(dict.fromkeys(TAG_LINK.findall(home)))
        if len(posts) < 2 or not tags:
            raise BenchError("the home page lists fewer than two posts or no tag")
        started = time.perf_counter()
        deep = "/"
        for _ in range(depth):
            deep = await older_link(anonymous, base, deep)
        deep_seconds = time.perf_counter() - started
        async with anonymous.get(base + "/api/articles?limit=10") as response:
            api_status = response.status
    async with new_client() as reader:
        await log_in(reader, base, reader_username)
        cookie = session_cookie_header(reader, base)
    async with new_client() as check:  # the cookie, sent the way wrk sends it, must show a logged-in page
        name, _, value = cookie.partition(": ")
        page = await get_text(check, base + "/", headers={name: value})
        if reader_username not in page:
            raise BenchError(f"the session cookie does not log {reader_username} in")
    return Targets(posts[0], posts[1], tags[0], deep, deep_seconds, api_status, cookie)


# Clients that run beside wrk ----------------------------------------------------------------


@dataclass
class ClientTimes:
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


async def post_comments(client: aiohttp.ClientSession, base: str, post: str, rate: float, seconds: float,
                        label: str) -> ClientTimes:
    """Comments at a steady rate (an open loop: a slow answer does not delay the next POST)."""
    token = await csrf_token_of(client, base + post)
    times = ClientTimes()

    async def one(n: int) -> None:
        fields = {"body": f"Benchmark comment {label}-{n}: the readers should not notice me.", "csrf_token": token}
        started = time.perf_counter()
        try:
            async with client.post(f"{base}{post}/comments", data=fields, allow_redirects=False) as response:
                await response.read()
                if response.status != 303:
                    times.failures.append(f"status {response.status}")
                    return
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            times.failures.append(repr(exc))
            return
        times.latencies_ms.append((time.perf_counter() - started) * 1000)

    start = time.perf_counter()
    tasks = []
    for n in range(max(1, int(rate * seconds))):
        delay = start + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(n)))
    await asyncio.wait_for(asyncio.gather(*tasks), 60)
    return times


async def login_storm(base: str, usernames: Sequence[str], concurrency: int, seconds: float) -> ClientTimes:
    """`concurrency` visitors logging in over and over, each time as a new session (GET /login, POST)."""
    times = ClientTimes()
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=concurrency * 2)

    async def visitor(index: int) -> None:
        username = usernames[index % len(usernames)]
        async with new_client(connector=connector, connector_owner=False) as client:
            while time.perf_counter() < deadline:
                client.cookie_jar.clear()
                started = time.perf_counter()
                try:
                    await log_in(client, base, username)
                except (BenchError, aiohttp.ClientError, asyncio.TimeoutError) as exc:
                    times.failures.append(str(exc)[:200])
                    await asyncio.sleep(0.1)
                    continue
                times.latencies_ms.append((time.perf_counter() - started) * 1000)

    try:
        await asyncio.wait_for(asyncio.gather(*(visitor(i) for i in range(concurrency))), seconds + 60)
    finally:
        await connector.close()
    return times


# The measurements --------------------------------------------------------------------------


@dataclass
class Page:
    key: str
    label: str
    path: str
    headers: tuple[str, ...] = ()
    script: Path | None = None
    script_args: tuple[str, ...] = ()
    ratio_target: float | None = None  # of hello world's req/s
    p99_target_ms: float | None = None


@dataclass
class PageRounds:
    page: Page
    blog: list[WrkResult] = field(default_factory=list)
    hello: list[WrkResult] = field(default_factory=list)

    @property
    def ratios(self) -> list[float]:
        return [b.rps / h.rps for b, h in zip(self.blog, self.hello) if h.rps]


def status_line(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def note_errors(where: str, result: WrkResult, problems: list[str]) -> None:
    if result.non_2xx or result.socket_errors:
        problem = f"{where}: {result.non_2xx} non-2xx/3xx of {result.requests} responses; socket errors: {result.socket_errors or 'none'}"
        problems.append(problem)
        status_line("warning: " + problem)


async def measure_pages(pages: list[Page], blog: Server, hello: Server, load: Load, rounds: int,
                        problems: list[str]) -> dict[str, PageRounds]:
    results = {page.key: PageRounds(page) for page in pages}
    for round_no in range(1, rounds + 1):
        for page in pages:
            await asyncio.sleep(SETTLE)
            hello_result = await run_wrk(hello.base + "/", load)
            await asyncio.sleep(SETTLE)
            blog_result = await run_wrk(blog.base + page.path, load, headers=page.headers, script=page.script,
                                        script_args=page.script_args)
            note_errors(f"{blog.name} {page.label} round {round_no}", blog_result, problems)
            results[page.key].hello.append(hello_result)
            results[page.key].blog.append(blog_result)
            status_line(f"round {round_no}/{rounds} {blog.name} {page.label}: {blog_result.rps:,.0f} req/s, "
                        f"p99 {blog_result.p99_ms:.1f} ms; hello {hello_result.rps:,.0f} req/s "
                        f"(ratio {blog_result.rps / hello_result.rps:.2f})")
    return results


async def warm_up(server: Server, pages: list[Page], seconds: float) -> None:
    if seconds <= 0:
        return
    for page in pages:
        await run_wrk(server.base + page.path, Load(1, 8, seconds), headers=page.headers, script=page.script,
                      script_args=page.script_args)


@dataclass
class CommentRound:
    readers: WrkResult
    hello: WrkResult
    comments: ClientTimes


async def measure_comments(blog: Server, hello: Server, poster: aiohttp.ClientSession, post: str, load: Load,
                           rounds: int, rate: float, problems: list[str]) -> list[CommentRound]:
    results = []
    for round_no in range(1, rounds + 1):
        await asyncio.sleep(SETTLE)
        hello_result = await run_wrk(hello.base + "/", load)
        await asyncio.sleep(SETTLE)
        # The comments start a moment after wrk and stop a moment before it, so they all meet readers.
        comments_for = max(1.0, load.duration - 1.0)
        readers_task = asyncio.create_task(run_wrk(blog.base + post, load))
        await asyncio.sleep(0.5)
        comments = await post_comments(poster, blog.base, post, rate, comments_for, f"r{round_no}")
        readers = await readers_task
        note_errors(f"post page with comments round {round_no}", readers, problems)
        if comments.failures:
            problems.append(f"comments round {round_no}: {len(comments.failures)} failed, e.g. {comments.failures[0]}")
        results.append(CommentRound(readers, hello_result, comments))
        status_line(f"round {round_no}/{rounds} post page + comments: readers {readers.rps:,.0f} req/s, "
                    f"p99 {readers.p99_ms:.1f} ms; {len(comments.latencies_ms)} comments, "
                    f"p50 {percentile(comments.latencies_ms, 50):.1f} ms, p99 {percentile(comments.latencies_ms, 99):.1f} ms")
    return results


@dataclass
class LoginRound:
    idle: WrkResult
    loaded: WrkResult
    logins: ClientTimes


async def measure_logins(blog: Server, cookie: str, usernames: Sequence[str], concurrency: int, load: Load,
                         rounds: int, problems: list[str]) -> list[LoginRound]:
    results = []
    for round_no in range(1, rounds + 1):
        await asyncio.sleep(SETTLE)
        idle = await run_wrk(blog.base + "/", load, headers=(cookie,))
        await asyncio.sleep(SETTLE)
        storm = asyncio.create_task(login_storm(blog.base, usernames, concurrency, load.duration + 1.0))
        await asyncio.sleep(1.0)  # the logins are under way before the readers are measured
        loaded = await run_wrk(blog.base + "/", load, headers=(cookie,))
        logins = await storm
        for where, result in (("idle", idle), ("with logins", loaded)):
            note_errors(f"logged-in / {where} round {round_no}", result, problems)
        if logins.failures:
            problems.append(f"logins round {round_no}: {len(logins.failures)} failed, e.g. {logins.failures[0]}")
        results.append(LoginRound(idle, loaded, logins))
        status_line(f"round {round_no}/{rounds} logged-in / p99: idle {idle.p99_ms:.1f} ms, "
                    f"with {concurrency} logins {loaded.p99_ms:.1f} ms ({len(logins.latencies_ms)} logins)")
    return results


# Databases -------------------------------------------------------------------------------


# The code that decides what seed-demo writes (rows, password hashes). A database built by
# other versions of these files still works (the blog upgrades its schema) but may differ,
# e.g. its demo passwords hashed with older argon2 parameters, which costs memory at login.
SEED_SOURCES = ("schema.sql", "blog/demo/posts.py", "blog/demo/text.py", "blog/store/seed.py",
                "blog/accounts/passwords.py")


def sources_digest(names: Sequence[str], digest: Any) -> str:
    """A file that moved must not go unnoticed: the cache would then never see it change."""
    for name in names:
        try:
            digest.update((ROOT / name).read_bytes())
        except OSError as exc:
            raise BenchError(f"{name}, which decides what the cached databases hold, is missing ({exc}); "
                             "update the list in bench/run.py") from exc
    return str(digest.hexdigest()[:16])


def seed_fingerprint() -> str:
    return sources_digest(SEED_SOURCES, hashlib.sha256())


def ensure_database(cache_dir: Path, posts: int, rebuild: bool, timeout: float) -> Path:
    """The data folder of a blog with `posts` demo posts, built once and kept under cache_dir."""
    target = cache_dir / f"posts-{posts}"
    fingerprint_file = cache_dir / f"posts-{posts}.built-from"
    if target.exists() and not rebuild:
        built_from = fingerprint_file.read_text().strip() if fingerprint_file.exists() else "?"
        status_line(f"using the cached database {target}")
        if built_from != seed_fingerprint():
            status_line(f"note: {', '.join(SEED_SOURCES)} changed since it was built; --rebuild to build it again")
        return target
    shutil.rmtree(target, ignore_errors=True)
    partial = cache_dir / f"posts-{posts}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    status_line(f"building {target} with `python -m blog seed-demo --posts {posts}` (once; it is cached)")
    started = time.perf_counter()
    log_path = cache_dir / f"seed-{posts}.log"
    with open(log_path, "wb") as log:
        try:
            done = subprocess.run([sys.executable, "-m", "blog", "seed-demo", "--posts", str(posts),
                                   "--data-dir", str(partial)], cwd=ROOT, env=server_env(), stdout=log,
                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise BenchError(f"seed-demo --posts {posts} took more than {timeout:.0f} s; see {log_path}") from None
    if done.returncode != 0:
        raise BenchError(f"seed-demo --posts {posts} failed; see {log_path}")
    partial.rename(target)
    fingerprint_file.write_text(seed_fingerprint() + "\n")
    status_line(f"built in {time.perf_counter() - started:.0f} s")
    return target


def fresh_copy(source: Path, cache_dir: Path, copies: list[Path]) -> Path:
    """A copy of a cached data folder for one server (it writes: sessions, comments); noted in `copies`."""
    folder = Path(tempfile.mkdtemp(prefix="run-", dir=cache_dir))
    copies.append(folder)
    shutil.copytree(source, folder / "data")
    return folder / "data"


# What the copy-to that fills a PostgreSQL database from the SQLite one depends on, beside SEED_SOURCES.
COPY_SOURCES = ("schema.postgresql.sql", "blog/store/copying.py", "blog/cli/copy.py")


def postgres_fingerprint() -> str:
    return sources_digest(COPY_SOURCES, hashlib.sha256(seed_fingerprint().encode()))


@dataclass
class BlogData:
    """What one server (or several sharing a database) runs on: a data folder, and on PostgreSQL
    the BLOG_DATABASE_URL of its own copy of the database."""

    data_dir: Path
    env: dict[str, str] = field(default_factory=dict)

    def another_folder(self) -> "BlogData":
        """The same database with a data folder of its own, for a second app server."""
        return BlogData(self.data_dir.parent / f"{self.data_dir.name}-2", self.env)


# The machine ---------------------------------------------------------------------------------


def command_output(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=10, cwd=ROOT).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def machine() -> dict[str, str]:
    wrk_version = command_output(["wrk", "-v"]).splitlines()
    free = command_output(["free", "-h"]).splitlines()
    commit = command_output(["git", "rev-parse", "--short", "HEAD"])
    dirty = command_output(["git", "status", "--porcelain"])
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": command_output(["nproc"]),
        "cpu": cpu_model(),
        "memory": " ".join(free[1].split()[1:4]) if len(free) > 1 else "?",  # total used free
        "kernel": platform.release(),
        "python": platform.python_version(),
        "aiohttp": aiohttp.__version__,
        "wrk": wrk_version[0] if wrk_version else "?",
        "commit": commit + (" plus uncommitted changes" if dirty else ""),
    }


async def wait_for_quiet(max_load: float, patience: float) -> tuple[float, float, float]:
    """Waits (up to `patience` seconds) for the 1-minute load average to fall to `max_load`."""
    deadline = time.monotonic() + patience
    load = os.getloadavg()
    while load[0] > max_load and time.monotonic() < deadline:
        status_line(f"load average {load[0]:.2f} > {max_load}: waiting for a quieter machine")
        await asyncio.sleep(min(15.0, max(0.0, deadline - time.monotonic())))
        load = os.getloadavg()
    if load[0] > max_load:
        status_line(f"warning: the load average is still {load[0]:.2f}; measuring anyway (the numbers will be noisier)")
    return load


def serve_has_workers() -> bool:
    return "--workers" in command_output([sys.executable, "-m", "blog", "serve", "--help"])


# The report ------------------------------------------------------------------------------------


def ms(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.1f} ms" if value >= 10 else f"{value:.2f} ms"


def without_password(argument: str) -> str:
    """A command-line argument as it may be shown: a PostgreSQL URL loses its password."""
    option, equals, value = argument.rpartition("=") if argument.startswith("--") else ("", "", argument)
    if value.startswith(("postgresql://", "postgres://")):
        return option + equals + shown(value)
    return argument


def verdict(value: float, target: float, at_least: bool = True) -> str:
    if math.isnan(value):
        return "n/a"
    return "PASS" if (value >= target if at_least else value <= target) else "FAIL"


@dataclass
class Report:
    args: argparse.Namespace
    machine: dict[str, str] = field(default_factory=dict)
    loads: list[tuple[str, tuple[float, float, float]]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    targets: list[tuple[str, str, str, str]] = field(default_factory=list)  # what, measured, target, verdict
    problems: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)

    def target(self, what: str, measured: str, target: str, result: str) -> str:
        self.targets.append((what, measured, target, result))
        return result

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def text(self) -> str:
        m = self.machine
        head = [
            f"Run of {m.get('date', '?')}: `{' '.join(['python', 'bench/run.py', *map(without_password, self.args.argv)])}`",
            "",
            f"Machine: `nproc` {m.get('nproc')}, {m.get('cpu')}; `free -h` total/used/free {m.get('memory')}; "
            f"Linux {m.get('kernel')}; Python {m.get('python')}, aiohttp {m.get('aiohttp')}; {m.get('wrk')}; "
            f"tree {m.get('commit')}.",
            *([f"Database: {m['database']}."] if "database" in m else []),
            "Load average (1/5/15 min): " + "; ".join(f"{where} {a:.2f}/{b:.2f}/{c:.2f}" for where, (a, b, c) in self.loads) + ".",
            "",
        ]
        tail = ["", "### Targets", "", "| what | measured | target | |", "|---|---|---|---|"]
        tail += [f"| {what} | {measured} | {target} | **{result}** |" for what, measured, target, result in self.targets]
        if self.problems:
            tail += ["", "Problems seen during the run:", ""] + [f"- {problem}" for problem in self.problems]
        return "\n".join(head + self.lines + tail) + "\n"


def page_table(report: Report, results: dict[str, PageRounds], load: Load, rounds: int) -> None:
    report.add(f"### Pages: one blog process, `wrk -t{load.threads} -c{load.connections} -d{load.duration:g}s`, "
               f"median of {rounds} round(s)", "",
               "| page | blog req/s | p50 | p99 | hello req/s | ratio to hello | target | |",
               "|---|---|---|---|---|---|---|---|")
    for rounds_of in results.values():
        page = rounds_of.page
        ratio = median(rounds_of.ratios)
        result = ""
        if page.ratio_target is not None:
            result = report.target(f"{page.label}: ratio to hello world", f"{ratio:.2f}", f">= {page.ratio_target}",
                                   verdict(ratio, page.ratio_target))
        p99 = median([r.p99_ms for r in rounds_of.blog])
        if page.p99_target_ms is not None:
            result = report.target(f"{page.label}: p99", ms(p99), f"<= {page.p99_target_ms:g} ms",
                                   verdict(p99, page.p99_target_ms, at_least=False))
        report.add(
            f"| {page.label} | {median([r.rps for r in rounds_of.blog]):,.0f} "
            f"| {ms(median([r.p50_ms for r in rounds_of.blog]))} | {ms(median([r.p99_ms for r in rounds_of.blog]))} "
            f"| {median([r.rps for r in rounds_of.hello]):,.0f} | {ratio:.2f} "
            f"| {_target_text(page)} | {result} |"
        )
    report.add("")


def _target_text(page: Page) -> str:
    if page.ratio_target is not None:
        return f">= {page.ratio_target}"
    return f"p99 <= {page.p99_target_ms:g} ms" if page.p99_target_ms is not None else ""


def relative(report: Report, results: dict[str, PageRounds], what: str, numerator: str, denominator: str,
             target: float) -> None:
    """Per round, the req/s of one page over another's (both measured in that round); the median of those."""
    if numerator not in results or denominator not in results:
        return
    ratios = [a.rps / b.rps for a, b in zip(results[numerator].blog, results[denominator].blog) if b.rps]
    value = median(ratios)
    report.target(what, f"{value:.2f}", f">= {target}", verdict(value, target))


# The run ------------------------------------------------------------------------------------------


class Fleet:
    """Every server started, so that all of them stop whatever happens."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.servers: list[Server] = []
        self.copies: list[Path] = []  # data folders copied for this run, removed at the end

    async def start(self, client: aiohttp.ClientSession, name: str, command: list[str],
                    env: dict[str, str] | None = None, port: int | None = None) -> Server:
        server = Server(name, command, self.log_dir, env, port)
        self.servers.append(server)
        server.start()
        await server.wait_until_ready(client)
        return server

    def stop(self, server: Server) -> None:
        server.stop()
        if server in self.servers:
            self.servers.remove(server)

    def stop_all(self) -> None:
        for server in list(reversed(self.servers)):
            self.stop(server)


def demo_usernames(count: int) -> list[str]:
    names = ("alice", "bob", "carol", "dave", "erin")  # seed-demo's default five authors
    return [f"demo-{names[i % len(names)]}" for i in range(count)]


@dataclass
class Databases:
    main: Path
    small: Path | None
    big: Path | None
    postgres: PostgresBench | None = None
    on_postgres: dict[Path, str] = field(default_factory=dict)  # SQLite data folder -> its PostgreSQL database


async def prepare_postgres(args: argparse.Namespace, cache_dir: Path, databases: Databases) -> None:
    """With --database-url: the PostgreSQL database of each SQLite one, built once by copy-to."""
    postgres = PostgresBench(args.database_url)
    await postgres.check()
    databases.postgres = postgres
    for folder in (databases.main, databases.small, databases.big):
        if folder is not None:
            posts = int(folder.name.removeprefix("posts-"))
            databases.on_postgres[folder] = await postgres.ensure(
                posts, folder, postgres_fingerprint(), args.rebuild, cache_dir, server_env(), args.seed_timeout,
                status_line)


async def fresh_blog(databases: Databases, source: Path, cache_dir: Path, fleet: Fleet) -> BlogData:
    """Data for one server run: a copy of the cached SQLite folder, or on PostgreSQL an empty
    folder and a copy of the cached database (CREATE DATABASE ... TEMPLATE)."""
    if databases.postgres is None:
        return BlogData(fresh_copy(source, cache_dir, fleet.copies))
    folder = Path(tempfile.mkdtemp(prefix="run-", dir=cache_dir))
    fleet.copies.append(folder)
    url = await databases.postgres.fresh_copy(databases.on_postgres[source])
    return BlogData(folder / "data", {"BLOG_DATABASE_URL": url})


def prepare_databases(args: argparse.Namespace, cache_dir: Path) -> Databases:
    """Built before anything is measured (and before the quiet-machine check: building is busy work)."""
    main = ensure_database(cache_dir, args.posts, args.rebuild, args.seed_timeout)
    if args.skip_million:
        return Databases(main, None, None)
    return Databases(main, ensure_database(cache_dir, args.small_posts, args.rebuild, args.seed_timeout),
                     ensure_database(cache_dir, args.million_posts, args.rebuild, args.seed_timeout))


async def benchmark(args: argparse.Namespace, report: Report, fleet: Fleet, cache_dir: Path,
                    databases: Databases) -> None:
    load = Load(args.threads, args.connections, args.duration)
    source, small, big = databases.main, databases.small, databases.big
    workers = args.workers_figure and serve_has_workers()

    report.loads.append(("before", await wait_for_quiet(args.max_load, args.quiet_wait)))
    report.machine = machine()
    if databases.postgres is not None:
        report.machine["database"] = (f"PostgreSQL {databases.postgres.version} at "
                                      f"{shown(databases.postgres.maintenance_url)}; every server run on its own "
                                      f"copy of {databases.on_postgres[source]} (`CREATE DATABASE ... TEMPLATE`)")
    blog_data = await fresh_blog(databases, source, cache_dir, fleet)
    report.raw["data_dir"] = str(blog_data.data_dir)
    where = shown(blog_data.env["BLOG_DATABASE_URL"]) if blog_data.env else f"in {blog_data.data_dir}"
    status_line(f"the blog runs on a copy of the database {where}")

    async with new_client() as client:
        hello = await fleet.start(client, "hello", hello_command(free_port()))
        blog = await fleet.start(client, "blog", blog_command(free_port(), blog_data.data_dir), env=blog_data.env)
        started_cpu = cpu_seconds(blog.pid)
        trail = [("started", memory_kib(blog.pid))]  # where the memory goes, part by part
        targets = await find_targets(blog.base, args.depth, "demo-alice")
        report.raw["targets"] = asdict(targets)
        status_line(f"post {targets.post}; tag {targets.tag}; {args.depth} pages deep: {targets.deep} "
                    f"(followed in {targets.deep_seconds:.1f} s); /api/articles answered {targets.api_status}")

        pages = [
            Page("home", "`/` anonymous", "/", ratio_target=0.85),
            Page("post", "post page, anonymous", targets.post, ratio_target=0.85),
            Page("home_user", "`/` logged in", "/", headers=(targets.cookie,), ratio_target=0.5),
            Page("deep", f"{args.depth} pages deep, anonymous", targets.deep),
            Page("tag", f"tag page `{targets.tag}`, anonymous", targets.tag),
            Page("home_link", "`/` uncached: a parameter it ignores (a new utm_source each request)", "/",
                 script=UNIQUE_SCRIPT, ratio_target=0.3),
            Page("home_rendered", "`/` uncached: rendered (a new page cursor each request)", "/",
                 script=UNIQUE_SCRIPT, script_args=("cursor",), ratio_target=0.3),
            Page("deep_rendered", f"{args.depth} pages deep, uncached: rendered (a new cursor there each request)",
                 targets.deep, script=UNIQUE_SCRIPT, script_args=("cursor",)),
            Page("feed", "`/feed.atom`, anonymous", "/feed.atom", ratio_target=0.5),
            Page("sitemap", "`/sitemap.xml`, anonymous", "/sitemap.xml", ratio_target=0.5),
            Page("search", f"`{SEARCH_PATH}`, anonymous", SEARCH_PATH, ratio_target=0.5),
            Page("search_fresh", f"`{SEARCH_PATH}` uncached", SEARCH_PATH, script=UNIQUE_SCRIPT, p99_target_ms=50.0),
        ]
        if targets.api_status == 200:
            pages.append(Page("api", "`GET /api/articles?limit=10`", "/api/articles?limit=10", ratio_target=0.4))
        else:
            report.problems.append(f"skipped `GET /api/articles?limit=10`: it answered {targets.api_status}")
        await warm_up(hello, [Page("hello", "hello", "/")], args.warmup)
        await warm_up(blog, pages, args.warmup)
        trail.append(("warmed up", memory_kib(blog.pid)))

        results = await measure_pages(pages, blog, hello, load, args.rounds, report.problems)
        report.raw["pages"] = {key: asdict(value) for key, value in results.items()}
        trail.append(("pages measured", memory_kib(blog.pid)))
        page_table(report, results, load, args.rounds)
        relative(report, results, f"{args.depth} pages deep / `/` (anonymous), req/s", "deep", "home", 0.9)
        relative(report, results, f"{args.depth} pages deep / `/` (both rendered), req/s", "deep_rendered",
                 "home_rendered", 0.9)

        async with new_client() as poster:
            await log_in(poster, blog.base, "demo-bob")
            comments = await measure_comments(blog, hello, poster, targets.comment_post, load, args.rounds,
                                              args.comment_rate, report.problems)
        trail.append(("comments", memory_kib(blog.pid)))
        report_comments(report, comments, load, args)

        logins = await measure_logins(blog, targets.cookie, demo_usernames(args.logins)[1:] + ["demo-alice"],
                                      args.logins, load, args.rounds, report.problems)
        report_logins(report, logins, load, args)

        memory = memory_kib(blog.pid)
        trail.append(("logins", memory))
        report.raw["blog_memory_kib"] = memory
        report.raw["blog_memory_trail_kib"] = trail
        report.raw["blog_cpu_seconds"] = (cpu_seconds(blog.pid) or math.nan) - (started_cpu or math.nan)
        rss_mib, rss_mb = memory.get("VmRSS", 0) / 1024, memory.get("VmRSS", 0) * 1024 / 1e6
        report.add(f"Memory of the blog after the run: VmRSS {rss_mib:.1f} MiB = {rss_mb:.1f} MB (peak VmHWM "
                   f"{memory.get('VmHWM', 0) / 1024:.1f} MiB); it used {report.raw['blog_cpu_seconds']:.0f} s of CPU. "
                   "VmRSS after each part: " + ", ".join(f"{part} {kib.get('VmRSS', 0) / 1024:.1f} MiB"
                                                        for part, kib in trail) + ".", "")
        # The target is read as written: MB, 10^6 bytes (150 MB = 143.05 MiB).
        report.target("memory after the run (VmRSS)", f"{rss_mb:.1f} MB ({rss_mib:.1f} MiB)", "<= 150 MB",
                      verdict(rss_mb, 150, at_least=False))

        await measure_access_log(report, fleet, client, hello, blog_data, load, args)
        if workers:
            await measure_workers(report, fleet, client, hello, blog,
                                  await fresh_blog(databases, source, cache_dir, fleet), args)
        else:
            report.add("Two processes: skipped: no --workers" if args.workers_figure else
                       "Two processes: skipped (--no-workers).", "")
        fleet.stop(blog)
        report.loads.append(("after the one-process blog", os.getloadavg()))

        if databases.postgres is not None:
            if not args.two_servers:
                report.add("Two servers against one: skipped (--no-two-servers).", "")
            elif shutil.which("nginx") is None:
                report.add("Two servers against one: skipped: nginx is not installed.", "")
            else:
                await measure_two_servers(report, fleet, client, hello,
                                          await fresh_blog(databases, source, cache_dir, fleet), args)
                report.loads.append(("after the two servers", os.getloadavg()))

        if small is not None and big is not None:
            if databases.postgres is None:  # only read: the cached folders themselves (1M posts is several GB)
                small_data, big_data = BlogData(small), BlogData(big)
            else:  # a database copy is a quick file copy, and keeps the cached one as built
                small_data = await fresh_blog(databases, small, cache_dir, fleet)
                big_data = await fresh_blog(databases, big, cache_dir, fleet)
            await measure_million(report, fleet, client, small_data, big_data, load, args)
        else:
            report.add("`/` with 10,000 against 1,000,000 posts: skipped (--skip-million).", "")
    report.loads.append(("at the end", os.getloadavg()))


def report_comments(report: Report, rounds: list[CommentRound], load: Load, args: argparse.Namespace) -> None:
    latencies = [latency for r in rounds for latency in r.comments.latencies_ms]
    readers = [r.readers for r in rounds]
    ratio = median([r.readers.rps / r.hello.rps for r in rounds if r.hello.rps])
    report.raw["comments"] = [asdict(r) for r in rounds]
    report.add(f"### Comments while readers load the post: `wrk -t{load.threads} -c{load.connections}` on the "
               f"post page (anonymous), comments POSTed at {args.comment_rate:g}/s by one logged-in user", "",
               "| readers req/s | readers p50 | readers p99 | ratio to hello | comments | comment POST p50 | p99 | max |",
               "|---|---|---|---|---|---|---|---|",
               f"| {median([r.rps for r in readers]):,.0f} | {ms(median([r.p50_ms for r in readers]))} "
               f"| {ms(median([r.p99_ms for r in readers]))} | {ratio:.2f} | {len(latencies)} "
               f"| {ms(percentile(latencies, 50))} | {ms(percentile(latencies, 99))} "
               f"| {ms(max(latencies) if latencies else math.nan)} |", "")
    readers_p99 = median([r.p99_ms for r in readers])
    report.target(f"readers' p99 while {args.comment_rate:g} comments/s arrive", ms(readers_p99), "<= 20 ms",
                  verdict(readers_p99, 20.0, at_least=False))


def report_logins(report: Report, rounds: list[LoginRound], load: Load, args: argparse.Namespace) -> None:
    idle = median([r.idle.p99_ms for r in rounds])
    loaded = median([r.loaded.p99_ms for r in rounds])
    ratio = median([r.loaded.p99_ms / r.idle.p99_ms for r in rounds if r.idle.p99_ms])
    latencies = [latency for r in rounds for latency in r.logins.latencies_ms]
    per_second = len(latencies) / (len(rounds) * (load.duration + 1.0)) if rounds else math.nan
    report.raw["logins"] = [asdict(r) for r in rounds]
    report.add(f"### `/` logged in, alone and while {args.logins} logins run at once "
               f"(each a new session: GET /login, POST /login)", "",
               "| | req/s | p50 | p99 |", "|---|---|---|---|",
               f"| idle | {median([r.idle.rps for r in rounds]):,.0f} | {ms(median([r.idle.p50_ms for r in rounds]))} "
               f"| {ms(idle)} |",
               f"| with {args.logins} logins | {median([r.loaded.rps for r in rounds]):,.0f} "
               f"| {ms(median([r.loaded.p50_ms for r in rounds]))} | {ms(loaded)} |", "",
               f"Logins completed: {len(latencies)} ({per_second:.1f}/s); a login (GET + POST) took "
               f"p50 {ms(percentile(latencies, 50))}, p99 {ms(percentile(latencies, 99))}.", "")
    report.target(f"p99 of logged-in `/` with {args.logins} logins / idle", f"{ratio:.2f}x ({ms(idle)} -> {ms(loaded)})",
                  "<= 2x", verdict(ratio, 2.0, at_least=False))


async def measure_workers(report: Report, fleet: Fleet, client: aiohttp.ClientSession, hello: Server,
                          one: Server, data: BlogData, args: argparse.Namespace) -> None:
    load = Load(args.threads * 2, args.connections * 2, args.duration)
    two = await fleet.start(client, "blog-workers-2", blog_command(free_port(), data.data_dir, ["--workers", "2"]),
                            env=data.env)
    # Two hello worlds on one port: what two processes can get out of this machine at all,
    # with wrk on the same CPUs.
    hello_port = free_port()
    hellos = [await fleet.start(client, f"hello-2-{n}", hello_command(hello_port, reuse_port=True), port=hello_port)
              for n in (1, 2)]
    cookies = {}
    for server in (one, two):
        async with new_client() as reader:
            await log_in(reader, server.base, "demo-alice")
            cookies[server.name] = session_cookie_header(reader, server.base)
    rows: dict[str, dict[str, list[WrkResult]]] = {}
    for label, logged_in in (("`/` anonymous", False), ("`/` logged in", True)):
        rows[label] = {"hello": [], "hello_two": [], "one": [], "two": []}
        for server in (one, two):
            await warm_up(server, [Page("w", label, "/", headers=(cookies[server.name],) if logged_in else ())],
                          args.warmup)
    for round_no in range(1, args.rounds + 1):
        for label, logged_in in (("`/` anonymous", False), ("`/` logged in", True)):
            for key, server in (("hello", hello), ("hello_two", hellos[0]), ("one", one), ("two", two)):
                await asyncio.sleep(SETTLE)
                headers = (cookies[server.name],) if logged_in and not key.startswith("hello") else ()
                result = await run_wrk(server.base + "/", load, headers=headers)
                note_errors(f"{server.name} {label} -t{load.threads} -c{load.connections} round {round_no}",
                            result, report.problems)
                rows[label][key].append(result)
            status_line(f"round {round_no}/{args.rounds} {label}: hello {rows[label]['hello'][-1].rps:,.0f}, "
                        f"one process {rows[label]['one'][-1].rps:,.0f}, two {rows[label]['two'][-1].rps:,.0f} req/s")
    processes = [two.pid, *children_of(two.pid)]
    rss = {pid: memory_kib(pid).get("VmRSS", 0) / 1024 for pid in processes}
    fleet.stop(two)
    for each in hellos:
        fleet.stop(each)
    report.raw["workers"] = {label: {k: [asdict(r) for r in v] for k, v in row.items()} for label, row in rows.items()}
    report.add(f"### Two processes (`serve --workers 2`), `wrk -t{load.threads} -c{load.connections} "
               f"-d{load.duration:g}s`, median of {args.rounds} round(s)", "",
               "| page | hello req/s | two hellos req/s | one process req/s | p99 | two processes req/s | p99 "
               "| two / hello | two / one | two hellos / one hello |",
               "|---|---|---|---|---|---|---|---|---|---|")
    for label, row in rows.items():
        two_hello = median([t.rps / h.rps for t, h in zip(row["two"], row["hello"]) if h.rps])
        two_one = median([t.rps / o.rps for t, o in zip(row["two"], row["one"]) if o.rps])
        hellos_ratio = median([t.rps / h.rps for t, h in zip(row["hello_two"], row["hello"]) if h.rps])
        if label == "`/` anonymous":
            report.target("`serve --workers 2` / one process, `/` anonymous, req/s",
                          f"{two_one:.2f} (two hello worlds: {hellos_ratio:.2f} of one)", ">= 1.8", verdict(two_one, 1.8))
        report.add(f"| {label} | {median([r.rps for r in row['hello']]):,.0f} "
                   f"| {median([r.rps for r in row['hello_two']]):,.0f} | {median([r.rps for r in row['one']]):,.0f} "
                   f"| {ms(median([r.p99_ms for r in row['one']]))} | {median([r.rps for r in row['two']]):,.0f} "
                   f"| {ms(median([r.p99_ms for r in row['two']]))} | {two_hello:.2f} | {two_one:.2f} "
                   f"| {hellos_ratio:.2f} |")
    report.add("", "RSS of the two-process server: " + ", ".join(f"pid {pid} {mib:.1f} MiB" for pid, mib in rss.items())
               + f" (total {sum(rss.values()):.1f} MiB).", "")


async def measure_access_log(report: Report, fleet: Fleet, client: aiohttp.ClientSession, hello: Server,
                             data: BlogData, load: Load, args: argparse.Namespace) -> None:
    """`/` anonymous from a second server on the same data with BLOG_LOG_LEVEL=INFO, as `serve`
    runs by default: the measured servers run at WARNING, so this row alone pays the access log."""
    logged = await fleet.start(client, "blog-access-log", blog_command(free_port(), data.data_dir),
                               env=data.env | {"BLOG_LOG_LEVEL": "INFO"})
    home = Page("home_logged", "`/` anonymous, access log on (BLOG_LOG_LEVEL=INFO, `serve`'s default)", "/")
    await warm_up(logged, [home], args.warmup)
    results = await measure_pages([home], logged, hello, load, args.rounds, report.problems)
    fleet.stop(logged)
    report.raw["access_log"] = {key: asdict(value) for key, value in results.items()}
    row = results[home.key]
    report.add(f"### The access log: {home.label}, median of {args.rounds} round(s)", "",
               "| blog req/s | p99 | hello req/s | ratio to hello |", "|---|---|---|---|",
               f"| {median([r.rps for r in row.blog]):,.0f} | {ms(median([r.p99_ms for r in row.blog]))} "
               f"| {median([r.rps for r in row.hello]):,.0f} | {median(row.ratios):.2f} |", "")


def process_tree_cpu(pid: int) -> float:
    """CPU seconds used so far by a process and its children (nginx's workers, `--workers` children)."""
    return sum(cpu_seconds(each) or 0.0 for each in (pid, *children_of(pid)))


async def measure_two_servers(report: Report, fleet: Fleet, client: aiohttp.ClientSession, hello: Server,
                              data: BlogData, args: argparse.Namespace) -> None:
    """Two app servers (own data folders, one PostgreSQL database) behind nginx in round robin,
    against one of them behind the same nginx, and that one directly."""
    load = Load(args.threads * 2, args.connections * 2, args.duration)
    first = await fleet.start(client, "blog-a", blog_command(free_port(), data.data_dir), env=data.env)
    second_data = data.another_folder()
    second = await fleet.start(client, "blog-b", blog_command(free_port(), second_data.data_dir), env=second_data.env)
    one_port, two_port = free_port(), free_port()
    backends = {one_port: [f"{HOST}:{first.port}"], two_port: [f"{HOST}:{first.port}", f"{HOST}:{second.port}"]}
    proxy = await fleet.start(client, "nginx", nginx.command(data.data_dir.parent / "nginx", backends), port=one_port)
    bases = {"direct": first.base, "one": f"http://{HOST}:{one_port}", "two": f"http://{HOST}:{two_port}"}
    async with new_client() as reader:  # through the proxy; the session lives in the database, both servers know it
        await log_in(reader, bases["two"], "demo-alice")
        cookie = session_cookie_header(reader, bases["two"])
    for server in (first, second):
        async with new_client() as check:
            if "demo-alice" not in await get_text(check, server.base + "/", headers=dict([cookie.split(": ", 1)])):
                raise BenchError(f"the session made through nginx does not log demo-alice in on {server.name}")
    pages = [Page("anonymous", "`/` anonymous", "/"), Page("user", "`/` logged in", "/", headers=(cookie,))]
    for page in pages:
        for base in bases.values():  # twice through the two-server front: both servers' caches warm
            for _ in range(1 if base != bases["two"] else 2):
                await run_wrk(base + page.path, Load(1, 8, args.warmup), headers=page.headers)
    kinds = ("hello", "direct", "one", "two")
    rows: dict[str, dict[str, list[WrkResult]]] = {page.key: {kind: [] for kind in kinds} for page in pages}
    cpu: dict[str, dict[str, float]] = {kind: {"blog-a": 0.0, "blog-b": 0.0, "nginx": 0.0} for kind in kinds[1:]}
    for round_no in range(1, args.rounds + 1):
        for page in pages:
            for kind in kinds:
                await asyncio.sleep(SETTLE)
                before = {server.name: process_tree_cpu(server.pid) for server in (first, second, proxy)}
                url = (hello.base if kind == "hello" else bases[kind]) + page.path
                result = await run_wrk(url, load, headers=page.headers if kind != "hello" else ())
                if kind != "hello":
                    for server in (first, second, proxy):
                        cpu[kind][server.name] += process_tree_cpu(server.pid) - before[server.name]
                    note_errors(f"{kind} {page.label} -t{load.threads} -c{load.connections} round {round_no}",
                                result, report.problems)
                rows[page.key][kind].append(result)
            row = rows[page.key]
            status_line(f"round {round_no}/{args.rounds} {page.label}: hello {row['hello'][-1].rps:,.0f}, one server "
                        f"direct {row['direct'][-1].rps:,.0f}, one behind nginx {row['one'][-1].rps:,.0f}, "
                        f"two behind nginx {row['two'][-1].rps:,.0f} req/s")
    for server in (proxy, second, first):
        fleet.stop(server)
    report.raw["two_servers"] = {"rows": {key: {k: [asdict(r) for r in v] for k, v in row.items()}
                                          for key, row in rows.items()}, "cpu_seconds": cpu}
    report.add(f"### Two app servers against one, on one PostgreSQL database, behind one nginx (round robin, "
               f"`worker_processes auto`), `wrk -t{load.threads} -c{load.connections} -d{load.duration:g}s`, "
               f"median of {args.rounds} round(s)", "",
               "| page | hello req/s | one server, direct | one behind nginx | p99 | two behind nginx | p99 | two / one |",
               "|---|---|---|---|---|---|---|---|")
    for page in pages:
        row = rows[page.key]
        ratio = median([t.rps / o.rps for t, o in zip(row["two"], row["one"]) if o.rps])
        report.add(f"| {page.label} | {median([r.rps for r in row['hello']]):,.0f} "
                   f"| {median([r.rps for r in row['direct']]):,.0f} | {median([r.rps for r in row['one']]):,.0f} "
                   f"| {ms(median([r.p99_ms for r in row['one']]))} | {median([r.rps for r in row['two']]):,.0f} "
                   f"| {ms(median([r.p99_ms for r in row['two']]))} | {ratio:.2f} |")
    seconds = args.rounds * len(pages) * load.duration
    report.add("", f"CPU used during the measurements (seconds, all rounds and pages; {seconds:g} s of wrk per "
               f"column; the machine has {os.cpu_count()} CPUs, which wrk, nginx and the servers share): "
               + "; ".join(f"{kind}: " + ", ".join(f"{name} {value:.1f}" for name, value in used.items())
                           for kind, used in cpu.items()) + ".", "")


async def measure_million(report: Report, fleet: Fleet, client: aiohttp.ClientSession, small_data: BlogData,
                          big_data: BlogData, load: Load, args: argparse.Namespace) -> None:
    small = await fleet.start(client, f"blog-{args.small_posts}", blog_command(free_port(), small_data.data_dir),
                              env=small_data.env)
    big = await fleet.start(client, f"blog-{args.million_posts}", blog_command(free_port(), big_data.data_dir),
                            env=big_data.env)
    report.loads.append(("before the million", os.getloadavg()))
    pages = [Page("home", "`/` anonymous", "/"),
             Page("home_rendered", "`/` uncached: rendered (a new page cursor each request)", "/",
                  script=UNIQUE_SCRIPT, script_args=("cursor",))]
    for server in (small, big):
        await warm_up(server, pages, args.warmup)
    results: dict[str, dict[str, list[WrkResult]]] = {page.key: {"small": [], "big": []} for page in pages}
    for round_no in range(1, args.rounds + 1):
        for page in pages:
            for key, server in (("small", small), ("big", big)):
                await asyncio.sleep(SETTLE)
                result = await run_wrk(server.base + page.path, load, script=page.script,
                                       script_args=page.script_args)
                note_errors(f"{server.name} {page.label} round {round_no}", result, report.problems)
                results[page.key][key].append(result)
            status_line(f"round {round_no}/{args.rounds} {page.label}: {args.small_posts:,} posts "
                        f"{results[page.key]['small'][-1].rps:,.0f} req/s, {args.million_posts:,} posts "
                        f"{results[page.key]['big'][-1].rps:,.0f} req/s")
    fleet.stop(big)
    fleet.stop(small)
    report.raw["million"] = {k: {s: [asdict(r) for r in v] for s, v in row.items()} for k, row in results.items()}
    report.add(f"### `/` with {args.small_posts:,} posts against {args.million_posts:,}, `wrk -t{load.threads} "
               f"-c{load.connections} -d{load.duration:g}s`, median of {args.rounds} round(s)", "",
               f"| page | {args.small_posts:,}: req/s | p99 | {args.million_posts:,}: req/s | p99 | ratio | target | |",
               "|---|---|---|---|---|---|---|---|")
    for page in pages:
        row = results[page.key]
        ratio = median([b.rps / s.rps for b, s in zip(row["big"], row["small"]) if s.rps])
        result = report.target(f"{page.label}: {args.million_posts:,} posts / {args.small_posts:,}, req/s",
                               f"{ratio:.2f}", ">= 0.9", verdict(ratio, 0.9))
        report.add(f"| {page.label} | {median([r.rps for r in row['small']]):,.0f} | {ms(median([r.p99_ms for r in row['small']]))} "
                   f"| {median([r.rps for r in row['big']]):,.0f} | {ms(median([r.p99_ms for r in row['big']]))} "
                   f"| {ratio:.2f} | >= 0.9 | {result} |")
    report.add("")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=100_000, help="demo posts in the main database (default 100000)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of each wrk run (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every measurement; medians are shown (default 3)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1; the --workers figure doubles it)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32; doubled for --workers)")
    parser.add_argument("--depth", type=int, default=100, help="'Older posts' links to follow for the deep page (default 100)")
    parser.add_argument("--comment-rate", type=float, default=5.0, help="comments per second while readers read (default 5)")
    parser.add_argument("--logins", type=int, default=20, help="logins running at once in the login figure (default 20)")
    parser.add_argument("--skip-million", action="store_true", help="skip `/` with 10,000 against 1,000,000 posts")
    parser.add_argument("--small-posts", type=int, default=10_000, help=argparse.SUPPRESS)
    parser.add_argument("--million-posts", type=int, default=1_000_000, help=argparse.SUPPRESS)
    parser.add_argument("--workers-figure", action=argparse.BooleanOptionalAction, default=True,
                        help="also measure `serve --workers 2` when the blog has that option (default on)")
    parser.add_argument("--no-workers", dest="workers_figure", action="store_false", help="same as --no-workers-figure")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of wrk on each address before measuring (default 2)")
    parser.add_argument("--cache-dir", type=Path, default=Path("/tmp/blog-bench"),
                        help="where built databases, run copies and logs go (default /tmp/blog-bench)")
    parser.add_argument("--rebuild", action="store_true", help="build the databases again even if cached")
    parser.add_argument("--keep-copy", action="store_true", help="keep the run's copies of the database (default: removed)")
    parser.add_argument("--max-load", type=float, default=1.0, help="wait for the 1-minute load average to fall to this (default 1.0)")
    parser.add_argument("--quiet-wait", type=float, default=300.0, help="seconds to wait for that before measuring anyway (default 300)")
    parser.add_argument("--seed-timeout", type=float, default=1800.0, help="seconds one seed-demo may take (default 1800)")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds the measurements may take in all, building databases aside (default 3600)")
    parser.add_argument("--database-url", metavar="URL",
                        help="run on PostgreSQL: postgresql://user:password@host:5432/postgres, a maintenance "
                             "database of a role that may create databases (see bench/README.md)")
    parser.add_argument("--two-servers", action=argparse.BooleanOptionalAction, default=True,
                        help="with --database-url, also measure two app servers behind nginx against one (default on)")
    parser.add_argument("--output", type=Path, help="also write the report (Markdown) here; it always goes to CACHE_DIR/last-run.md")
    args = parser.parse_args(argv)
    args.argv = argv
    if args.rounds < 1 or args.duration < 1 or args.comment_rate <= 0 or args.logins < 1 or args.depth < 1:
        parser.error("--rounds, --duration, --depth and --logins must be at least 1, --comment-rate above 0")
    return args


async def main_async(args: argparse.Namespace) -> int:
    if shutil.which("wrk") is None:
        print("error: wrk is not installed (Debian/Ubuntu: apt-get install wrk)", file=sys.stderr)
        return 2
    cache_dir = args.cache_dir.resolve()
    cache_dir.mkdir(parents=True, exist_ok=True)
    engine = "-postgresql" if args.database_url else ""  # the two engines' reports side by side
    log_dir = cache_dir / f"logs{engine}"  # the servers' output of the latest run
    shutil.rmtree(log_dir, ignore_errors=True)
    log_dir.mkdir()
    report = Report(args)
    fleet = Fleet(log_dir)
    loop = asyncio.get_running_loop()
    main_task = asyncio.current_task()
    assert main_task is not None
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, main_task.cancel)
    status = 2
    databases: Databases | None = None
    try:
        databases = await asyncio.to_thread(prepare_databases, args, cache_dir)
        if args.database_url:
            await prepare_postgres(args, cache_dir, databases)
        await asyncio.wait_for(benchmark(args, report, fleet, cache_dir, databases), args.timeout)
        status = 1 if any(result == "FAIL" for *_, result in report.targets) else 0
    except (BenchError, PostgresError) as exc:
        print(f"error: {exc}", file=sys.stderr)
    except asyncio.TimeoutError:
        print(f"error: the run took longer than its time limit (--timeout {args.timeout:g})", file=sys.stderr)
    except asyncio.CancelledError:
        print("interrupted", file=sys.stderr)
    finally:
        for server in fleet.servers:  # a server that died before we stopped it explains most failures
            if server.process is not None and server.process.poll() is not None:
                code = server.process.returncode
                how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
                problem = f"{server.name} (pid {server.pid}) {how} before the end of the run; log: {server.log_path}"
                report.problems.append(problem)
                print(f"note: {problem}", file=sys.stderr)
        fleet.stop_all()
        if not args.keep_copy:
            for copy in fleet.copies:
                shutil.rmtree(copy, ignore_errors=True)
        if databases is not None and databases.postgres is not None:
            if args.keep_copy:
                print(f"kept the run's databases: {', '.join(databases.postgres.copies)}", file=sys.stderr)
            else:
                await databases.postgres.drop_copies()
    if report.lines:
        text = report.text()
        print(text)
        (cache_dir / f"last-run{engine}.md").write_text(text)
        (cache_dir / f"last-run{engine}.json").write_text(json.dumps(
            {"machine": report.machine, "loads": report.loads, "targets": report.targets,
             "problems": report.problems, "raw": report.raw}, indent=1, default=str))
        if args.output:
            args.output.write_text(text)
        print(f"(also in {cache_dir / f'last-run{engine}.md'}; raw numbers in {cache_dir / f'last-run{engine}.json'}; "
              f"server logs in {log_dir})", file=sys.stderr)
    return status


def main(argv: list[str] | None = None) -> int:
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())

"""Live comments under load: how fast does a new comment reach N open WebSocket readers?

    python bench/live_comments.py [--readers 1000] [--comments 50] [--port 0] [--data-dir DIR]
                                  [--timeout 120] [--batch 100] [--no-compress] [--drain 10]

Starts the real blog (`python -m blog serve`) on 127.0.0.1 with a fresh data
folder, registers the first user (an admin), publishes a post, opens N
anonymous readers on `<post>/live`, then posts M comments one at a time through
the HTML form. Each reader notes when every `comment_added` arrives; the
latency of a delivery is that moment minus the moment the comment's POST was
sent, so it includes the POST itself (a conservative measure).

Exits 0 when every reader received every comment, 1 when any delivery was
missing, 2 when the benchmark could not run (set-up failed, limits too low,
overall timeout). Not part of the test suite; see bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import re
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from procfs import cpu_seconds, free_port, memory_kib, percentile

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
BATCH_TIMEOUT = 30.0  # seconds a batch may take to hear its first presence messages
SETTLE_TIMEOUT = 30.0  # seconds for the last presence messages to reach every reader
COMMENT_SPACING = 0.05  # seconds from one comment's POST to the next
FDS_PER_PROCESS_SPARE = 256  # files a process needs beside its sockets (database, logs, executors)
CSRF_INPUT = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
SEQUENCE = re.compile(r"bench-seq-(\d+)-")


class BenchError(Exception):
    """The benchmark could not be run; the message says why."""


# Measurement -------------------------------------------------------------------


@dataclass
class Reader:
    """One anonymous WebSocket reader and what it heard."""

    index: int
    ws: aiohttp.ClientWebSocketResponse | None = None
    first_presence: asyncio.Event = field(default_factory=asyncio.Event)
    received: dict[int, float] = field(default_factory=dict)  # comment sequence -> perf_counter at receipt
    duplicates: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    presence_count: int = 0  # the count in the latest presence message
    close_code: int | None = None
    close_reason: str = ""
    error: str = ""


@dataclass
class Run:
    readers: list[Reader]
    expected_total: int
    received_total: int = 0
    all_received: asyncio.Event = field(default_factory=asyncio.Event)

    def note_delivery(self) -> None:
        self.received_total += 1
        if self.received_total >= self.expected_total:
            self.all_received.set()


# The server --------------------------------------------------------------------


def raise_open_file_limit(readers: int) -> int:
    """Soft limit up to the hard one; both this process and the server (which inherits it) need ~N sockets."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = readers + FDS_PER_PROCESS_SPARE
    target = hard if hard != resource.RLIM_INFINITY else max(soft, needed)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft < needed:
        raise BenchError(
            f"{readers} readers need about {needed} open files per process, but the hard limit is {hard}. "
            f"Use --readers {max(1, soft - FDS_PER_PROCESS_SPARE)} or fewer, or raise the hard limit "
            f"(ulimit -Hn, /etc/security/limits.conf, or LimitNOFILE= for a service)."
        )
    return soft


def rss_kib(pid: int) -> tuple[int | None, int | None]:
    """VmRSS and VmHWM (peak) of a process in KiB; None where unavailable."""
    values = memory_kib(pid)
    return values.get("VmRSS"), values.get("VmHWM")


def client_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Server:
    """`python -m blog serve` in a subprocess; its output goes to a log file we show on failure."""

    def __init__(self, port: int, data_dir: Path, log_path: Path) -> None:
        self.port, self.data_dir, self.log_path = port, data_dir, log_path
        self.process: subprocess.Popen[bytes] | None = None
        self.base = f"http://{HOST}:{port}"

    def start(self) -> None:
        env = {key: value for key, value in os.environ.items() if not key.startswith("BLOG_")}
        env["BLOG_LOG_LEVEL"] = "WARNING"
        env["PYTHONUNBUFFERED"] = "1"
        command = [sys.executable, "-m", "blog", "serve", "--host", HOST, "--port", str(self.port),
                   "--data-dir", str(self.data_dir)]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def wait_until_ready(self, session: aiohttp.ClientSession, timeout: float) -> float:
        started = time.perf_counter()
        deadline = started + timeout
        while time.perf_counter() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise BenchError(f"the server exited with code {self.process.returncode}:\n{self.log_tail()}")
            try:
                async with session.get(f"{self.base}/", allow_redirects=False) as response:
                    if response.status < 500:
                        return time.perf_counter() - started
            except (aiohttp.ClientError, OSError):
                pass
            await asyncio.sleep(0.05)
        raise BenchError(f"the server did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self, grace: float = 10.0) -> int | None:
        """SIGTERM, then SIGKILL after `grace` seconds. Returns the exit code."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                print(f"warning: the server ignored SIGTERM for {grace:.0f} s; killing it", file=sys.stderr)
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no server log)"
        return "\n".join(text[-lines:]) or "(the server printed nothing)"


# Talking to the blog -----------------------------------------------------------------


async def csrf_token_of(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        page = await response.text()
        if response.status != 200:
            raise BenchError(f"GET {url} answered {response.status}")
    match = CSRF_INPUT.search(page)
    if match is None:
        raise BenchError(f"no csrf_token field on {url}")
    return match.group(1)


async def post_form(session: aiohttp.ClientSession, url: str, fields: dict[str, str]) -> str:
    """Sends a form the way a browser would and returns the 303's Location."""
    async with session.post(url, data=fields, allow_redirects=False) as response:
        if response.status != 303:
            text = " ".join(re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", await response.text(), flags=re.S).split())
            raise BenchError(f"POST {url} answered {response.status} instead of 303: {text[:600]}")
        return response.headers["Location"]


async def set_up_post(session: aiohttp.ClientSession, base: str) -> str:
    """Registers the first user (admin) and publishes a post; returns the post's path."""
    password = secrets.token_urlsafe(16)
    token = await csrf_token_of(session, f"{base}/register")
    await post_form(session, f"{base}/register", {
        "username": "bench", "email": "bench@example.com", "password": password, "csrf_token": token})
    token = await csrf_token_of(session, f"{base}/posts/new")  # logging in rotates the token
    location = await post_form(session, f"{base}/posts/new", {
        "title": "Live comments benchmark", "body": "A post for readers to watch while comments arrive.",
        "summary": "Benchmark post", "tags": "bench", "status": "published", "csrf_token": token})
    return location.split("#", 1)[0]


# Readers ----------------------------------------------------------------------------


async def read(reader: Reader, session: aiohttp.ClientSession, url: str, run: Run, compress: bool) -> None:
    try:
        # Browsers offer permessage-deflate (aiohttp's client does not unless asked: compress=15).
        reader.ws = await session.ws_connect(url, autoping=True, max_msg_size=0, compress=15 if compress else 0)
    except (aiohttp.ClientError, OSError) as exc:
        reader.error = f"connect: {type(exc).__name__}: {exc}"
        reader.first_presence.set()  # no presence will come; stop waiting on this one
        return
    ws = reader.ws
    try:
        while True:
            message = await ws.receive()
            if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.CLOSED):
                if message.type == aiohttp.WSMsgType.CLOSE and message.extra:
                    reader.close_reason = str(message.extra)
                break
            if message.type == aiohttp.WSMsgType.ERROR:
                reader.error = f"receive: {message.data!r}"
                break
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            now = time.perf_counter()
            event = json.loads(message.data)
            kind = event.get("kind")
            reader.kinds[kind] += 1
            if kind == "presence":
                reader.presence_count = event.get("count", 0)
                reader.first_presence.set()
            elif kind == "comment_added":
                match = SEQUENCE.search(event.get("body_html", ""))
                if match is None:
                    continue
                sequence = int(match.group(1))
                if sequence in reader.received:
                    reader.duplicates += 1
                else:
                    reader.received[sequence] = now
                    run.note_delivery()
    except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as exc:
        reader.error = f"receive: {type(exc).__name__}: {exc}"
    finally:
        reader.close_code = ws.close_code
        reader.first_presence.set()


async def connect_readers(run: Run, session: aiohttp.ClientSession, url: str, tasks: list[asyncio.Task[None]],
                          batch_size: int, compress: bool) -> float:
    """Connects readers batch_size at a time; returns the seconds until every reader had its first presence."""
    started = time.perf_counter()
    for start in range(0, len(run.readers), batch_size):
        batch = run.readers[start:start + batch_size]
        tasks.extend(asyncio.create_task(read(reader, session, url, run, compress)) for reader in batch)
        waits = [asyncio.ensure_future(reader.first_presence.wait()) for reader in batch]
        _, late = await asyncio.wait(waits, timeout=BATCH_TIMEOUT)
        for waiting in late:  # counted as not connected in the report
            waiting.cancel()
    return time.perf_counter() - started


async def wait_for_quiet_presence(readers: list[Reader], timeout: float) -> float:
    """Each join tells every reader the new count: wait until every open reader has heard the final one."""
    started = time.perf_counter()
    deadline = started + timeout
    while time.perf_counter() < deadline:
        still_open = [r for r in readers if r.ws is not None and not r.ws.closed]
        if all(r.presence_count == len(still_open) for r in still_open):
            return time.perf_counter() - started
        await asyncio.sleep(0.01)
    return math.nan


# The run ----------------------------------------------------------------------------


@dataclass
class Results:
    readers_requested: int
    comments: int
    connect_seconds: float = math.nan
    readers_connected: int = 0
    readers_open_at_end: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    post_ms: list[float] = field(default_factory=list)
    missing: dict[int, list[int]] = field(default_factory=dict)  # reader index -> missing sequences
    duplicates: int = 0
    closed_by_server: Counter[str] = field(default_factory=Counter)
    connect_errors: Counter[str] = field(default_factory=Counter)
    presence_messages: int = 0
    load_average: tuple[float, float, float] = (0.0, 0.0, 0.0)
    rss_start_kib: int | None = None
    rss_connected_kib: int | None = None
    rss_end_kib: int | None = None
    rss_peak_kib: int | None = None
    rss_closed_kib: int | None = None
    server_cpu_connect: float | None = None
    server_cpu_comments: float | None = None
    server_cpu_leave: float | None = None
    leave_seconds: float = math.nan
    drain_seconds: float = math.nan
    compressed: bool = False
    settle_seconds: float = math.nan
    client_cpu_comments: float | None = None
    fanout_spread_ms: list[float] = field(default_factory=list)  # per comment: last receipt - first receipt

    @property
    def expected(self) -> int:
        return self.readers_requested * self.comments

    @property
    def delivered(self) -> int:
        return len(self.latencies_ms)


async def benchmark(args: argparse.Namespace, server: Server, results: Results) -> None:
    readers = [Reader(index) for index in range(args.readers)]
    run = Run(readers, expected_total=args.readers * args.comments)
    if run.expected_total == 0:
        run.all_received.set()
    reader_tasks: list[asyncio.Task[None]] = []
    sent_at: dict[int, float] = {}  # comment sequence -> perf_counter when its POST was sent
    # Readers share one session without cookies: anonymous, as most readers are.
    reader_session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0),
                                           cookie_jar=aiohttp.DummyCookieJar())
    # The commenter keeps its session cookie; unsafe=True because the host is an IP address.
    writer_session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    try:
        await server.wait_until_ready(writer_session, timeout=30)
        post_path = await set_up_post(writer_session, server.base)
        post_url, live_url = f"{server.base}{post_path}", f"{server.base}{post_path}/live"
        results.rss_start_kib, _ = rss_kib(server.pid)
        cpu_before = cpu_seconds(server.pid)

        print(f"connecting {args.readers} readers to {live_url} ...", file=sys.stderr, flush=True)
        results.connect_seconds = await connect_readers(run, reader_session, live_url, reader_tasks,
                                                        args.batch, not args.no_compress)
        results.compressed = any(r.ws is not None and r.ws.compress for r in readers)
        results.readers_connected = sum(1 for r in readers if r.ws is not None and r.kinds["presence"] > 0)
        results.rss_connected_kib, _ = rss_kib(server.pid)
        results.settle_seconds = await wait_for_quiet_presence(readers, timeout=SETTLE_TIMEOUT)
        cpu_connected = cpu_seconds(server.pid)
        if cpu_before is not None and cpu_connected is not None:
            results.server_cpu_connect = cpu_connected - cpu_before
        client_cpu_before = client_cpu_seconds()

        print(f"posting {args.comments} comments ...", file=sys.stderr, flush=True)
        token = await csrf_token_of(writer_session, post_url)
        run_id = secrets.token_hex(4)
        next_send = time.perf_counter()
        for sequence in range(1, args.comments + 1):
            await asyncio.sleep(max(0.0, next_send - time.perf_counter()))
            body = f"Benchmark comment {sequence} of {args.comments} (bench-seq-{sequence}-{run_id})"
            sent_at[sequence] = started = time.perf_counter()
            next_send = started + COMMENT_SPACING
            await post_form(writer_session, f"{post_url}/comments", {"body": body, "csrf_token": token})
            results.post_ms.append((time.perf_counter() - started) * 1000)

        last_post_done = time.perf_counter()
        try:
            await asyncio.wait_for(run.all_received.wait(), timeout=args.drain)
        except asyncio.TimeoutError:
            pass
        results.drain_seconds = time.perf_counter() - last_post_done
        cpu_done = cpu_seconds(server.pid)
        if cpu_connected is not None and cpu_done is not None:
            results.server_cpu_comments = cpu_done - cpu_connected
        results.client_cpu_comments = client_cpu_seconds() - client_cpu_before
        results.rss_end_kib, results.rss_peak_kib = rss_kib(server.pid)
        results.readers_open_at_end = sum(1 for r in readers if r.ws is not None and not r.ws.closed)

    finally:
        collect(results, readers, sent_at)  # also after a timeout: what arrived so far
        closing = time.perf_counter(), cpu_seconds(server.pid) if server.process is not None else None
        await close_readers(readers, reader_tasks)
        await reader_session.close()
        await writer_session.close()
        if results.rss_end_kib is not None:
            results.server_cpu_leave, results.leave_seconds = await wait_until_idle(server.pid, *closing)
            results.rss_closed_kib, _ = rss_kib(server.pid)


def collect(results: Results, readers: list[Reader], sent_at: dict[int, float]) -> None:
    for sequence in sent_at:
        times = [reader.received[sequence] for reader in readers if sequence in reader.received]
        if times:
            results.fanout_spread_ms.append((max(times) - min(times)) * 1000)
    for reader in readers:
        results.presence_messages += reader.kinds["presence"]
        results.duplicates += reader.duplicates
        for sequence, received in reader.received.items():
            results.latencies_ms.append((received - sent_at[sequence]) * 1000)
        missing = [s for s in range(1, results.comments + 1) if s not in reader.received]
        if missing:
            results.missing[reader.index] = missing
        if reader.error.startswith("connect"):
            results.connect_errors[reader.error] += 1
        elif reader.ws is not None and reader.ws.closed:
            detail = " ".join(part for part in (reader.close_reason, reader.error) if part)
            results.closed_by_server[f"{reader.close_code}" + (f" {detail}" if detail else "")] += 1


async def wait_until_idle(pid: int, started: float, first: float | None,
                          limit: float = 20.0) -> tuple[float | None, float]:
    """Since `started` (CPU time then: `first`), the server's CPU seconds and wall seconds until it went idle."""
    if first is None:
        return None, math.nan
    last, quiet_since = cpu_seconds(pid) or first, time.perf_counter()
    while time.perf_counter() - started < limit:
        await asyncio.sleep(0.1)
        now = cpu_seconds(pid)
        if now is None:
            break
        if now - last > 0.02:  # more than 20 % of a CPU over the last 0.1 s: still busy
            quiet_since = time.perf_counter()
        last = now
        if time.perf_counter() - quiet_since >= 0.5:
            break
    return last - first, quiet_since - started


async def close_readers(readers: list[Reader], tasks: list[asyncio.Task[None]]) -> None:
    sockets = [reader.ws for reader in readers if reader.ws is not None and not reader.ws.closed]
    if sockets:
        await asyncio.wait([asyncio.ensure_future(ws.close()) for ws in sockets], timeout=10)
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.wait(tasks, timeout=5)


# Report ------------------------------------------------------------------------------


def mib(kib: int | None) -> str:
    return "n/a" if kib is None else f"{kib / 1024:.1f} MiB"


def report(results: Results, args: argparse.Namespace) -> None:
    latencies, posts = sorted(results.latencies_ms), sorted(results.post_ms)
    spread = sorted(results.fanout_spread_ms)
    missing_total = results.expected - results.delivered
    rows = [
        ("readers connected", f"{results.readers_connected} of {results.readers_requested}"),
        ("readers still open after the comments", f"{results.readers_open_at_end} of {results.readers_requested}"),
        ("time to connect all readers", f"{results.connect_seconds:.2f} s"),
        ("presence messages received", f"{results.presence_messages}"),
        ("presence settled", f"did not within {SETTLE_TIMEOUT:.0f} s" if math.isnan(results.settle_seconds)
                             else f"{results.settle_seconds:.2f} s after the last reader connected"),
        ("comments posted", f"{len(results.post_ms)} of {results.comments}"),
        ("deliveries received / expected", f"{results.delivered} / {results.expected}"
                                           + (f"  ({missing_total} MISSING)" if missing_total else "  (all)")),
        ("duplicate deliveries", f"{results.duplicates}"),
        ("delivery latency p50", f"{percentile(latencies, 50):.1f} ms"),
        ("delivery latency p90", f"{percentile(latencies, 90):.1f} ms"),
        ("delivery latency p99", f"{percentile(latencies, 99):.1f} ms"),
        ("delivery latency max", f"{latencies[-1]:.1f} ms" if latencies else "n/a"),
        ("fan-out spread p50 / max", f"{percentile(spread, 50):.1f} / {percentile(spread, 100):.1f} ms"
                                     "  (first to last reader, per comment)"),
        ("POST response p50", f"{percentile(posts, 50):.1f} ms"),
        ("POST response p99", f"{percentile(posts, 99):.1f} ms"),
        ("server RSS before readers", mib(results.rss_start_kib)),
        ("server RSS, readers connected", mib(results.rss_connected_kib)),
        ("server RSS after the comments", mib(results.rss_end_kib)),
        ("server RSS peak (VmHWM)", mib(results.rss_peak_kib)),
        ("server RSS, readers gone", mib(results.rss_closed_kib)),
        ("server CPU while connecting", "n/a" if results.server_cpu_connect is None
                                       else f"{results.server_cpu_connect:.2f} s"),
        ("server CPU while commenting", "n/a" if results.server_cpu_comments is None
                                       else f"{results.server_cpu_comments:.2f} s"),
        ("server CPU after readers closed", "n/a" if results.server_cpu_leave is None
                                          else f"{results.server_cpu_leave:.2f} s, busy {results.leave_seconds:.2f} s"),
        ("benchmark client CPU while commenting", "n/a" if results.client_cpu_comments is None
                                               else f"{results.client_cpu_comments:.2f} s"),
        ("wait for last deliveries", f"{results.drain_seconds:.2f} s after the last POST"),
    ]
    width = max(len(name) for name, _ in rows)
    load = " / ".join(f"{value:.2f}" for value in results.load_average)
    print(f"\nLive comments: {args.readers} readers x {args.comments} comments on http://{HOST}, "
          f"readers connecting {args.batch} at a time, permessage-deflate {'on' if results.compressed else 'off'}")
    print(f"load average before the run (1/5/15 min): {load} on {os.cpu_count()} CPUs")
    print("-" * (width + 40))
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print("-" * (width + 40))
    for reason, count in results.connect_errors.items():
        print(f"readers that could not connect: {count} ({reason})")
    for reason, count in results.closed_by_server.items():
        print(f"readers closed before the end: {count} (close code {reason})")
    if results.missing:
        shown = list(results.missing.items())[:10]
        print(f"readers missing comments: {len(results.missing)}")
        for index, sequences in shown:
            print(f"  reader {index}: missing {len(sequences)} comment(s), first {sequences[:5]}")
        if len(results.missing) > len(shown):
            print(f"  ... and {len(results.missing) - len(shown)} more readers")
    print("Latency = receipt by the reader - moment the comment's POST was sent (includes the POST).")


# Command line -----------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readers", type=int, default=1000, help="WebSocket readers of the post (default 1000)")
    parser.add_argument("--comments", type=int, default=50, help="comments posted, one at a time (default 50)")
    parser.add_argument("--port", type=int, default=0, help="port for the server; 0 picks a free one (default)")
    parser.add_argument("--data-dir", type=Path,
                        help="empty folder for the server's data, kept afterwards (default: a temporary one)")
    parser.add_argument("--timeout", type=float, default=120.0, help="give up after this many seconds (default 120)")
    parser.add_argument("--batch", type=int, default=100, help="readers connecting at once (default 100)")
    parser.add_argument("--no-compress", action="store_true",
                        help="readers do not offer permessage-deflate (browsers do; default: offer it)")
    parser.add_argument("--drain", type=float, default=10.0,
                        help="seconds to wait for late deliveries after the last comment (default 10)")
    args = parser.parse_args(argv)
    if args.readers < 1 or args.comments < 1 or args.batch < 1:
        parser.error("--readers, --comments and --batch must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        raise_open_file_limit(args.readers)  # before the server starts: it inherits the limit
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    temporary = args.data_dir is None
    data_dir = Path(tempfile.mkdtemp(prefix="blog-bench-")) if temporary else args.data_dir
    if not temporary:
        data_dir.mkdir(parents=True, exist_ok=True)
        if any(data_dir.iterdir()):
            print(f"error: {data_dir} is not empty; the benchmark needs a fresh data folder", file=sys.stderr)
            return 2
    log_dir = Path(tempfile.mkdtemp(prefix="blog-bench-log-"))
    server = Server(args.port or free_port(), data_dir, log_dir / "server.log")
    results = Results(args.readers, args.comments, load_average=os.getloadavg())
    code = 2
    try:
        server.start()
        asyncio.run(asyncio.wait_for(benchmark(args, server, results), timeout=args.timeout))
        report(results, args)
        code = 0 if results.delivered == results.expected else 1
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
    except (asyncio.TimeoutError, TimeoutError):
        print(f"error: the benchmark did not finish within --timeout {args.timeout:.0f} s", file=sys.stderr)
        if not math.isnan(results.connect_seconds):
            report(results, args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        code = 130
    finally:
        exit_code = server.stop()
        log = server.log_tail(20)
        if exit_code not in (0, None, -signal.SIGTERM) or "Traceback" in log or "ERROR" in log:
            print(f"server exit code {exit_code}; last lines of its log:\n{log}", file=sys.stderr)
        shutil.rmtree(log_dir, ignore_errors=True)
        if temporary:
            shutil.rmtree(data_dir, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())

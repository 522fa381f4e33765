"""How long does a search take with a million posts? And the pages made once per change?

    python bench/search.py                         # 1,000,000 demo posts (seeded once, ~10 min)
    python bench/search.py --posts 100000
    python bench/search.py --data-dir DIR          # a folder that already holds a seeded blog

Seeds a demo blog with `python -m blog seed-demo --posts N` into
/tmp/blog-bench-search/N (kept, so later runs start at once) unless --data-dir is
given, then measures:

1. the store: `store.search.posts(query, page)` for two-word queries of five kinds,
   pages 1 to 3, each search new (nothing remembered), warm file cache;
2. HTTP: `python -m blog serve` on a free port of 127.0.0.1, GET /search?q=...&page=N
   for every query and page (each a different address, so no page comes from memory),
   one at a time, latency measured by the client;
3. on that server, the first and second request of the pages made once per change of
   the data (/tags, /authors, /archive, feeds, the sitemap).

Not part of the test suite; the figures are in bench/README.md, "Search".
Exit status 0 when the p95 of every kind of two-word search through the store is
under 100 ms, 1 otherwise, 2 when the run could not be made.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
from procfs import free_port, percentile

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from blog.store import Store  # noqa: E402

TARGET_MS = 100.0
ROUNDS = 3  # each query's pages 1, 2 and 3: new searches of the same cost, more samples
# Two-word searches a reader of the demo blog might type, by how common their words are.
QUERIES = {
    "topic words": ["sqlite wal", "asyncio cancellation", "task groups", "connection pooling", "database migrations",
                    "content security", "structured logging", "type hints", "load testing", "docker images"],
    "common words": ["review test", "first time", "team bug", "script check", "python metric",
                     "problem fix", "code change", "release week", "cache memory", "error log"],
    "stop words": ["the a", "it is", "we the", "of to", "and in", "that this", "for on", "you at", "so as", "had our"],
    "rare with common": ["wal the", "cancellation we", "pooling it", "migrations a", "hints of",
                         "images is", "groups for", "security in", "logging to", "testing on"],
    "phrases": ['"task groups"', '"connection pooling"', '"the first"', '"in production"', '"code review"',
                '"type hints"', '"load testing"', '"of the"', '"sqlite wal mode"', '"structured logging"'],
}
CACHED_PAGES = ["/tags", "/authors", "/archive", "/feed.atom", "/tags/python/feed.atom", "/sitemap.xml",
                "/sitemaps/posts-1.xml", "/archive/2024/03"]


def seeded(posts: int, data_dir: Path | None) -> Path:
    if data_dir is not None:
        if not (data_dir / "blog.sqlite3").exists():
            raise SystemExit(f"error: {data_dir} holds no blog.sqlite3")
        return data_dir
    folder = Path("/tmp/blog-bench-search") / str(posts)
    if not (folder / "seeded").exists():
        folder.mkdir(parents=True, exist_ok=True)
        print(f"seeding {posts:,} demo posts into {folder} (once)...", flush=True)
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "blog", "seed-demo", "--posts", str(posts), "--data-dir", str(folder)],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        (folder / "seeded").write_text(f"{time.monotonic() - started:.0f} s\n")
    return folder


def line(kind: str, timings: list[float]) -> str:
    return (f"  {kind:18} p50 {percentile(timings, 50):6.1f} ms   p95 {percentile(timings, 95):6.1f} ms"
            f"   max {max(timings):6.1f} ms   ({len(timings)} queries)")


async def through_the_store(folder: Path) -> bool:
    store = Store(folder / "blog.sqlite3")
    await store.open()
    passed = True
    try:
        await store.search.posts("warm up the connection", 1)
        print(f"store.search.posts(query, page), pages 1 to {ROUNDS}, each new (nothing remembered):")
        for kind, queries in QUERIES.items():
            timings = []
            for page in range(1, ROUNDS + 1):
                for query in queries:
                    started = time.perf_counter()
                    results = await store.search.posts(query, page)
                    timings.append((time.perf_counter() - started) * 1000)
                    assert results.hits, f"{query!r} found nothing"
            print(line(kind, timings))
            passed &= percentile(timings, 95) < TARGET_MS
        deep = []
        for query in QUERIES["common words"]:
            started = time.perf_counter()
            await store.search.posts(query, 50)
            deep.append((time.perf_counter() - started) * 1000)
        print(line("common, page 50", deep))
    finally:
        await store.close()
    return passed


async def through_http(folder: Path) -> None:
    port = free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("BLOG_")}
    env["BLOG_LOG_LEVEL"] = "WARNING"
    server = subprocess.Popen([sys.executable, "-m", "blog", "serve", "--host", "127.0.0.1", "--port", str(port),
                               "--data-dir", str(folder)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:
            deadline = time.monotonic() + 60
            while True:
                try:
                    async with session.get(base + "/robots.txt") as response:
                        await response.read()
                        break
                except aiohttp.ClientConnectionError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("error: the server did not start") from None
                    await asyncio.sleep(0.1)
            print(f"GET /search?q=...&page=N through HTTP, pages 1 to {ROUNDS}, one at a time, each address new:")
            for kind, queries in QUERIES.items():
                timings = []
                for page in range(1, ROUNDS + 1):
                    for query in queries:
                        started = time.perf_counter()
                        async with session.get(base + "/search", params={"q": query, "page": str(page)}) as response:
                            await response.read()
                            assert response.status == 200, response.status
                        timings.append((time.perf_counter() - started) * 1000)
                print(line(kind, timings))
            print("pages made once per change: first request (made), second (from memory):")
            for path in CACHED_PAGES:
                timings = []
                for _ in range(2):
                    started = time.perf_counter()
                    async with session.get(base + path) as response:
                        body = await response.read()
                    timings.append((time.perf_counter() - started) * 1000)
                print(f"  {path:24} {timings[0]:8.1f} ms   {timings[1]:6.1f} ms   {response.status}"
                      f" {len(body):>10,} bytes")
    finally:
        server.terminate()
        server.wait(timeout=15)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()
    folder = seeded(args.posts, args.data_dir)
    print(f"{os.cpu_count()} CPUs, load average {' '.join(f'{load:.2f}' for load in os.getloadavg())};"
          f" {folder / 'blog.sqlite3'}: {(folder / 'blog.sqlite3').stat().st_size / 2**30:.1f} GiB")
    passed = asyncio.run(through_the_store(folder))
    if not args.skip_http:
        asyncio.run(through_http(folder))
    print("PASS" if passed else "FAIL", f"(p95 of every kind under {TARGET_MS:.0f} ms)")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())

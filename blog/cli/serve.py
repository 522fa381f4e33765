"""`serve`: the blog over HTTP, in one process or several (--workers)."""

from __future__ import annotations

import argparse
import errno
import gc
import socket
from typing import Any

from aiohttp import web

from blog.cli.common import add_data_dir, fail, with_store
from blog.config import Config
from blog.ops.memory import tune_allocator
from blog.store import Store


def add_commands(commands: Any) -> None:
    serve_parser = commands.add_parser("serve", help="serve the blog over HTTP (the default)")
    serve_parser.add_argument("--host", help="address to listen on (BLOG_HOST; default 127.0.0.1)")
    serve_parser.add_argument("--port", type=int, help="port to listen on (BLOG_PORT; default 8080)")
    serve_parser.add_argument("--workers", type=int, help="processes sharing the port (BLOG_WORKERS; default 1)")
    serve_parser.add_argument("--as-worker", action="store_true", help=argparse.SUPPRESS)  # started by --workers
    add_data_dir(serve_parser)
    serve_parser.set_defaults(run=serve)


def serve(args: argparse.Namespace, config: Config) -> int:
    from blog.app import answer_cached_pages_first_on, create_app
    from blog.ops.access_log import AccessLog
    from blog.ops.server import run

    if config.workers < 1:
        return fail("--workers must be at least 1")
    try:  # first of all: a port that is taken must leave nothing behind (no data folder, no key)
        listener = _listen(config.host, config.port, reuse_port=args.as_worker)
    except OSError as exc:
        return fail(_cannot_listen(config, exc), 1)
    if config.workers > 1 and not args.as_worker:
        from blog.ops.workers import run_workers

        listener.close()  # it only proved the port free; each worker binds its own beside the others
        return run_workers(_prepare_data(config))
    if not args.as_worker:
        print(f"blog: serving http://{config.host}:{config.port}/ from {_where(config)}", flush=True)
    tune_allocator()
    app = create_app(config)
    app.on_startup.append(_freeze_startup_objects)
    run(app, listener, access_log_class=AccessLog, prepare=lambda server: answer_cached_pages_first_on(server, app))
    return 0


def _listen(host: str, port: int, *, reuse_port: bool) -> socket.socket:
    """A socket bound to the address, as aiohttp would bind it (SO_REUSEADDR; SO_REUSEPORT
    for the workers of `--workers N`, which share the port)."""
    family, kind, protocol, _, address = socket.getaddrinfo(
        host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    listener = socket.socket(family, kind, protocol)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        listener.bind(address)
    except OSError:
        listener.close()
        raise
    return listener


def _cannot_listen(config: Config, exc: OSError) -> str:
    """One line that says what is wrong and what to do."""
    if exc.errno == errno.EADDRINUSE:
        return (f"port {config.port} on {config.host} is already in use (another server, or another blog?); "
                f"choose another with --port (or BLOG_PORT), e.g. --port {config.port + 1}")
    if exc.errno == errno.EACCES:
        return f"not allowed to listen on port {config.port}; choose one above 1023 with --port (or BLOG_PORT)"
    return f"cannot listen on {config.host}:{config.port} ({exc.strerror or exc}); check --host and --port"


def _prepare_data(config: Config) -> Config:
    """Before workers start: the database migrated and the secret key made, once, not by N racers."""
    from blog.accounts.secret_key import load_or_create

    if not config.secret_key and not config.database_url:  # PostgreSQL keeps it in the database
        load_or_create(config.data_dir)
    with_store(config, _nothing)
    return config


async def _nothing(store: Store) -> int:
    return 0


async def _freeze_startup_objects(app: web.Application) -> None:
    """What exists after start-up lives as long as the process: keep it out of every
    garbage collection, which otherwise walks it all again and again (long pauses)."""
    gc.collect()
    gc.freeze()


def _where(config: Config) -> str:
    return config.database_name if config.database_url else str(config.data_dir.resolve())

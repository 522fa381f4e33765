"""`python -m blog`: serve the blog and look after its data from the command line."""

from __future__ import annotations

import argparse
import asyncio
import gc
import getpass
import logging
import sys
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from aiohttp import web

from .config import Config, ConfigError
from .memory import tune_allocator
from .store import Store
from .store.users import ROLES, EmailTaken, UsernameTaken

log = logging.getLogger("blog")
ACCESS_LOG_FORMAT = '%a %{X-Request-Id}o "%r" %s %b %Tfs'


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m blog", description="A small team's blog on aiohttp.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the blog over HTTP (the default)")
    _add_serve_flags(serve)

    create = commands.add_parser("create-user", help="create an account")
    create.add_argument("username")
    create.add_argument("--email", required=True)
    create.add_argument("--role", choices=ROLES, default="author")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    _add_data_dir(create)

    role = commands.add_parser("set-role", help="change an account's role")
    role.add_argument("username")
    role.add_argument("role", choices=ROLES)
    _add_data_dir(role)

    init = commands.add_parser("init-db", help="create or upgrade the database, then exit")
    _add_data_dir(init)

    tidy = commands.add_parser("cleanup", help="remove image files no post uses, expired sessions and old login failures")
    tidy.add_argument("--min-age", type=int, default=3600,
                      help="spare image files younger than this many seconds (uploads in progress); default 3600")
    _add_data_dir(tidy)

    demo = commands.add_parser("seed-demo", help="fill the database with demo authors and posts")
    demo.add_argument("--posts", type=int, default=1000, help="how many posts to add (default 1000)")
    demo.add_argument("--authors", type=int, default=5, help="how many demo authors write them (default 5)")
    demo.add_argument("--seed", type=int, default=1, help="seed of the random generator, for the same content again (default 1)")
    _add_data_dir(demo)
    return parser


def _add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="folder for the database, secret key and uploads (BLOG_DATA_DIR; default ./instance)")


def _add_serve_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="address to listen on (BLOG_HOST; default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (BLOG_PORT; default 8080)")
    parser.add_argument("--workers", type=int, help="processes sharing the port (BLOG_WORKERS; default 1)")
    parser.add_argument("--as-worker", action="store_true", help=argparse.SUPPRESS)  # started by --workers
    _add_data_dir(parser)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv.insert(0, "serve")  # `python -m blog --port 9000` means serve
    args = build_parser().parse_args(argv)
    try:
        config = Config.from_env(
            data_dir=args.data_dir, host=getattr(args, "host", None), port=getattr(args, "port", None),
            workers=getattr(args, "workers", None),
        )
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    configure_logging(config.log_level)
    command: Callable[[argparse.Namespace, Config], int] = COMMANDS[args.command]
    return command(args, config)


def serve(args: argparse.Namespace, config: Config) -> int:
    from .app import create_app

    if config.workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return 2
    if config.workers > 1 and not args.as_worker:
        from .workers import run_workers

        return run_workers(_prepare_data(config))
    if not args.as_worker:
        print(f"blog: serving http://{config.host}:{config.port}/ from {config.data_dir.resolve()}", flush=True)
    tune_allocator()
    app = create_app(config)
    app.on_startup.append(_freeze_startup_objects)
    web.run_app(
        app,
        host=config.host,
        port=config.port,
        access_log_format=ACCESS_LOG_FORMAT,
        print=None,
        reuse_port=args.as_worker or None,
    )
    return 0


def _prepare_data(config: Config) -> Config:
    """Before workers start: the database migrated and the secret key made, once, not by N racers."""
    from .secrets_file import load_or_create

    if not config.secret_key:
        load_or_create(config.data_dir)
    _with_store(config, _nothing)
    return config


async def _nothing(store: Store) -> int:
    return 0


async def _freeze_startup_objects(app: web.Application) -> None:
    """What exists after start-up lives as long as the process: keep it out of every
    garbage collection, which otherwise walks it all again and again (long pauses)."""
    gc.collect()
    gc.freeze()


def _with_store(config: Config, work: Callable[[Store], Coroutine[Any, Any, int]]) -> int:
    async def run() -> int:
        store = Store(config.database_path)
        await store.open()
        try:
            return await work(store)
        finally:
            await store.close()

    return asyncio.run(run())


def create_user(args: argparse.Namespace, config: Config) -> int:
    from email_validator import EmailNotValidError, validate_email

    from .passwords import hash_blocking, password_problem
    from .views.auth import USERNAME_PATTERN

    if not USERNAME_PATTERN.fullmatch(args.username):
        print("error: a username is 3 to 30 letters, digits, '-' or '_'", file=sys.stderr)
        return 2
    try:
        email = validate_email(args.email, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    password = _read_password(args.password_stdin)
    problem = password_problem(password, args.username)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2

    async def work(store: Store) -> int:
        try:
            user = await store.users.create(args.username, email, hash_blocking(password), args.role)
        except (UsernameTaken, EmailTaken):
            print("error: that username or email is taken", file=sys.stderr)
            return 1
        print(f"created {user.role} {user.username}")
        return 0

    return _with_store(config, work)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat it: ") != first:
        raise SystemExit("error: the passwords differ")
    return first


def set_role(args: argparse.Namespace, config: Config) -> int:
    async def work(store: Store) -> int:
        if not await store.users.set_role(args.username, args.role):
            print(f"error: there is no user {args.username!r}", file=sys.stderr)
            return 1
        print(f"{args.username} is now {args.role}")
        return 0

    return _with_store(config, work)


def init_db(args: argparse.Namespace, config: Config) -> int:
    async def work(store: Store) -> int:
        print(f"database ready at {config.database_path}")
        return 0

    return _with_store(config, work)


def seed_demo(args: argparse.Namespace, config: Config) -> int:
    from tqdm import tqdm

    from .demo import DEMO_PASSWORD, seed_demo as add_demo_content

    if args.posts < 0 or args.authors < 1:
        print("error: --posts must be 0 or more and --authors 1 or more", file=sys.stderr)
        return 2

    async def work(store: Store) -> int:
        try:
            with tqdm(total=args.posts, unit="post", desc="seed-demo", file=sys.stderr) as progress:
                users = await add_demo_content(store, args.posts, args.authors, args.seed, on_batch=progress.update)
        except EmailTaken as exc:
            print(f"error: {exc} belongs to an account that is not a demo author; no posts were added", file=sys.stderr)
            return 1
        print(f"added {args.posts} demo posts to {config.database_path}")
        print(f"log in as any of: {', '.join(user.username for user in users)}")
        print(f"password: {DEMO_PASSWORD}")
        return 0

    return _with_store(config, work)


def cleanup(args: argparse.Namespace, config: Config) -> int:
    from .images import ImageFiles
    from .maintenance import remove_orphan_images

    async def work(store: Store) -> int:
        removed = await remove_orphan_images(store, ImageFiles(config.data_dir / "images"), args.min_age)
        sessions = await store.sessions.purge_expired()
        print(f"removed {len(removed)} orphan image file(s) and {sessions} expired session(s)")
        return 0

    return _with_store(config, work)


COMMANDS: dict[str | None, Callable[[argparse.Namespace, Config], int]] = {
    None: serve,
    "serve": serve,
    "create-user": create_user,
    "set-role": set_role,
    "init-db": init_db,
    "cleanup": cleanup,
    "seed-demo": seed_demo,
}

if __name__ == "__main__":
    sys.exit(main())

"""`init-db`, `cleanup` and `seed-demo`: the database and the files beside it."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from blog.cli.common import add_data_dir, fail, with_store
from blog.config import Config
from blog.store import Store
from blog.store.users import EmailTaken


def add_commands(commands: Any) -> None:
    init = commands.add_parser("init-db", help="create or upgrade the database, then exit")
    add_data_dir(init)
    init.set_defaults(run=init_db)

    tidy = commands.add_parser("cleanup", help="remove image files no post uses, expired sessions, old login attempts"
                                               " and expired kept forms")
    tidy.add_argument("--min-age", type=int, default=3600,
                      help="the grace period: spare image files saved less than this many seconds ago (uploads in progress); default 3600")
    add_data_dir(tidy)
    tidy.set_defaults(run=cleanup)

    demo = commands.add_parser("seed-demo", help="fill the database with demo authors and posts")
    demo.add_argument("--posts", type=int, default=1000, help="how many posts to add (default 1000)")
    demo.add_argument("--authors", type=int, default=5, help="how many demo authors write them (default 5)")
    demo.add_argument("--seed", type=int, default=1, help="seed of the random generator, for the same content again (default 1)")
    add_data_dir(demo)
    demo.set_defaults(run=seed_demo)


def init_db(args: argparse.Namespace, config: Config) -> int:
    async def work(store: Store) -> int:
        print(f"database ready at {config.database_name}")
        return 0

    return with_store(config, work)


def cleanup(args: argparse.Namespace, config: Config) -> int:
    from blog.content.image_store import image_store
    from blog.ops.maintenance import ATTEMPTS_KEEP

    async def work(store: Store) -> int:
        removed = await image_store(config, store).remove_orphans(args.min_age)
        sessions = await store.sessions.purge_expired()
        attempts = await store.attempts.purge_older_than(ATTEMPTS_KEEP)
        kept = await store.kept_forms.purge_expired()
        print(f"removed {len(removed)} orphan image file(s), {sessions} expired session(s),"
              f" {attempts} old login or registration attempt(s) and {kept} expired kept form(s)")
        return 0

    return with_store(config, work)


def seed_demo(args: argparse.Namespace, config: Config) -> int:
    from tqdm import tqdm

    from blog.demo.posts import DEMO_PASSWORD
    from blog.demo.posts import seed_demo as add_demo_content

    if args.posts < 0 or args.authors < 1:
        return fail("--posts must be 0 or more and --authors 1 or more")

    async def work(store: Store) -> int:
        try:
            with tqdm(total=args.posts, unit="post", desc="seed-demo", file=sys.stderr) as progress:
                users = await add_demo_content(store, args.posts, args.authors, args.seed,
                                               on_batch=progress.update)
        except EmailTaken as exc:
            return fail(f"{exc} belongs to an account that is not a demo author; no posts were added", 1)
        print(f"added {args.posts} demo posts to {config.database_name}")
        print(f"log in as any of: {', '.join(user.username for user in users)}")
        print(f"password: {DEMO_PASSWORD}")
        return 0

    return with_store(config, work)

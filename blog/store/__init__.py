"""The Store: one accessor per kind of data, all on one Database. All SQL lives in this package."""

from __future__ import annotations

from pathlib import Path

from blog.store.articles import Articles
from blog.store.comments import Comments
from blog.store.db import Database
from blog.store.kept_forms import KeptForms
from blog.store.live_events import LiveEvents
from blog.store.login_failures import LoginFailures
from blog.store.posts import Posts
from blog.store.revisions import Revisions
from blog.store.seed import Seed
from blog.store.sessions import Sessions
from blog.store.social import Social
from blog.store.tokens import Tokens
from blog.store.users import Users


class Store:
    def __init__(self, path: Path) -> None:
        self.db = Database(path)
        self.users = Users(self.db)
        self.sessions = Sessions(self.db)
        self.login_failures = LoginFailures(self.db)
        self.posts = Posts(self.db)
        self.revisions = Revisions(self.db)
        self.comments = Comments(self.db)
        self.social = Social(self.db)
        self.tokens = Tokens(self.db)
        self.articles = Articles(self.db)
        self.seed = Seed(self.db)
        self.live_events = LiveEvents(self.db)
        self.kept_forms = KeptForms(self.db)

    async def open(self) -> None:
        await self.db.open()

    async def close(self) -> None:
        await self.db.close()

"""The Store: one accessor per kind of data, all on one Database. All SQL lives in this package."""

from __future__ import annotations

from pathlib import Path

from .articles import Articles
from .comments import Comments
from .db import Database
from .live_events import LiveEvents
from .login_failures import LoginFailures
from .posts import Posts
from .revisions import Revisions
from .seed import Seed
from .sessions import Sessions
from .social import Social
from .tokens import Tokens
from .users import Users


class Store:
    def __init__(self, path: Path) -> None:
        self.db = Database(path)
        self.users = Users(self.db)
        self.sessions = Sessions(self.db)
        self.login_failures = LoginFailures(self.db.bookkeeping())
        self.posts = Posts(self.db)
        self.revisions = Revisions(self.db)
        self.comments = Comments(self.db)
        self.social = Social(self.db)
        self.tokens = Tokens(self.db.bookkeeping())
        self.articles = Articles(self.db)
        self.seed = Seed(self.db)
        self.live_events = LiveEvents(self.db)

    async def open(self) -> None:
        await self.db.open()

    async def close(self) -> None:
        await self.db.close()

"""The Store: one accessor per kind of data, all on one Database. All SQL lives in this package."""

from __future__ import annotations

from pathlib import Path

from blog.store.account_tokens import AccountTokens
from blog.store.articles import Articles
from blog.store.attempts import Attempts
from blog.store.catalog import Catalog
from blog.store.comments import Comments
from blog.store.db import open_database
from blog.store.feeds import Feeds
from blog.store.images import Images, SharedImageFiles
from blog.store.kept_forms import KeptForms
from blog.store.live_events import LiveEvents
from blog.store.live_messages import LiveMessages
from blog.store.messages import Messages
from blog.store.notifications import Notifications
from blog.store.posts import Posts
from blog.store.reactions import Reactions
from blog.store.reset_requests import ResetRequests
from blog.store.revisions import Revisions
from blog.store.search import Search
from blog.store.secrets import Secrets
from blog.store.seed import Seed
from blog.store.sessions import Sessions
from blog.store.settings import Settings
from blog.store.sitemap import Sitemap
from blog.store.social import Social
from blog.store.tokens import Tokens
from blog.store.transfer import Transfer
from blog.store.users import Users


class Store:
    def __init__(self, location: str | Path) -> None:
        """`location`: a postgresql:// URL, or the path of the SQLite file."""
        self.db = open_database(location)
        self.users = Users(self.db)
        self.sessions = Sessions(self.db)
        self.attempts = Attempts(self.db)
        self.posts = Posts(self.db)
        self.revisions = Revisions(self.db)
        self.comments = Comments(self.db)
        self.social = Social(self.db)
        self.tokens = Tokens(self.db)
        self.articles = Articles(self.db)
        self.seed = Seed(self.db)
        self.live_events = LiveEvents(self.db)
        self.live_messages = LiveMessages(self.db)
        self.secrets = Secrets(self.db)
        self.settings = Settings(self.db)
        self.account_tokens = AccountTokens(self.db)
        self.reset_requests = ResetRequests(self.db)
        self.images = Images(self.db)
        self.image_files = SharedImageFiles(self.db)  # PostgreSQL only
        self.transfer = Transfer(self.db)
        self.search = Search(self.db)
        self.catalog = Catalog(self.db)
        self.feeds = Feeds(self.db)
        self.sitemap = Sitemap(self.db)
        self.kept_forms = KeptForms(self.db)
        self.notifications = Notifications(self.db)
        self.reactions = Reactions(self.db, self.comments.section_stamps)
        self.messages = Messages(self.db)

    async def open(self) -> None:
        await self.db.open()

    async def close(self) -> None:
        await self.db.close()

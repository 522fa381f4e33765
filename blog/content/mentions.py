"""@username in a comment: a link to the member's page, and a notification for them."""

from __future__ import annotations

from aiohttp import web

from blog.content.markdown import mentioned_names, render_markdown
from blog.content.notifications import notify
from blog.keys import STORE
from blog.store.comments import Comment

# A comment that names more people than this is a mailing, not a conversation: the first
# ones named are linked and told, the others stay text.
MAX_MENTIONS = 20

Mentioned = dict[str, tuple[int, str]]  # {lowercased username: (user id, username)}


async def render_comment(app: web.Application, body: str) -> tuple[str, Mentioned]:
    """The comment's safe HTML with its @names linked, and the members it names."""
    members = await app[STORE].comments.members_named(mentioned_names(body)[:MAX_MENTIONS])
    author_page = app.router["author"]
    links = {name: str(author_page.url_for(username=username)) for name, (_, username) in members.items()}
    return render_markdown(body, mentions=links), members


async def tell_mentioned(app: web.Application, comment: Comment, mentioned: Mentioned, told: set[int]) -> set[int]:
    """Notifies each member named who was not told already; returns who was told now."""
    now_told: set[int] = set()
    for user_id, _ in mentioned.values():
        if user_id not in told and user_id not in now_told:
            await notify(app, user_id, "mention", comment.author_id, post_id=comment.post_id, comment_id=comment.id)
            now_told.add(user_id)
    return now_told

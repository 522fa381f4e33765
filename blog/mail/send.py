"""Sending a mail from a handler is one call: the site's own name signs it."""

from __future__ import annotations

from aiohttp import web

from blog.keys import MAILER
from blog.web.site import current_site


async def send_mail(request: web.Request, to: str, subject: str, text: str) -> None:
    """Composes the mail (From: the site's title) and hands it over for delivery in the background."""
    site = await current_site(request)
    mailer = request.config_dict[MAILER]
    mailer.send(mailer.compose(to, subject, text, site.title))

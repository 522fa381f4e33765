"""Post HTML for use away from the site (feeds): every link and image made absolute.

Works on the HTML our Markdown renderer and nh3 made when the post was saved: nh3
writes every attribute as name="value" with the value's specials as entities, so the
values can be found, resolved and written back without parsing the document."""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin

_URL_ATTRIBUTE = re.compile(r'(<(?:a|img)\b[^>]*?\s(?:href|src)=")([^"]*)(")')


def absolute_links(body_html: str, page_url: str) -> str:
    """`body_html` with relative href/src values resolved against the post's own address."""

    def resolve(match: re.Match[str]) -> str:
        url = urljoin(page_url, html.unescape(match.group(2)))
        return match.group(1) + html.escape(url, quote=True) + match.group(3)

    return _URL_ATTRIBUTE.sub(resolve, body_html)

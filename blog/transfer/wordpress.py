"""Reading a WordPress export (WXR: the XML that Tools → Export writes) into an ImportPlan.

The XML is parsed with defusedxml: a file that declares entities or reaches for external
ones is refused before anything is expanded. Posts and pages come with their HTML turned
into Markdown (then rendered and sanitized like anything written here), tags and categories
as tags, authors and commenters as accounts without a usable password, approved comments,
dates and slugs."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import unquote
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import parse
from markdownify import markdownify

from blog import clock
from blog.content.post_form import SUMMARY_MAX, TAGS_MAX, parse_tags
from blog.store.transfer import NewAuthor, NewComment, NewPost
from blog.transfer import TransferError
from blog.transfer.plan import ImportPlan, author, rendered, title_of, username_from

WP_NAMESPACE = "wordpress.org/export/"
CONTENT_NAMESPACE = "purl.org/rss/1.0/modules/content/"
KINDS = {"post": "post", "page": "page"}
STATUSES = {"publish": "published", "future": "scheduled", "draft": "draft", "pending": "draft", "private": "draft"}
# WordPress's own default category says nothing about a post.
IGNORED_CATEGORIES = frozenset({"uncategorized"})
BLOCK_START = re.compile(r"\s*<(p|div|h[1-6]|ul|ol|pre|blockquote|table|figure|hr|dl|section)\b", re.I)
SHORTCODE = re.compile(r"\[/?(caption|gallery|embed|audio|video|playlist)\b[^\]]*\]")
NO_DATE = "0000-00-00 00:00:00"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _child(element: Element, name: str, namespace: str = WP_NAMESPACE) -> Element | None:
    for child in element:
        if _local(child.tag) == name and (namespace in _namespace(child.tag) if namespace else not _namespace(child.tag)):
            return child
    return None


def _text(element: Element, name: str, namespace: str = WP_NAMESPACE) -> str:
    child = _child(element, name, namespace)
    return (child.text or "").strip() if child is not None else ""


def _children(element: Element, name: str, namespace: str = WP_NAMESPACE) -> list[Element]:
    return [child for child in element if _local(child.tag) == name and namespace in _namespace(child.tag)]


def html_to_markdown(html: str) -> str:
    """WordPress's HTML as Markdown: paragraphs made from blank lines as WordPress itself does
    (wpautop), block comments and layout shortcodes dropped."""
    html = re.sub(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>", "", html, flags=re.S | re.I)
    html = SHORTCODE.sub("", html)
    chunks = [chunk.strip() for chunk in re.split(r"\n\s*\n", html) if chunk.strip()]
    html = "\n".join(chunk if BLOCK_START.match(chunk) else "<p>" + chunk.replace("\n", "<br>\n") + "</p>"
                     for chunk in chunks)
    markdown = markdownify(html, heading_style="ATX", bullets="-", strip=["script", "style", "iframe", "form"])
    return re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"


def _date(text: str, fallback: str = "") -> str | None:
    """A WXR date ("2024-05-01 09:30:00", UTC for the *_gmt fields) or an RSS pubDate, as we store times."""
    for value in (text, fallback):
        if not value or value == NO_DATE:
            continue
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", value):
                return clock.iso(datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc))
            return clock.iso(parsedate_to_datetime(value))
        except (ValueError, TypeError):
            continue
    return None


def _root(path: str) -> Element:
    try:
        root = parse(path).getroot()
    except DefusedXmlException:
        raise TransferError("This XML file declares entities or a DTD, which we refuse to read "
                            "(they can expand without bound or reach for other files). Nothing was imported.") from None
    except ParseError as exc:
        raise TransferError(f"This is not a well-formed XML file ({exc}). Nothing was imported.") from None
    channel = _child(root, "channel", "") if root is not None and _local(root.tag) == "rss" else None
    if channel is None or not any(WP_NAMESPACE in _namespace(element.tag) for element in channel):
        raise TransferError("This XML file is not a WordPress export (WXR): it has no <rss><channel> with "
                            "WordPress's elements. Nothing was imported.")
    return channel


class _People:
    """Accounts for authors and commenters, one per person, their usernames made unique."""

    def __init__(self, channel: Element) -> None:
        self.by_login: dict[str, NewAuthor] = {}
        self.by_id: dict[str, NewAuthor] = {}
        self._taken: dict[str, str] = {}  # username -> the email it stands for
        for element in _children(channel, "author"):
            login = _text(element, "author_login")
            person = self.person(login, _text(element, "author_display_name"), _text(element, "author_email"))
            self.by_login[login] = person
            self.by_id[_text(element, "author_id")] = person

    def person(self, *names_then_email: str) -> NewAuthor:
        *names, email = names_then_email
        name = username_from(*names, email.split("@")[0])
        key = email.lower() or name.lower()
        base, number = name, 2
        while self._taken.get(name.lower(), key) != key:
            name, number = f"{base[:26]}-{number}", number + 1
        self._taken[name.lower()] = key
        return author(name, email)

    def writer(self, login: str) -> NewAuthor:
        return self.by_login.get(login) or self.by_login.setdefault(login, self.person(login, ""))


def _comments(item: Element, people: _People, plan: ImportPlan) -> tuple[NewComment, ...]:
    comments = []
    for element in _children(item, "comment"):
        if _text(element, "comment_approved") != "1" or _text(element, "comment_type") in ("pingback", "trackback"):
            plan.skip("comments that were not approved, or were pingbacks")
            continue
        body = html_to_markdown(_text(element, "comment_content"))
        user = people.by_id.get(_text(element, "comment_user_id"))
        who = user or people.person(_text(element, "comment_author"), _text(element, "comment_author_email"))
        html, _ = rendered(body, None, plan)
        created = _date(_text(element, "comment_date_gmt"), _text(element, "comment_date")) or clock.now_iso()
        comments.append(NewComment(who, body, html, created))
    return tuple(comments)


def _tags(item: Element) -> tuple[str, ...]:
    names = [(element.get("nicename") or element.text or "") for element in item
             if _local(element.tag) == "category" and element.get("domain") in ("category", "post_tag")]
    return tuple(tag for tag in parse_tags(",".join(names)) if tag not in IGNORED_CATEGORIES)[:TAGS_MAX]


def _post(item: Element, site: str, people: _People, plan: ImportPlan) -> NewPost | None:
    kind, wp_status = KINDS.get(_text(item, "post_type")), _text(item, "status")
    if kind is None:
        plan.skip(f"items of type “{_text(item, 'post_type') or 'unknown'}” (only posts and pages are imported)")
        return None
    status = STATUSES.get(wp_status)
    if status is None:
        plan.skip(f"{kind}s with the status “{wp_status}”")
        return None
    published = _date(_text(item, "post_date_gmt"))
    created = published or _date(_text(item, "post_date"), _text(item, "pubDate", "")) or clock.now_iso()
    publish_at = None
    if status == "scheduled":
        if published and published > clock.now_iso():
            publish_at, published = published, None
        else:
            status = "published"
    body = html_to_markdown(_text(item, "encoded", CONTENT_NAMESPACE))
    html, excerpt = rendered(body, None, plan)
    summary = " ".join(html_to_markdown(_text(item, "encoded", "excerpt")).split())[:SUMMARY_MAX]
    title = title_of(_text(item, "title", ""))
    return NewPost(
        key=f"wxr:{site}:{_text(item, 'post_id')}", author=people.writer(_text(item, "creator", "purl.org/dc")),
        kind=kind, slug=unquote(_text(item, "post_name")) or title, title=title, summary=summary,
        excerpt=summary or excerpt, body=body, body_html=html, status=status, tags=_tags(item),
        created_at=created, updated_at=_date(_text(item, "post_modified_gmt")) or created,
        published_at=published if status == "published" else None, publish_at=publish_at,
        comments=_comments(item, people, plan))


def read_wordpress_export(path: str, on_item: Callable[[], object] = lambda: None) -> ImportPlan:
    channel = _root(path)
    site = _text(channel, "base_site_url") or _text(channel, "link", "") or "wordpress"
    plan = ImportPlan(source=f"the WordPress export of {_text(channel, 'title', '') or site}")
    people = _People(channel)
    for item in channel:
        if _local(item.tag) == "item":
            post = _post(item, site, people, plan)
            if post is not None:
                plan.posts.append(post)
            on_item()
    return plan

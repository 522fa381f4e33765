"""Markdown rendering for user-written posts.

Post bodies are untrusted input that ends up in other people's browsers, so
rendering is done in two independent layers:

1. markdown-it-py with the ``js-default`` preset: raw HTML is *off* (it is
   escaped, not passed through) and link destinations are checked by
   :meth:`_BlogMarkdownIt.validateLink` before they become ``href``/``src``.
2. nh3 (ammonia) with an explicit allowlist of tags, attributes and URL
   schemes, so that even a bug or a future option change in layer 1 cannot
   smuggle markup such as ``<script>``, ``on*=`` handlers or
   ``javascript:``/``data:`` URLs into the page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from types import MappingProxyType
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

__all__ = ["render_markdown", "summarize"]

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p", "br", "hr",
        "h1", "h2", "h3", "h4", "h5", "h6",
        "strong", "em", "del", "s", "code", "pre", "blockquote",
        "ul", "ol", "li",
        "a", "img",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip

# Attributes accepted with any value (URLs are still scheme-checked by nh3,
# ``code``'s class and ``ol``'s start are narrowed in ``_filter_attribute``).
# The empty "*" entry matters: without it nh3 keeps ammonia's default
# generic attributes (``lang`` and ``title`` on every tag).
ALLOWED_ATTRIBUTES: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "*": frozenset(),
        "a": frozenset({"href", "title"}),
        "img": frozenset({"src", "alt", "title"}),
        "code": frozenset({"class"}),
        "ol": frozenset({"start"}),
    }
)

# Attributes accepted only with one of these exact values.
EXTERNAL_LINK_REL = "nofollow noopener"
_ALIGNMENTS = frozenset({"left", "center", "right"})
ALLOWED_ATTRIBUTE_VALUES: Mapping[str, Mapping[str, frozenset[str]]] = (
    MappingProxyType(
        {
            "a": MappingProxyType({"rel": frozenset({EXTERNAL_LINK_REL})}),
            "th": MappingProxyType({"align": _ALIGNMENTS}),
            "td": MappingProxyType({"align": _ALIGNMENTS}),
        }
    )
)

# Schemes allowed in href/src; scheme-less (relative) URLs are also allowed.
ALLOWED_URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
_EXTERNAL_SCHEMES = frozenset({"http", "https"})

_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_LANGUAGE_CLASS_RE = re.compile(r"language-[A-Za-z0-9_+\-]+")
_TABLE_ALIGN_RE = re.compile(r"^text-align:(left|center|right)$")
_ELLIPSIS = "…"


class _BlogMarkdownIt(MarkdownIt):
    """MarkdownIt whose link validation is an allowlist, not a denylist.

    The stock validator rejects javascript:/vbscript:/file: and most data:
    URLs but lets ``data:image/png;...`` through.  We reject every scheme
    nh3 would strip anyway, so such links stay visible as plain text
    instead of turning into an ``<a>`` with no ``href``.
    """

    def validateLink(self, url: str) -> bool:  # noqa: N802 (markdown-it API)
        """Allow relative URLs and http/https/mailto only."""
        match = _SCHEME_RE.match(url.strip())
        return match is None or match.group(1).lower() in ALLOWED_URL_SCHEMES


def _is_external(href: str) -> bool:
    """True for absolute http(s) and protocol-relative (``//host``) URLs."""
    parts = urlsplit(href)
    if parts.scheme:
        return parts.scheme.lower() in _EXTERNAL_SCHEMES
    return bool(parts.netloc)


def _annotate_tokens(state: StateCore) -> None:
    """Core rule: add rel to external links, turn table style into align.

    Doing this on tokens (not on the HTML string) means we only touch
    markup markdown-it itself generated.  ``align`` is used instead of the
    ``style="text-align:..."`` markdown-it emits so no ``style`` attribute
    ever has to be allowed.
    """
    for token in state.tokens:
        if token.type in ("th_open", "td_open"):
            _style_to_align(token.attrs)
        for child in token.children or ():
            if child.type == "link_open" and _is_external(str(child.attrs["href"])):
                child.attrs["rel"] = EXTERNAL_LINK_REL


def _style_to_align(attrs: dict[str, str | int | float]) -> None:
    """Replace a ``text-align`` style with the equivalent ``align`` value."""
    style = attrs.pop("style", None)
    match = _TABLE_ALIGN_RE.match(str(style)) if style is not None else None
    if match:
        attrs["align"] = match.group(1)


def _build_markdown() -> MarkdownIt:
    """Build the shared parser once; it is not modified after this."""
    md = _BlogMarkdownIt("js-default")
    md.core.ruler.push("blog_annotate", _annotate_tokens)
    return md


_MD = _build_markdown()


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Narrow attributes whose allowed values nh3 cannot express as a set.

    ``code class`` keeps only ``language-*`` classes (fence info strings are
    author-controlled); ``ol start`` must be a plain number.
    """
    if tag == "code" and attribute == "class":
        classes = [c for c in value.split() if _LANGUAGE_CLASS_RE.fullmatch(c)]
        return " ".join(classes) or None
    if tag == "ol" and attribute == "start":
        return value if value.isascii() and value.isdigit() else None
    return value


def _sanitize(rendered: str) -> str:
    """Second layer: strip everything not explicitly allowed."""
    return nh3.clean(
        rendered,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        tag_attribute_values={
            tag: {attr: set(values) for attr, values in attrs.items()}
            for tag, attrs in ALLOWED_ATTRIBUTE_VALUES.items()
        },
        attribute_filter=_filter_attribute,
        url_schemes=set(ALLOWED_URL_SCHEMES),
        # rel is set by _annotate_tokens (external links only) and allowed
        # above with one exact value, so nh3 must not add its own.
        link_rel=None,
        # A code block scrolls sideways when its lines are long: keyboard users must be
        # able to reach it to scroll it (WCAG 2.1.1), so it takes the focus like a link.
        set_tag_attribute_values={"pre": {"tabindex": "0"}},
    )


def render_markdown(source: str) -> str:
    """Render untrusted Markdown to HTML that is safe to embed unescaped."""
    return _sanitize(_MD.render(source))


# Headings and code read as noise in the middle of a teaser; a summary is prose.
_NOT_PROSE = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "pre", "table"})


def _html_to_text(rendered_html: str) -> str:
    """Plain prose of an HTML fragment (no headings, code blocks or tables), whitespace collapsed;
    all of its text when it has no prose at all."""
    for dropped in (set(_NOT_PROSE), set()):
        text = nh3.clean(rendered_html, tags=set(), attributes={}, clean_content_tags=dropped)
        text = " ".join(html.unescape(text).split())
        if text:
            return text
    return ""


def _truncate(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters (ellipsis included).

    Cuts at the last word boundary so summaries never end mid-word; a
    single word longer than the limit is cut hard as a last resort.
    """
    if len(text) <= limit:
        return text
    room = limit - len(_ELLIPSIS)
    head = text[:room]
    if text[room : room + 1].isspace() or " " not in head:
        cut = head
    else:
        cut = head.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–—.") + _ELLIPSIS


def summarize(
    source_markdown: str, rendered_html: str | None = None, limit: int = 300
) -> str:
    """Plain-text teaser for listings, feeds and meta descriptions.

    Pass ``rendered_html`` when the caller already has it to avoid
    rendering twice.  Works from the rendered HTML rather than the Markdown
    source so no Markdown syntax (``**``, ``[..](..)``) leaks into the text.
    The result is at most ``limit`` characters long, including the "…"
    appended when the text had to be cut.

    The result is *plain text*, not HTML: entities are decoded, so a post
    that talks about ``<b>`` yields a literal ``<b>``.  It must be escaped
    on output (Jinja autoescape does this).
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if rendered_html is None:
        rendered_html = render_markdown(source_markdown)
    return _truncate(_html_to_text(rendered_html), limit)

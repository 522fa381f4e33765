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

Images are only those uploaded here (``/images/<name>``): each is given the sizes made at
upload as a ``srcset``, its ``width``/``height`` and ``loading="lazy"``. A picture from any
other address becomes a plain link to it: the Content-Security-Policy lets a page load
nothing from elsewhere, and readers' browsers should not call third parties (see README).
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
from markdown_it.token import Token

from blog.content.highlight import TOKEN_CLASSES, highlight_code
from blog.store.images import InlineImage
from blog.web.paths import IMAGES_PREFIX

__all__ = ["IMAGE_SIZES_ATTRIBUTE", "foreign_images", "mentioned_names", "own_image_name", "own_images",
           "render_markdown", "summarize"]

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p", "br", "hr",
        "h1", "h2", "h3", "h4", "h5", "h6",
        "strong", "em", "del", "s", "code", "pre", "blockquote",
        "ul", "ol", "li",
        "a", "img", "span",
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
        # src, srcset, sizes, width, height and loading are narrowed to exactly what
        # _annotate_image writes, and only for our own images (_filter_image_attribute).
        "img": frozenset({"src", "alt", "title", "srcset", "sizes", "width", "height", "loading"}),
        "code": frozenset({"class"}),
        "span": frozenset({"class"}),  # highlighted code's tokens: narrowed to TOKEN_CLASSES
        "ol": frozenset({"start"}),
    }
)

# Attributes accepted only with one of these exact values.
EXTERNAL_LINK_REL = "nofollow noopener"
MENTION_CLASS = "mention"
# @name as usernames are made (blog/accounts/usernames.py), not inside a word or an address.
_MENTION_RE = re.compile(r"(?<![\w@./-])@([A-Za-z0-9_-]{3,30})(?![\w-])")
_ALIGNMENTS = frozenset({"left", "center", "right"})
ALLOWED_ATTRIBUTE_VALUES: Mapping[str, Mapping[str, frozenset[str]]] = (
    MappingProxyType(
        {
            "a": MappingProxyType({"rel": frozenset({EXTERNAL_LINK_REL}), "class": frozenset({MENTION_CLASS})}),
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

_IMAGE_NAME = r"[0-9a-f]{64}\.(?:jpg|png|gif|webp)"
_OWN_IMAGE_RE = re.compile(re.escape(IMAGES_PREFIX) + "/(" + _IMAGE_NAME + ")")
_SRCSET_RE = re.compile(
    rf"{re.escape(IMAGES_PREFIX)}/{_IMAGE_NAME} [1-9][0-9]{{0,4}}w(?:, {re.escape(IMAGES_PREFIX)}/{_IMAGE_NAME} [1-9][0-9]{{0,4}}w)*")
_DIMENSION_RE = re.compile(r"[1-9][0-9]{0,4}")
# The text column is 44rem wide (46rem less its padding), the whole screen less 2rem below that.
IMAGE_SIZES_ATTRIBUTE = "(max-width: 46rem) calc(100vw - 2rem), 44rem"


def own_image_name(src: str) -> str | None:
    """The stored image a URL names when it is one of ours (/images/<name>), else None."""
    match = _OWN_IMAGE_RE.fullmatch(src)
    return match.group(1) if match else None


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
    images: Mapping[str, InlineImage] = state.env.get("images", {})
    for token in state.tokens:
        if token.type in ("th_open", "td_open"):
            _style_to_align(token.attrs)
        if token.children and not state.env.get("list_images") and any(c.type == "image" for c in token.children):
            token.children = [new for child in token.children for new in _annotate_image(child, images)]
        for child in token.children or ():
            if child.type == "link_open" and _is_external(str(child.attrs["href"])):
                child.attrs["rel"] = EXTERNAL_LINK_REL


def _annotate_image(token: Token, images: Mapping[str, InlineImage]) -> list[Token]:
    """Our own image at the size that fits the column with its srcset; any other becomes a link."""
    if token.type != "image":
        return [token]
    src = str(token.attrs.get("src", ""))
    name = own_image_name(src)
    if name is None:
        return _image_as_link(token, src)
    token.attrs["loading"] = "lazy"
    upload = images.get(name)
    if upload is not None:
        column = upload.column
        token.attrs["src"] = f"{IMAGES_PREFIX}/{column.name}"
        token.attrs["width"], token.attrs["height"] = str(column.width), str(column.height)
        token.attrs["srcset"] = ", ".join(f"{IMAGES_PREFIX}/{size.name} {size.width}w" for size in upload.sizes)
        token.attrs["sizes"] = IMAGE_SIZES_ATTRIBUTE
    return [token]


def _image_as_link(token: Token, src: str) -> list[Token]:
    """A picture from another site, shown as a link to it (its alt text, or its address)."""
    alt = "".join(child.content for child in token.children or ()) or src
    opening = Token("link_open", "a", 1, attrs={"href": src})
    if "title" in token.attrs:
        opening.attrs["title"] = token.attrs["title"]
    return [opening, Token("text", "", 0, content=alt), Token("link_close", "a", -1)]


def _link_mentions(state: StateCore) -> None:
    """Core rule: `@name` in prose links the member's page, for the names in env["mentions"]
    ({lowercased name: href}); names nobody has stay text. Code and existing links are left alone."""
    mentions: Mapping[str, str] = state.env.get("mentions", {})
    if not mentions:
        return
    for token in state.tokens:
        if token.type == "inline" and token.children:
            token.children = _with_mention_links(token.children, mentions)


def _with_mention_links(children: list[Token], mentions: Mapping[str, str]) -> list[Token]:
    result: list[Token] = []
    in_link = 0
    for child in children:
        in_link += 1 if child.type == "link_open" else -1 if child.type == "link_close" else 0
        if child.type != "text" or in_link or "@" not in child.content:
            result.append(child)
            continue
        position = 0
        for match in _MENTION_RE.finditer(child.content):
            href = mentions.get(match.group(1).lower())
            if href is None:
                continue
            result.append(Token("text", "", 0, content=child.content[position:match.start()]))
            result.append(Token("link_open", "a", 1, attrs={"href": href, "class": MENTION_CLASS}))
            result.append(Token("text", "", 0, content=match.group(0)))
            result.append(Token("link_close", "a", -1))
            position = match.end()
        result.append(Token("text", "", 0, content=child.content[position:]) if position else child)
    return result


def mentioned_names(source: str) -> list[str]:
    """The @names in the Markdown's prose (not in code or links), each once, as written."""
    names: dict[str, str] = {}
    for token in _MD.parse(source, {"list_images": True}):
        in_link = 0
        for child in token.children or ():
            in_link += 1 if child.type == "link_open" else -1 if child.type == "link_close" else 0
            if child.type == "text" and not in_link:
                for match in _MENTION_RE.finditer(child.content):
                    names.setdefault(match.group(1).lower(), match.group(1))
    return list(names.values())


def _style_to_align(attrs: dict[str, str | int | float]) -> None:
    """Replace a ``text-align`` style with the equivalent ``align`` value."""
    style = attrs.pop("style", None)
    match = _TABLE_ALIGN_RE.match(str(style)) if style is not None else None
    if match:
        attrs["align"] = match.group(1)


def _highlight(code: str, language: str, attrs: str) -> str:
    """Fenced code in a known language as highlighted spans (markdown-it wraps them in <pre><code>)."""
    return highlight_code(code, language)


def _build_markdown() -> MarkdownIt:
    """Build the shared parser once; it is not modified after this."""
    md = _BlogMarkdownIt("js-default", {"highlight": _highlight})
    md.core.ruler.push("blog_annotate", _annotate_tokens)
    md.core.ruler.push("blog_mentions", _link_mentions)
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
    if tag == "span" and attribute == "class":
        return " ".join(c for c in value.split() if c in TOKEN_CLASSES) or None
    if tag == "ol" and attribute == "start":
        return value if value.isascii() and value.isdigit() else None
    if tag == "img":
        return _filter_image_attribute(attribute, value)
    return value


def _filter_image_attribute(attribute: str, value: str) -> str | None:
    """Exactly what _annotate_image writes, and images only from our own /images/."""
    if attribute == "src":
        return value if own_image_name(value) else None
    if attribute == "srcset":
        return value if _SRCSET_RE.fullmatch(value) else None
    if attribute == "sizes":
        return value if value == IMAGE_SIZES_ATTRIBUTE else None
    if attribute in ("width", "height"):
        return value if _DIMENSION_RE.fullmatch(value) else None
    if attribute == "loading":
        return value if value == "lazy" else None
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


def _image_sources(source: str) -> list[str]:
    """The address of every picture in the Markdown, in order (only those markdown-it accepts)."""
    sources = []
    for token in _MD.parse(source, {"list_images": True}):
        for child in token.children or ():
            if child.type == "image":
                sources.append(str(child.attrs.get("src", "")))
    return sources


def own_images(source: str) -> set[str]:
    """The names of our own images (/images/<name>) that the Markdown shows."""
    return {name for src in _image_sources(source) if (name := own_image_name(src))}


def foreign_images(source: str) -> list[str]:
    """The addresses of pictures the Markdown shows that are not ours (rendered as links)."""
    return [src for src in _image_sources(source) if own_image_name(src) is None]


def render_markdown(source: str, images: Mapping[str, InlineImage] | None = None,
                    mentions: Mapping[str, str] | None = None) -> str:
    """Render untrusted Markdown to HTML that is safe to embed unescaped.

    `images` are the uploads the text names (by any of their sizes), for their srcset and size;
    `mentions` the members an @name may link to ({lowercased name: the address of their page})."""
    return _sanitize(_MD.render(source, {"images": images or {}, "mentions": mentions or {}}))


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

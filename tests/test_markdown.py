"""Tests for blog.markdown: rendering features, XSS resistance, summaries."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blog.content.markdown import render_markdown, summarize

_EVENT_HANDLER_RE = re.compile(r"<[^>]*\son\w+\s*=", re.IGNORECASE)
_TAG_RE = re.compile(r"<[^>]*>")
_QUOTED_VALUE_RE = re.compile(r'"[^"]*"')
_BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
# What a browser ignores around/inside a URL scheme: C0 controls and space
# at the ends, tab/CR/LF anywhere.
_URL_STRIP = "".join(chr(c) for c in range(0x21))


class _ElementCollector(HTMLParser):
    """Collects every start tag of the output with its attributes.

    ``convert_charrefs`` makes the parser hand back attribute values with
    character references already decoded, as a browser would see them.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, [(name, value or "") for name, value in attrs]))

    handle_startendtag = handle_starttag


def _elements(output: str) -> list[tuple[str, list[tuple[str, str]]]]:
    parser = _ElementCollector()
    parser.feed(output)
    parser.close()
    return parser.elements


def _attrs(output: str, tag: str) -> list[dict[str, str]]:
    """Attribute dicts of every ``tag`` element in ``output``."""
    return [dict(attrs) for t, attrs in _elements(output) if t == tag]


def _url_attribute_values(output: str) -> list[str]:
    return [
        value
        for _, attrs in _elements(output)
        for name, value in attrs
        if name in ("href", "src")
    ]


def _url_prefix(value: str) -> str:
    """Normalise a URL attribute value the way a browser reads its scheme."""
    value = html.unescape(value)  # already decoded by HTMLParser; be explicit
    value = re.sub(r"[\t\r\n]", "", value)
    return value.strip(_URL_STRIP).lower()


def _tag_skeleton(output: str) -> str:
    """``output`` with every quoted attribute value inside tags emptied.

    An escaped attribute value may legitimately contain text such as
    ``alt="a&quot; onerror=x"`` (the author's alt text, harmless), which the
    bare ``on\\w+=`` regex would flag.  nh3 always double-quotes values and
    escapes ``"``, ``<`` and ``>`` inside them, so emptying ``"..."`` within
    ``<...>`` leaves only real tag and attribute names for the regex.
    """

    def empty_values(tag: re.Match[str]) -> str:
        return _QUOTED_VALUE_RE.sub('""', tag.group())

    return _TAG_RE.sub(empty_values, output)


def has_event_handler(output: str) -> bool:
    return bool(_EVENT_HANDLER_RE.search(_tag_skeleton(output)))


def assert_safe(output: str) -> None:
    """The XSS invariants every rendering must satisfy."""
    lowered = output.lower()
    for tag in ("<script", "<iframe", "<style", "<svg"):
        assert tag not in lowered
    assert not has_event_handler(output)
    for tag, attrs in _elements(output):
        for name, _ in attrs:
            assert not name.startswith("on"), (tag, attrs)
            assert name != "style", (tag, attrs)
    for value in _url_attribute_values(output):
        assert not _url_prefix(value).startswith(_BAD_SCHEMES), value


# --- ordinary Markdown features ---------------------------------------------


def test_headings() -> None:
    out = render_markdown("# One\n\n## Two\n\n###### Six")
    assert "<h1>One</h1>" in out
    assert "<h2>Two</h2>" in out
    assert "<h6>Six</h6>" in out


def test_emphasis_and_strikethrough() -> None:
    out = render_markdown("*em* **strong** ~~gone~~")
    assert "<em>em</em>" in out
    assert "<strong>strong</strong>" in out
    assert "<s>gone</s>" in out


def test_lists() -> None:
    out = render_markdown("- a\n- b\n\n3. c\n4. d")
    assert "<ul>\n<li>a</li>\n<li>b</li>\n</ul>" in out
    assert '<ol start="3">' in out
    assert "<li>d</li>" in out


def test_blockquote_code_and_rule() -> None:
    out = render_markdown("> quoted\n\n`inline`\n\n---")
    assert "<blockquote>" in out
    assert "<code>inline</code>" in out
    assert "<hr>" in out


def test_table_with_alignment_uses_align_not_style() -> None:
    out = render_markdown("| a | b | c |\n|:--|--:|:-:|\n| 1 | 2 | 3 |")
    for tag in ("table", "thead", "tbody", "tr"):
        assert f"<{tag}>" in out
    assert '<th align="left">a</th>' in out
    assert '<td align="right">2</td>' in out
    assert '<td align="center">3</td>' in out
    assert "style" not in out


def test_code_fence_keeps_language_class() -> None:
    out = render_markdown("```python\nprint('hi') & <b>\n```")
    assert out.startswith('<pre tabindex="0"><code class="language-python">')
    # Highlighted into spans (tests/test_highlighting.py), the code itself still escaped.
    assert "<b>" not in out
    assert html.unescape(re.sub(r"<[^>]+>", "", out)).strip() == "print('hi') & <b>"

    plain = render_markdown("```nosuchlanguage\nprint('hi') & <b>\n```")
    assert "print('hi') &amp; &lt;b&gt;" in plain


def test_code_blocks_can_be_reached_by_keyboard_and_no_other_tabindex_survives() -> None:
    out = render_markdown("    indented code\n\n```\nfenced\n```")
    assert out.count('<pre tabindex="0">') == 2
    assert "<pre" not in render_markdown('<pre tabindex="5">x</pre>')  # raw HTML stays escaped text


@pytest.mark.parametrize("info", ["c++", "objective-c", "shell_session"])
def test_code_fence_keeps_unusual_language_names(info: str) -> None:
    out = render_markdown(f"```{info}\nx\n```")
    assert f'class="language-{info}"' in out


@pytest.mark.parametrize(
    "info",
    ['py"><script>alert(1)</script>', "py onclick=alert(1)", 'x" class="evil'],
)
def test_bad_code_class_is_dropped(info: str) -> None:
    out = render_markdown(f"```{info}\nx\n```")
    assert_safe(out)
    classes = [a.get("class", "") for a in _attrs(out, "code")]
    for value in classes:
        assert re.fullmatch(r"(language-[A-Za-z0-9_+-]+)?", value), value
    assert "evil" not in "".join(classes)


def test_raw_html_class_never_reaches_output() -> None:
    out = render_markdown('<code class="evil">x</code>')
    assert _attrs(out, "code") == []
    assert "&lt;code" in out


def test_relative_and_mailto_links_survive_without_rel() -> None:
    out = render_markdown("[home](/posts/1) [frag](#top) [mail](mailto:a@b.example)")
    links = _attrs(out, "a")
    assert [link["href"] for link in links] == ["/posts/1", "#top", "mailto:a@b.example"]
    assert all("rel" not in link for link in links)


@pytest.mark.parametrize(
    "source",
    [
        "[x](https://example.com/a)",
        "[x](HTTP://example.com)",
        "<https://example.com>",
        "[x](//example.com/protocol-relative)",
    ],
)
def test_external_link_gets_nofollow_noopener(source: str) -> None:
    (link,) = _attrs(render_markdown(source), "a")
    rel = link["rel"].split()
    assert "nofollow" in rel
    assert "noopener" in rel


def test_image_and_link_titles() -> None:
    name = "a" * 64 + ".png"
    out = render_markdown(f'![alt text](/images/{name} "pic") [l](/x "tip")')
    (img,) = _attrs(out, "img")
    assert img == {"src": f"/images/{name}", "alt": "alt text", "title": "pic", "loading": "lazy"}
    (link,) = _attrs(out, "a")
    assert link["title"] == "tip"


def test_a_picture_that_is_not_ours_becomes_a_link_to_it() -> None:
    out = render_markdown('![a cat](https://elsewhere.example/cat.png "pic") ![](/static/x.png)')
    assert _attrs(out, "img") == []
    cat, other = _attrs(out, "a")
    assert cat == {"href": "https://elsewhere.example/cat.png", "title": "pic", "rel": "nofollow noopener"}
    assert other == {"href": "/static/x.png"}
    assert ">a cat</a>" in out and ">/static/x.png</a>" in out


# --- hostile input -----------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](java\tscript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](file:///etc/passwd)",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "![x](data:image/png;base64,AAAA)",
    "![x](DATA:image/svg+xml;base64,AAAA)",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript&colon;alert(1))",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=https://evil.example></iframe>",
    "<style>body{display:none}</style>",
    '<p style="x" onclick="alert(1)">hi</p>',
    "<!-- <script>alert(1)</script> -->",
    '[x](https://ok.example "a\\" onmouseover=\\"alert(1)")',
    '![a" onerror="alert(1)](/x.png)',
    "```js onload=alert(1)\nx\n```",
    "*<script>alert(1)</script>*",
    "<scr<script>ipt>alert(1)</script>",
]


def test_event_handler_check_sees_through_attribute_text() -> None:
    # Sanity check of the helper itself: real handlers are caught, escaped
    # text inside a value is not.
    assert has_event_handler('<img src="/x" onerror="alert(1)">')
    assert has_event_handler("<img src=x onerror=alert(1)>")
    assert not has_event_handler('<img alt="a&quot; onerror=&quot;x" src="/x">')
    assert not has_event_handler("<p>onerror=alert(1)</p>")


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_input_is_neutralised(source: str) -> None:
    assert_safe(render_markdown(source))


@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](&#106;avascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
    ],
)
def test_rejected_links_produce_no_anchor(source: str) -> None:
    # Rejected destinations are shown as text, not as an href-less <a>.
    assert _attrs(render_markdown(source), "a") == []


def test_raw_html_is_escaped_not_executed() -> None:
    out = render_markdown("<script>alert(1)</script>")
    assert "&lt;script&gt;" in out


# --- summarize ----------------------------------------------------------------


def test_summary_of_short_text_is_unchanged() -> None:
    assert summarize("Just a short post.") == "Just a short post."


def test_summary_strips_markup_and_collapses_whitespace() -> None:
    source = "# Title\n\nSome **bold**,   *em* and [a link](https://x.example).\n\n- item"
    assert summarize(source) == "Some bold, em and a link. item"


def test_summary_is_prose_without_headings_or_code_unless_there_is_nothing_else() -> None:
    source = "Before.\n\n## Getting started\n\n```python\nprint(1)\n```\n\nAfter."
    assert summarize(source) == "Before. After."
    assert summarize("# Only a heading") == "Only a heading"


def test_summary_unescapes_entities() -> None:
    assert summarize("Fish &amp; chips &lt;3 &copy;") == "Fish & chips <3 ©"


def test_summary_uses_given_rendered_html() -> None:
    assert summarize("ignored", "<p>pre-rendered &amp; fine</p>") == "pre-rendered & fine"


def test_long_summary_is_cut_at_word_boundary() -> None:
    source = " ".join(["word"] * 200)
    result = summarize(source, limit=50)
    assert len(result) <= 50
    assert result.endswith("…")
    body = result.removesuffix("…")
    assert body == body.strip()
    assert all(w == "word" for w in body.split())  # no word cut in half
    assert source.startswith(body)


def test_summary_cut_exactly_before_a_space_keeps_last_word() -> None:
    # "aaaa bbbb cccc": limit 10 leaves room for 9 chars == "aaaa bbbb".
    assert summarize("aaaa bbbb cccc", limit=10) == "aaaa bbbb…"


def test_summary_single_long_word_is_hard_cut() -> None:
    result = summarize("x" * 500, limit=20)
    assert result == "x" * 19 + "…"


def test_summary_default_limit() -> None:
    result = summarize("lorem ipsum " * 100)
    assert len(result) <= 300
    assert result.endswith("…")


def test_summary_rejects_nonpositive_limit() -> None:
    with pytest.raises(ValueError):
        summarize("x", limit=0)


# --- property test -------------------------------------------------------------

DANGEROUS_FRAGMENTS = [
    "<script>", "</script>", "<script", "javascript:", "JaVaScRiPt:", "vbscript:",
    "data:", "data:text/html,", "onerror=", " onload=", "onclick=", "<img", "<img ",
    "<svg", "<iframe", "<a href=", "[a](", "](", ")", "![", "<", ">", '"', "'", "`",
    "```", "&#106;", "&#x6A;", "&colon;", "&", ";", "\n", "\n\n", " ", "\t", "*",
    "|", "---", "[r]: ", "http://", "//", "\\", "=", "(", "<javascript:", "alert(1)",
    "[a](javascript:alert(1))", "![a](data:image/png;base64,AA)", '" onerror="x',
    "<a href='javascript:x'>", "```py", "&quot;", "&#58;", "\x00",
]  # fmt: skip

markdownish = st.lists(
    st.one_of(st.sampled_from(DANGEROUS_FRAGMENTS), st.text(max_size=8)),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(markdownish)
def test_rendering_never_emits_dangerous_html(source: str) -> None:
    output = render_markdown(source)
    assert "<script" not in output.lower()
    assert not has_event_handler(output)
    for value in _url_attribute_values(output):
        assert not _url_prefix(value).startswith(_BAD_SCHEMES), value
    assert_safe(output)


@settings(max_examples=300, deadline=None)
@given(markdownish, st.integers(min_value=1, max_value=400))
def test_summary_respects_limit(source: str, limit: int) -> None:
    result = summarize(source, limit=limit)
    assert len(result) <= limit
    assert result == result.strip()
    assert "  " not in result

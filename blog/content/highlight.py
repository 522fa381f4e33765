"""Code blocks highlighted when a post is saved (Pygments), so reading needs no JavaScript.

Tokens become <span class="tok-..."> elements; the colours live in our own stylesheet
(blog/static/css/code.css, made by `stylesheet()`), for the light and the dark theme.
The sanitizer keeps exactly these classes on <span> and nothing more."""

from __future__ import annotations

import pygments
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES
from pygments.util import ClassNotFound

CLASS_PREFIX = "tok-"
TOKEN_CLASSES: frozenset[str] = frozenset(CLASS_PREFIX + name for name in STANDARD_TYPES.values() if name)
LIGHT_STYLE = "default"
DARK_STYLE = "github-dark"
# Info strings are written by authors; anything longer is not a language name.
LANGUAGE_MAX = 40
_FORMATTER = HtmlFormatter(nowrap=True, classprefix=CLASS_PREFIX)


def highlight_code(code: str, language: str) -> str:
    """The code as HTML spans for a known language; "" otherwise (the caller escapes it as is)."""
    language = language.strip().lower()
    if not language or len(language) > LANGUAGE_MAX:
        return ""
    try:
        lexer = get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return ""
    return pygments.highlight(code, lexer, _FORMATTER)


def stylesheet() -> str:
    """The contents of blog/static/css/code.css: token colours for the light and the dark theme."""
    light = "\n".join(_token_rules(LIGHT_STYLE))
    indented = "\n".join("  " + line for line in _token_rules(DARK_STYLE))
    return (
        "/* Code highlighting, made by blog.content.highlight.stylesheet(); do not edit by hand:\n"
        "   python -c \"from blog.content.highlight import stylesheet; print(stylesheet(), end='')\""
        " > blog/static/css/code.css */\n"
        "pre { background: #f6f8fa; color: #1f2328; border: 1px solid #dde3e8; }\n"
        f"{light}\n"
        "@media (prefers-color-scheme: dark) {\n"
        "  pre { background: #0d1117; color: #e6edf3; border-color: #30363d; }\n"
        f"{indented}\n"
        "}\n"
    )


def _token_rules(style: str) -> list[str]:
    """A style's colours for our token classes only (no backgrounds or line numbers: ours are above)."""
    css = HtmlFormatter(style=style, classprefix=CLASS_PREFIX).get_style_defs("pre")
    return [line for line in css.splitlines() if line.startswith(f"pre .{CLASS_PREFIX}")]

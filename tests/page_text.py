"""What a page says to a reader, for assertions about short words such as initials.

A page's HTML carries random text in attributes (the CSRF token, nonces) that can contain
any two capital letters, so `"AS" not in html` fails by chance. The text nodes of the page,
matched as whole words, cannot.
"""

from __future__ import annotations

import html as html_lib
import re

from django.utils.html import strip_tags


def page_text(html: str) -> str:
    """The page's text nodes, tags and attributes removed, entities decoded."""
    return html_lib.unescape(strip_tags(html))


def says_word(html: str, word: str) -> bool:
    """Whether the page's text shows `word` on its own (not inside a longer word)."""
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", page_text(html)) is not None

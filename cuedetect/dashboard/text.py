"""User text (trainee and scenario names, comments, file names) shown as text, never as markup.

Streamlit renders Markdown in titles, captions and messages: a name like `![x](http://host/b.png)` would
become an image the browser fetches. `md_text` backslash-escapes every ASCII punctuation character
(CommonMark allows that for all of them), which also stops links, autolinks (`http\\://`), emoji and icon
short codes (`:smile:`), LaTeX (`$`), HTML and entities (`&amp;`). GFM's autolinks still see `http://`,
`www.` and `a@b` through the escapes, so an invisible word joiner (U+2060) goes after those prefixes.
"""

from __future__ import annotations

import re
import string

_ESCAPE = {ord(c): "\\" + c for c in string.punctuation}
_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto|www|xmpp)(?=\\[:.])|(?<=\\@)")
WORD_JOINER = "\u2060"


def md_text(value: object, limit: int = 200) -> str:
    """`value` as Markdown that shows exactly its characters (one line, at most `limit` characters)."""
    text = " ".join(str(value if value is not None else "").split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _AUTOLINK.sub(lambda m: (m.group(1) or "") + WORD_JOINER, text.translate(_ESCAPE))

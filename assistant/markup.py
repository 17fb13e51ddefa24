"""Text from documents and from models is shown as Markdown (chat, exports): make it inert but readable.

Nothing in it may be fetched or run by the viewer: no Markdown image or inline link (`](` becomes `] (`, `![`
becomes `! [`), and no HTML tag (`<` before a letter, `/`, `!` or `?` becomes `‹`). One pass, idempotent.
"""

from __future__ import annotations

import re

_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")


def defuse_markup(text: str) -> str:
    """`![x](https://…)`, `[x](javascript:…)`, `<img src=…>`, `<script>` → plain text that renders as itself."""
    if not text:
        return text
    return _TAG_START.sub("‹", text.replace("](", "] (").replace("![", "! ["))

"""Render the report's sections into one self-contained, escaped HTML page.

The page is rendered by Jinja2 with ``autoescape=True``: every string from a block is escaped,
so a document whose text is ``<script>alert(1)</script>`` shows as that text. The style sheet
and script are inlined; images are base64 ``data:`` URIs; a Content-Security-Policy meta tag
forbids any network load, so the file opens by double-click and fetches nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import jinja2
import pandas as pd
from markupsafe import Markup

from pipeline.report.blocks import Concordance, Section
from pipeline.report.template import CSS, PAGE, SCRIPT

__all__ = ["concordance_block", "escape_json_for_html", "render_html"]

CONCORDANCE_COLUMNS = ("query", "doc_id", "doc_type", "left", "node", "right")


def escape_json_for_html(data: Any) -> Markup:
    """Serialise ``data`` as JSON that is safe inside an HTML ``<script>`` data block.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e`` and ``\\u0026`` (the escaping OWASP
    recommends for JSON embedded in HTML), so ``</script>`` or ``<!--`` in a string cannot end
    the block; ``JSON.parse`` returns the original strings.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def concordance_block(
    concordance: pd.DataFrame, *, max_lines: int, display_limit: int, source: str | None
) -> Concordance:
    """Embed up to ``max_lines`` KWIC lines (in table order) for the client-side browser.

    Args:
        concordance: Rows with ``left``, ``node``, ``right`` and optionally ``query``,
            ``doc_id``, ``doc_type``; absent columns are sent as empty strings.
        max_lines: How many lines to embed in the page.
        display_limit: How many matching lines the browser draws at once.
        source: The file holding the full table.
    """
    head = concordance.head(max_lines)
    rows = []
    for column in CONCORDANCE_COLUMNS:
        if column in head.columns:
            values = head[column].astype(object).where(head[column].notna(), "")
            rows.append([str(v) for v in values])
        else:
            rows.append([""] * len(head))
    payload = {
        "columns": list(CONCORDANCE_COLUMNS),
        "limit": display_limit,
        "rows": [list(r) for r in zip(*rows, strict=True)] if rows and len(head) else [],
    }
    return Concordance(
        json=escape_json_for_html(payload), embedded=len(head), total_rows=len(concordance), source=source
    )


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_html(
    sections: Sequence[Section],
    *,
    title: str,
    subtitle: str,
    footer: str,
    extra: Mapping[str, Any] | None = None,
) -> str:
    """Render ``sections`` into the report page (a complete HTML document as text).

    Args:
        sections: The sections in order; each gets an entry in the table of contents.
        title: The page title and main heading.
        subtitle: One line under the title.
        footer: The footer text.
        extra: Further template variables (none are needed by the default page).
    """
    template = _environment().from_string(PAGE)
    return template.render(
        sections=list(sections),
        title=title,
        subtitle=subtitle,
        footer=footer,
        css=Markup(CSS),
        script=Markup(SCRIPT),
        **dict(extra or {}),
    )

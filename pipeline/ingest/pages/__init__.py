"""Segmenting scraped web pages saved as plain text into documents.

A scraped page mixes the writing we study with site furniture (menus, counters, comment
prompts, newsletter boxes, ad-slot dumps) and often holds several documents at once: a listing
of teasers, a blog post with its comments, a listing of paper abstracts. ``segment_page`` reads
the page line by line, drops the furniture (``FURNITURE``, a table of generic patterns, each line
dropped is counted and kept for audit), collapses verbatim repeated paragraphs, recognises the
page's shape from line shapes (date lines, ``#123456 Name`` comment headers, ``N years N months
ago`` stamps, ``Venue, 2011`` citation lines, "About the author" blocks, ``...`` endings) and
returns one ``PageRecord`` per document.

The shapes of common CMSs are recognised too: WordPress ("Posted on March 3, 2019 by Jane
Smith", "N thoughts on “Title”", "Jane says:" over "March 4, 2019 at 9:12 am", "Leave a Reply"
forms, "Categories:"/"Tags:" lines to ``meta``), Disqus ("Name • 6 years ago", "Reply • Share
›"), phpBB-style forums ("Post by name » Tue Mar 05, 2019 9:14 pm", "Re: Title" replies,
"Posts:"/"Joined:" profile boxes), Medium ("6 min read · Apr 2, 2021", "Responses (2)"),
journal contents and PubMed listings (title, "Smith J, Jones K." authors line, "J Nurs Manag.
2020 Jan;28(1):12-20." citation, ``doi:``/``PMID:`` lines to ``meta``), and the furniture of
news and organisation sites (cookie banners, share buttons, copyright and legal footers,
breadcrumbs, "Related articles" asides kept apart as ``web_page`` records). Heading lines
above a page's title (site name, menu entries) go to ``meta["page_heading"]``. A long stretch
of running text makes an article, never a teaser listing of its own paragraphs.

Nothing is silently lost: every non-blank line that is not furniture ends up in a record, in its
``text`` or in one of its metadata fields; a page of an unknown shape becomes one ``web_page``.
The recognisers look at the shape of lines, never at file names or known sentences.
"""

from pipeline.ingest.dates import parse_date_line
from pipeline.ingest.pages.furniture import FURNITURE, FurniturePattern
from pipeline.ingest.pages.segment import Segmentation, lost_lines, segment_page
from pipeline.ingest.records import PageRecord

__all__ = [
    "FURNITURE",
    "FurniturePattern",
    "PageRecord",
    "Segmentation",
    "lost_lines",
    "parse_date_line",
    "segment_page",
]

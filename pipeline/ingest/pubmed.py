"""Read PubMed efetch XML (``PubmedArticleSet``): one ``abstract`` record per article.

The format is NLM's PubMed DTD (https://dtd.nlm.nih.gov/ncbi/pubmed/doc/out/250101/), as
returned by ``efetch.fcgi?db=pubmed&rettype=abstract&retmode=xml`` and in the annual baseline
files. Every ``PubmedArticle`` and ``PubmedBookArticle`` child of the root is an entry, numbered
from 1 in file order; a record's ``position`` is its entry number minus one. Other children
(``DeleteCitation``) list deleted PMIDs and carry no text, so they are not entries.

Structured abstracts keep their section labels ("BACKGROUND: ...\\n\\nMETHODS: ..."), and inline
markup (``<i>``, ``<sup>``, ``<sub>``, ``<b>``) is kept as its text.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from pipeline.ingest.dates import date_from_fields
from pipeline.ingest.records import NO_OPTIONS, ReadOptions, Record, Rejected, abstract_record
from pipeline.ingest.xmlsafe import xml_root

__all__ = ["read_pubmed"]

logger = logging.getLogger(__name__)


def _text(element: etree._Element | None) -> str | None:
    """All the text inside ``element`` (inline markup kept as text), whitespace-collapsed."""
    if element is None:
        return None
    joined = " ".join("".join(element.itertext()).split())
    return joined or None


def _pub_date(date: etree._Element | None) -> tuple[str | None, int | None, str | None]:
    """(ISO date, year, raw MedlineDate) from a ``PubDate``/``ArticleDate`` element.

    ``Year``/``Month``/``Day`` give ``YYYY-MM-DD`` (or ``YYYY-MM``, ``YYYY``); a free-text
    ``MedlineDate`` such as "2019 Nov-Dec" gives its leading year only.
    """
    if date is None:
        return None, None, None
    year_text = _text(date.find("Year"))
    if year_text and year_text[:4].isdecimal():
        year = year_text[:4]
        return date_from_fields(year, _text(date.find("Month")), _text(date.find("Day"))), int(year), None
    medline = _text(date.find("MedlineDate"))
    if medline and medline[:4].isdecimal():
        return medline[:4], int(medline[:4]), medline
    return None, None, medline


def _author_name(author: etree._Element) -> str | None:
    """``Last FM`` (initials) for a person, the name itself for a ``CollectiveName``."""
    collective = _text(author.find("CollectiveName"))
    if collective:
        return collective
    last = _text(author.find("LastName"))
    first = _text(author.find("Initials")) or _text(author.find("ForeName"))
    if last and first:
        return f"{last} {first}"
    return last or first


def _abstract(abstract: etree._Element | None) -> str | None:
    """Abstract text; each labelled section as ``LABEL: text``, sections joined by a blank line."""
    if abstract is None:
        return None
    sections = []
    for part in abstract.findall("AbstractText"):
        body = _text(part)
        if not body:
            continue
        label = (part.get("Label") or "").strip()
        sections.append(f"{label}: {body}" if label else body)
    return "\n\n".join(sections) or None


def _ids(article: etree._Element) -> dict[str, str]:
    ids: dict[str, str] = {}
    for node in article.iterfind("*/ArticleIdList/ArticleId"):
        kind, value = node.get("IdType"), _text(node)
        if kind and value and kind not in ids:
            ids[kind] = value
    for node in article.iterfind(".//ELocationID"):
        kind, value = node.get("EIdType"), _text(node)
        if kind and value and kind not in ids:
            ids[kind] = value
    return ids


def read_pubmed(data: bytes | Path, *, source: str, options: ReadOptions = NO_OPTIONS) -> Iterator[Record | Rejected]:
    """Read the abstracts of a PubMed efetch XML file.

    Each article with an abstract becomes an ``abstract`` record: key the PMID; title the
    ``ArticleTitle`` (a book's ``BookTitle`` when it has none); author the authors as
    ``Last FM`` joined by "; " (also a list in ``meta['authors']``); venue the journal's
    ``Title`` (a book's title); date and year from ``JournalIssue/PubDate`` (``Year``,
    ``Month``, ``Day``, or the year of a ``MedlineDate``), else ``ArticleDate``; ``doi``,
    ``pmc``, ``keywords``, ``mesh``, ``publication_types`` and ``language`` in ``meta``. An
    article without abstract text is rejected as ``no_text`` (its PMID in the detail).

    Args:
        data: The efetch XML (or the file, see ``source_bytes``).
        source: Its path relative to the corpus root.
        options: Not used.

    Yields:
        A Record or a Rejected per article, in file order, or one Rejected (record None) for
        the whole file when it is unsafe, malformed, not PubMed XML or has no articles.
    """
    root = xml_root(data, source=source)
    if isinstance(root, Rejected):
        yield root
        return
    if root.tag not in ("PubmedArticleSet", "PubmedArticle", "PubmedBookArticle"):
        yield Rejected(source, None, "not_pubmed", f"root element <{root.tag}> is not PubMed XML")
        return
    articles = [root] if root.tag != "PubmedArticleSet" else list(root)
    number = 0
    for article in articles:
        if article.tag not in ("PubmedArticle", "PubmedBookArticle"):
            continue
        number += 1
        try:
            if article.tag == "PubmedArticle":
                yield _journal_article(article, number, source)
            else:
                yield _book_article(article, number, source)
        except Exception as exc:  # a reader never raises for bad content
            logger.warning("%s: article %d: %s", source, number, exc)
            yield Rejected(source, number, "malformed_entry", f"{type(exc).__name__}: {exc}")
    if number == 0:
        yield Rejected(source, None, "no_entries", "no PubmedArticle or PubmedBookArticle")


def _authors(parent: etree._Element) -> list[str]:
    """The named authors of ``parent``'s ``AuthorList``, in order."""
    names = (_author_name(author) for author in parent.iterfind("AuthorList/Author"))
    return [name for name in names if name]


def _common_meta(article: etree._Element, citation: etree._Element) -> dict[str, object]:
    meta: dict[str, object] = {}
    ids = _ids(article)
    if "doi" in ids:
        meta["doi"] = ids["doi"]
    if "pmc" in ids:
        meta["pmc"] = ids["pmc"]
    keywords = [k for k in (_text(n) for n in citation.iterfind("KeywordList/Keyword")) if k]
    if keywords:
        meta["keywords"] = keywords
    mesh = [m for m in (_text(n) for n in citation.iterfind("MeshHeadingList/MeshHeading/DescriptorName")) if m]
    if mesh:
        meta["mesh"] = mesh
    return meta


def _finish(
    *,
    source: str,
    number: int,
    pmid: str | None,
    text: str | None,
    title: str | None,
    authors: list[str],
    venue: str | None,
    date: tuple[str | None, int | None, str | None],
    meta: dict[str, object],
    kind: str,
) -> Record | Rejected:
    if not text:
        return Rejected(source, number, "no_text", f"PMID {pmid or '?'}: {kind} has no abstract")
    iso, year, medline = date
    if medline:
        meta["medline_date"] = medline
    return abstract_record(
        source=source,
        number=number,
        text=text,
        key=pmid,
        title=title,
        authors=authors,
        venue=venue,
        date=iso,
        year=year,
        meta=meta,
    )


def _journal_article(article: etree._Element, number: int, source: str) -> Record | Rejected:
    citation = article.find("MedlineCitation")
    if citation is None:
        return Rejected(source, number, "malformed_entry", "PubmedArticle without MedlineCitation")
    pmid = _text(citation.find("PMID"))
    body = citation.find("Article")
    if body is None:
        return Rejected(source, number, "malformed_entry", f"PMID {pmid or '?'}: no Article")
    authors = _authors(body)
    date = _pub_date(body.find("Journal/JournalIssue/PubDate"))
    if date[0] is None:
        date = _pub_date(body.find("ArticleDate"))
    meta = _common_meta(article, citation)
    types = [t for t in (_text(n) for n in body.iterfind("PublicationTypeList/PublicationType")) if t]
    if types:
        meta["publication_types"] = types
    language = _text(body.find("Language"))
    if language:
        meta["language"] = language
    return _finish(
        source=source,
        number=number,
        pmid=pmid,
        text=_abstract(body.find("Abstract")),
        title=_text(body.find("ArticleTitle")) or _text(body.find("VernacularTitle")),
        authors=authors,
        venue=(_text(body.find("Journal/Title")) or _text(citation.find("MedlineJournalInfo/MedlineTA"))),
        date=date,
        meta=meta,
        kind="article",
    )


def _book_article(article: etree._Element, number: int, source: str) -> Record | Rejected:
    document = article.find("BookDocument")
    if document is None:
        return Rejected(source, number, "malformed_entry", "PubmedBookArticle without BookDocument")
    pmid = _text(document.find("PMID"))
    book_title = _text(document.find("Book/BookTitle"))
    authors = _authors(document)
    meta = _common_meta(article, document)
    publisher = _text(document.find("Book/Publisher/PublisherName"))
    if publisher:
        meta["publisher"] = publisher
    return _finish(
        source=source,
        number=number,
        pmid=pmid,
        text=_abstract(document.find("Abstract")),
        title=_text(document.find("ArticleTitle")) or book_title,
        authors=authors,
        venue=book_title,
        date=_pub_date(document.find("Book/PubDate")),
        meta=meta,
        kind="book article",
    )

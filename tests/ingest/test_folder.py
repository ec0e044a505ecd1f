"""Tests for pipeline.ingest.folder: text/Markdown pages (via the segmenter) and HTML pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pipeline.ingest.folder import html_main_text, markdown_to_text, read_html, read_page
from pipeline.ingest.records import Record

FIXTURES = Path(__file__).parent.parent / "fixtures" / "folder"


def test_html_article_without_navigation_ads_or_footer() -> None:
    (record,) = read_html((FIXTURES / "article.html").read_bytes(), source="article.html")
    assert isinstance(record, Record)
    assert (record.source, record.position, record.doc_type) == ("article.html", 0, "article")
    assert (record.title, record.author, record.date) == ("Why clinicians should lead", "Jane Smith", "2013-04-22")
    paragraphs = record.text.split("\n\n")
    assert paragraphs == [
        "Clinicians see every day where the system fails patients. When doctors and nurses take on "
        "leadership roles, they bring that knowledge into the boardroom and change what the "
        "organisation pays attention to.",
        "Management keeps the hospital running: budgets, rotas, contracts and estates. Leadership "
        "sets the direction and persuades people to follow it. The two are different jobs, but the "
        "best clinical leaders learn to do both well.",
        "Our survey of two hundred consultants found that most had no formal training in "
        "leadership, yet half of them held a management post. Training programmes should start "
        "early, in medical school, and continue throughout a career.",
    ]
    for furniture in ("Home", "About us", "Subscribe", "insurance", "Related posts", "Ten tips",
                      "Copyright", "Privacy policy", "Cookie"):  # fmt: skip
        assert furniture not in record.text


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        ('<meta property="og:type" content="article">', "<div>{p}</div>", "article"),
        ('<meta property="og:type" content="blog">', "<div>{p}</div>", "blog_post"),
        ("", "<article>{p}</article>", "article"),
        ('<meta property="og:type" content="website">', "<div>{p}</div>", "web_page"),
    ],
)
def test_html_doc_type(head: str, body: str, expected: str) -> None:
    paragraph = "<p>" + "Clinical leadership matters to patients and to staff alike. " * 8 + "</p>"
    html = f"<html><head><title>T</title>{head}</head><body>{body.format(p=paragraph)}</body></html>"
    (record,) = read_html(html.encode("utf-8"), source="p.html")
    assert record.doc_type == expected


def test_html_without_main_text_gives_a_record_without_text() -> None:
    (record,) = read_html(b"<html><body><script>var a = 1;</script><img src=a.png></body></html>", source="e.html")
    assert record.text is None


def test_html_main_text_rejects_unknown_mode() -> None:
    with pytest.raises(ValueError, match="unknown HTML extraction mode"):
        html_main_text("<html></html>", mode="fast")


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("# Title\n\nText", "Title\n\nText"),
        ("Title\n=====\n\nText", "Title\n\nText"),
        ("Some *emphasis* and **strong** and __also__ words", "Some emphasis and strong and also words"),
        ("A [link](https://example.org/a_(b)) here", "A link here"),
        ("An ![image](x.png) and a [ref][1]\n[1]: https://example.org", "An image and a ref\n"),
        ("> quoted wisdom", "quoted wisdom"),
        ("- item one\n- item two", "- item one\n- item two"),
        ("before\n\n---\n\nafter", "before\n\n\n\nafter"),
        ("```\ncode *stays*\n```", "code *stays*"),
        ("use `pip install` then <b>bold</b>", "use pip install then bold"),
        ("2 * 3 * 4 = 24", "2 * 3 * 4 = 24"),
    ],
)
def test_markdown_to_text(markdown: str, expected: str) -> None:
    assert markdown_to_text(markdown) == expected


@dataclass(frozen=True)
class FakePageRecord:
    doc_type: str
    text: str
    title: str | None = None
    author: str | None = None
    date: str | None = None
    parent: int | None = None
    truncated: bool = False
    meta: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FakeSegmentation:
    records: tuple[FakePageRecord, ...]
    boilerplate_lines: int
    duplicate_paragraphs: int
    page_type: str


def fake_segmenter(text: str) -> FakeSegmentation:
    """Post = first paragraph, one comment per further paragraph (a stand-in for segment_page)."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    records = [FakePageRecord("blog_post", paragraphs[0], title="Post", date="2012-05-14")]
    records += [FakePageRecord("comment", p, parent=0, meta={"n": str(i)}) for i, p in enumerate(paragraphs[1:])]
    return FakeSegmentation(tuple(records), boilerplate_lines=3, duplicate_paragraphs=1, page_type="blog")


def test_read_page_maps_segmenter_records() -> None:
    data = "Leaders listen.\n\nI agree.\n\nI don’t.".encode("cp1252")
    page = read_page(data, source="blog/post.txt", segmenter=fake_segmenter)
    assert (page.boilerplate_lines, page.duplicate_paragraphs, page.page_type) == (3, 1, "blog")
    assert [(r.position, r.doc_type, r.text, r.parent_key, r.meta) for r in page.items] == [
        (0, "blog_post", "Leaders listen.", None, {}),
        (1, "comment", "I agree.", "0", {"n": "0"}),
        (2, "comment", "I don’t.", "0", {"n": "1"}),
    ]
    assert page.items[0].date == "2012-05-14" and page.items[0].title == "Post"
    assert all(r.source == "blog/post.txt" for r in page.items)


def test_read_page_strips_markdown_for_md_sources() -> None:
    page = read_page(b"# Heading\n\nSome **bold** text.", source="notes.md", segmenter=fake_segmenter)
    assert [r.text for r in page.items] == ["Heading", "Some bold text."]


def test_read_page_with_the_real_segmenter_decodes_windows_1252() -> None:
    text = "Café culture and the manager’s “quiet” leadership — a reflection on naïve ideas.\n"
    page = read_page(text.encode("cp1252"), source="w.txt")
    assert any("manager’s “quiet” leadership" in r.text and "Café" in r.text for r in page.items)

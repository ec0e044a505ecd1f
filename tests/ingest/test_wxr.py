"""Tests for pipeline.ingest.wxr: WordPress exports, their pages and threaded comments."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from pipeline.ingest.records import Record, Rejected
from pipeline.ingest.wxr import read_wxr

FIXTURES = Path(__file__).parents[1] / "fixtures" / "formats"
# tmp_path is reused across examples: each example overwrites the one file it writes.
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
EXPORT = FIXTURES / "wordpress-export.xml"
SOURCE = "blogs/wordpress-export.xml"
BLOG = "Ward Rounds: Notes on Clinical Leadership"

EXPECTED = [
    Record(
        source=SOURCE,
        position=0,
        text=(
            "Most ward managers I meet were promoted because they were excellent clinicians. "
            "Nobody then told them that running a rota is management, and that setting the tone "
            "of a ward is leadership.\n\nTrust boards talk about distributed leadership & "
            "compassionate leadership, yet the job description still lists budgets, sickness "
            "returns and audit compliance."
        ),
        key="101",
        doc_type="blog_post",
        title="Why ward managers need permission to lead",
        author="Amelia Okafor",
        venue=BLOG,
        date="2025-02-03",
        year=2025,
        meta={
            "post_type": "post",
            "status": "publish",
            "categories": ["Leadership"],
            "tags": ["nursing", "ward management"],
            "author_login": "amelia.okafor",
            "link": "https://wardrounds.example.org/2025/02/03/permission-to-lead/",
        },
    ),
    Record(
        source=SOURCE,
        position=1,
        text=(
            "This rings true. My first year as a band 7 was all spreadsheets.\n\n"
            "Nobody asked what kind of ward I wanted to build."
        ),
        key="101-c11",
        doc_type="comment",
        author="Priya S.",
        date="2025-02-03",
        year=2025,
        parent_key="101",
        meta={"author_url": "https://priya.example.net"},
    ),
    Record(
        source=SOURCE,
        position=2,
        text="Thank you, Priya. Did anyone mentor you through it?",
        key="101-c12",
        doc_type="comment",
        author="Amelia Okafor",
        date="2025-02-03",
        year=2025,
        parent_key="101-c11",
    ),
    Record(
        source=SOURCE,
        position=3,
        text="A matron did, informally. It made all the difference.",
        key="101-c13",
        doc_type="comment",
        author="Priya S.",
        date="2025-02-04",
        year=2025,
        parent_key="101-c12",
        meta={"author_url": "https://priya.example.net"},
    ),
    Rejected(SOURCE, 5, "comment_not_approved", "comment 101-c14: approved=0"),
    Record(
        source=SOURCE,
        position=5,
        text=(
            "Cost improvement plans are a management task: they need accurate forecasts and firm "
            "controls.\n\nLeading a team through one is different. Staff want to know why, and "
            "whether patient safety will be protected.\n\nExplain the reason for the savings."
            "\n\nAsk the team where waste really is."
        ),
        key="102",
        doc_type="blog_post",
        title="Managing the budget is not the same as leading the team",
        author="Rhys Llewellyn",
        venue=BLOG,
        # post_date_gmt is WordPress's zero date, so the local post_date is used
        date="2025-03-10",
        year=2025,
        meta={
            "post_type": "post",
            "status": "publish",
            "categories": ["Management"],
            "author_login": "rhys",
            "link": "https://wardrounds.example.org/2025/03/10/budget-not-leadership/",
            "excerpt": "Budgets are managed; people are led.",
        },
    ),
    Record(
        source=SOURCE,
        position=6,
        text=(
            "Who writes here\n\nWard Rounds is written by nurses and allied health professionals "
            "who have moved into management roles in the NHS."
        ),
        key="2",
        doc_type="web_page",
        title="About this blog",
        author="Amelia Okafor",
        venue=BLOG,
        date="2025-01-15",
        year=2025,
        meta={
            "post_type": "page",
            "status": "publish",
            "author_login": "amelia.okafor",
            "link": "https://wardrounds.example.org/about/",
        },
    ),
    Rejected(SOURCE, 8, "not_content", "item 103 (team-huddle-photo): post_type attachment"),
]


def test_read_wxr_fixture_exactly() -> None:
    assert list(read_wxr(EXPORT, source=SOURCE)) == EXPECTED


@pytest.mark.parametrize(
    ("key", "parent_key"),
    [
        ("101-c11", "101"),  # top-level comment -> the post
        ("101-c12", "101-c11"),  # reply -> the comment
        ("101-c13", "101-c12"),  # reply to a reply
    ],
)
def test_comment_threading(key: str, parent_key: str) -> None:
    records = {r.key: r for r in read_wxr(EXPORT, source=SOURCE) if isinstance(r, Record)}
    assert records[key].parent_key == parent_key
    assert records[parent_key].key == parent_key


def test_records_plus_rejected_equal_items_plus_comments() -> None:
    root = etree.parse(str(EXPORT)).getroot()
    wp = "{http://wordpress.org/export/1.2/}"
    entries = len(root.findall("channel/item")) + len(root.findall(f"channel/item/{wp}comment"))
    items = list(read_wxr(EXPORT, source=SOURCE))
    assert entries == 8
    assert len(items) == entries
    numbers = [i.position + 1 if isinstance(i, Record) else i.record for i in items]
    assert numbers == list(range(1, entries + 1))


def _export(items: str) -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0" xmlns:wp="http://wordpress.org/export/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>B</title>'
        f"{items}</channel></rss>"
    ).encode()


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        # a 1.1 export, status draft -> not_published, its comment -> parent_not_content
        (
            "<item><title>T</title><wp:post_id>7</wp:post_id><wp:status>draft</wp:status>"
            "<wp:post_type>post</wp:post_type><content:encoded>Hi</content:encoded>"
            "<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_approved>1"
            "</wp:comment_approved><wp:comment_content>Yes</wp:comment_content></wp:comment>"
            "</item>",
            [("not_published", 1), ("parent_not_content", 2)],
        ),
        # empty post -> no_text; spam and pingback comments are rejected too
        (
            "<item><title>T</title><wp:post_id>8</wp:post_id><wp:post_type>post</wp:post_type>"
            "<content:encoded></content:encoded>"
            "<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_approved>spam"
            "</wp:comment_approved><wp:comment_content>Buy</wp:comment_content></wp:comment>"
            "<wp:comment><wp:comment_id>2</wp:comment_id><wp:comment_approved>1"
            "</wp:comment_approved><wp:comment_type>pingback</wp:comment_type>"
            "<wp:comment_content>Linked</wp:comment_content></wp:comment></item>",
            [("no_text", 1), ("comment_not_approved", 2), ("not_content", 3)],
        ),
        ("", [("no_entries", None)]),
    ],
)
def test_read_wxr_rejections(tmp_path: Path, items: str, expected: list) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(_export(items))
    got = list(read_wxr(path, source="export.xml"))
    assert all(isinstance(item, Rejected) for item in got)
    assert [(item.reason, item.record) for item in got] == expected


def test_read_wxr_pubdate_fallback(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(
        _export(
            "<item><title>T</title><pubDate>Tue, 05 Mar 2024 09:12:00 +0000</pubDate>"
            "<wp:post_id>9</wp:post_id><content:encoded>&lt;p&gt;Leading well&lt;/p&gt;"
            "</content:encoded></item>"
        )
    )
    (record,) = read_wxr(path, source="export.xml")
    got = (record.key, record.date, record.year, record.text)
    assert got == ("9", "2024-03-05", 2024, "Leading well")


def test_read_wxr_rejects_a_non_rss_document(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_bytes(b"<html><body/></html>")
    assert [(r.reason, r.record) for r in read_wxr(path, source="other.xml")] == [("not_wxr", None)]


@settings(FUZZ, max_examples=150)
@given(st.binary(max_size=600))
def test_read_wxr_never_raises_on_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "random.xml"
    path.write_bytes(data)
    assert all(isinstance(item, Record | Rejected) for item in read_wxr(path, source="r.xml"))


_FIELD = st.sampled_from(
    [
        "<wp:post_id>1</wp:post_id>", "<wp:post_type>post</wp:post_type>",
        "<wp:post_type>attachment</wp:post_type>", "<wp:status>trash</wp:status>",
        "<content:encoded>&lt;p&gt;x&lt;/p&gt;</content:encoded>", "<title>t</title>",
        "<wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt>", "<pubDate>junk</pubDate>",
        "<wp:comment><wp:comment_approved>1</wp:comment_approved>"
        "<wp:comment_content>c</wp:comment_content><wp:comment_parent>3</wp:comment_parent>"
        "</wp:comment>",
        "<wp:comment/>", "<dc:creator>a</dc:creator>", "<category domain='post_tag'>k</category>",
    ]
)  # fmt: skip


@settings(FUZZ, max_examples=150)
@given(st.lists(st.lists(_FIELD, max_size=6), max_size=4))
def test_read_wxr_counts_every_entry(tmp_path: Path, items: list[list[str]]) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(_export("".join("<item>" + "".join(fields) + "</item>" for fields in items)))
    got = list(read_wxr(path, source="e.xml"))
    comments = sum(field.startswith("<wp:comment") for fields in items for field in fields)
    if items:
        assert len(got) == len(items) + comments
    else:
        assert [g.reason for g in got] == ["no_entries"]

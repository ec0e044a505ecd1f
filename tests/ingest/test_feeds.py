"""Tests for pipeline.ingest.feeds: RSS 2.0 and Atom entries."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.ingest.feeds import read_feed
from pipeline.ingest.records import Record, Rejected

FIXTURES = Path(__file__).parents[1] / "fixtures" / "formats"
# tmp_path is reused across examples: each example overwrites the one file it writes.
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
RSS_VENUE = "Health Leadership Review \u2013 News"

EXPECTED = {
    "nhs-leadership-rss.xml": [
        Record(
            source="nhs-leadership-rss.xml",
            position=0,
            text=(
                "A survey of 412 clinical directors in English trusts found that most spend under "
                "two hours a week on leadership work.\n\n\u201cWe are managed by targets, but "
                "nobody gives us time to lead,\u201d one respondent wrote."
            ),
            key="hlr-2025-0412",
            doc_type="article",
            title="Clinical directors ask for protected time to lead",
            author="Fiona McLeod",
            venue=RSS_VENUE,
            date="2025-04-08",  # 07:30 +0100 is 06:30 UTC, still the 8th
            year=2025,
            meta={
                "link": "https://healthleadership.example.com/news/protected-time",
                "categories": ["Clinical leadership", "Workforce"],
            },
        ),
        Record(
            source="nhs-leadership-rss.xml",
            position=1,
            text=(
                "The national board development programme for non-executive directors opens next "
                "month. It covers governance, strategy and system leadership across integrated "
                "care boards [\u2026]"
            ),
            key="https://healthleadership.example.com/news/board-development",
            doc_type="article",
            title="Board development programme opens for applications",
            author="Sam Adeyemi",
            venue=RSS_VENUE,
            date="2025-04-03",
            year=2025,
            truncated=True,
            meta={"link": "https://healthleadership.example.com/news/board-development"},
        ),
        Rejected(
            "nhs-leadership-rss.xml",
            3,
            "no_text",
            "entry https://healthleadership.example.com/podcast/12: no content or summary",
        ),
    ],
    "care-quality-atom.xml": [
        Record(
            source="care-quality-atom.xml",
            position=0,
            text=(
                "Inspection reports keep asking whether care homes are well-led.\n\nFor a "
                "registered manager that means rotas, medicines audits and safeguarding referrals, "
                "and also setting a culture in which staff speak up."
            ),
            key="tag:carequality.example.net,2024:entry-57",
            doc_type="article",
            title="Registered managers are leaders & administrators",
            author="Dr Hannah Whitcombe",
            venue="Care Quality Matters",
            date="2024-11-18",
            year=2024,
            meta={
                "link": "https://carequality.example.net/2024/11/registered-managers",
                "categories": ["social care", "registered managers"],
            },
        ),
        Record(
            source="care-quality-atom.xml",
            position=1,
            text=("Three themes came up again and again: retention, digital skills and compassionate leadership."),
            key="tag:carequality.example.net,2024:entry-52",
            doc_type="article",
            title="Notes from the leadership summit",
            author="Tomasz Nowak",
            venue="Care Quality Matters",
            date="2024-10-02",  # no <published>: <updated> is used
            year=2024,
            meta={"link": "https://carequality.example.net/2024/10/summit-notes"},
        ),
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_read_feed_fixture_exactly(name: str) -> None:
    assert list(read_feed(FIXTURES / name, source=name)) == EXPECTED[name]


@pytest.mark.parametrize(
    ("name", "entries", "tag"),
    [("nhs-leadership-rss.xml", 3, b"<item>"), ("care-quality-atom.xml", 2, b"<entry>")],
)
def test_records_plus_rejected_equal_entries(name: str, entries: int, tag: bytes) -> None:
    assert (FIXTURES / name).read_bytes().count(tag) == entries
    assert len(list(read_feed(FIXTURES / name, source=name))) == entries


def test_read_feed_reads_a_broken_feed_loosely(tmp_path: Path) -> None:
    path = tmp_path / "broken.xml"
    path.write_bytes(
        b"<?xml version='1.0'?><rss version='2.0'><channel><title>B</title><item>"
        b"<title>Lead &nbsp; on</title><guid>g1</guid><description>Managers &amp; leaders"
        b"</description></item></channel>"
    )
    (record,) = read_feed(path, source="broken.xml")
    assert (record.key, record.text, record.title) == ("g1", "Managers & leaders", "Lead on")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<html><body><p>Not a feed</p></body></html>", "not_feed"),
        (b"<rss version='2.0'><channel><title>E</title></channel></rss>", "no_entries"),
        (b"\x00\x01\x02 garbage", "xml_malformed"),
    ],
)
def test_read_feed_whole_file_rejections(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(data)
    assert [(r.reason, r.record) for r in read_feed(path, source="feed.xml")] == [(reason, None)]


def test_read_feed_never_opens_its_bytes_as_a_file_name(tmp_path: Path) -> None:
    # feedparser.parse(bytes) would try open(bytes) first; the reader must pass a stream.
    target = tmp_path / "target.xml"
    target.write_bytes(
        b"<rss version='2.0'><channel><item><guid>leak</guid><description>LEAKED</description></item></channel></rss>"
    )
    path = tmp_path / "feed.xml"
    path.write_bytes(str(target).encode())
    items = list(read_feed(path, source="feed.xml"))
    assert "LEAKED" not in repr(items)
    assert [(r.reason, r.record) for r in items] == [("xml_malformed", None)]


@settings(FUZZ, max_examples=150)
@given(st.binary(max_size=600))
def test_read_feed_never_raises_on_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "random.xml"
    path.write_bytes(data)
    assert all(isinstance(item, Record | Rejected) for item in read_feed(path, source="r.xml"))


_ENTRY_PART = st.sampled_from(
    [
        "<title>t</title>", "<description>&lt;p&gt;text&lt;/p&gt;</description>",
        "<description></description>", "<guid>g</guid>", "<link>http://x.example/</link>",
        "<pubDate>not a date</pubDate>", "<pubDate>Tue, 05 Mar 2024 09:12:00 GMT</pubDate>",
        "<author>a@b.example (A B)</author>", "<category>c</category>",
    ]
)  # fmt: skip


@settings(FUZZ, max_examples=100)
@given(st.lists(st.lists(_ENTRY_PART, max_size=5), min_size=1, max_size=4))
def test_read_feed_counts_every_entry(tmp_path: Path, entries: list[list[str]]) -> None:
    body = "".join("<item>" + "".join(parts) + "</item>" for parts in entries)
    path = tmp_path / "feed.xml"
    path.write_text(f"<rss version='2.0'><channel><title>F</title>{body}</channel></rss>")
    got = list(read_feed(path, source="f.xml"))
    assert len(got) == len(entries)
    for number, item in enumerate(got, start=1):
        assert (item.position + 1 if isinstance(item, Record) else item.record) == number

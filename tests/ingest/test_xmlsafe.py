"""Tests for pipeline.ingest.xmlsafe: no entity is ever expanded or fetched."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest.feeds import read_feed
from pipeline.ingest.pubmed import read_pubmed
from pipeline.ingest.records import Rejected
from pipeline.ingest.wxr import read_wxr
from pipeline.ingest.xmlsafe import (
    MalformedXMLError,
    UnsafeXMLError,
    declares_entities,
    html_fragment_text,
    parse_xml,
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "formats"
XML_READERS = [read_wxr, read_feed, read_pubmed]


@pytest.mark.parametrize("name", ["billion-laughs.xml", "xxe.xml"])
def test_parse_xml_refuses_entity_declarations(name: str) -> None:
    # libxml2 stops the billion laughs itself (amplification limit) before the DTD check
    with pytest.raises(UnsafeXMLError, match="entit"):
        parse_xml((FIXTURES / name).read_bytes())


def test_parse_xml_never_loads_an_external_parameter_entity(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-MARKER-42", encoding="utf-8")
    data = (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % pe SYSTEM "{secret.as_uri()}"> %pe; ]><r>x</r>').encode()
    with pytest.raises(UnsafeXMLError) as caught:
        parse_xml(data)
    assert "SECRET-MARKER-42" not in str(caught.value)


def test_parse_xml_accepts_an_external_dtd_reference_without_loading_it() -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle//EN"'
        b' "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
        b"<PubmedArticleSet><PubmedArticle/></PubmedArticleSet>"
    )
    root = parse_xml(data)
    assert root.tag == "PubmedArticleSet"
    assert [child.tag for child in root] == ["PubmedArticle"]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", MalformedXMLError),
        (b"<rss><channel></rss>", MalformedXMLError),
        (b"<p>&nbsp;</p>", MalformedXMLError),
        (b"not xml at all", MalformedXMLError),
        # an entity declaration in a broken document is still refused as unsafe
        (b'<!DOCTYPE r [<!ENTITY a "b">]><r>&a;</x>', UnsafeXMLError),
    ],
)
def test_parse_xml_errors(data: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        parse_xml(data)


def test_parse_xml_reads_the_declared_encoding() -> None:
    data = '<?xml version="1.0" encoding="ISO-8859-1"?><t>Café</t>'.encode("latin-1")
    assert parse_xml(data).text == "Café"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'<!DOCTYPE r [<!ENTITY a "b">]><r/>', True),
        (b"<!doctype r [<! entity a 'b'>]><r/>", True),
        ('<!DOCTYPE r [<!ENTITY a "b">]><r/>'.encode("utf-16"), True),
        (b"<r>no entities, &amp; only predefined ones</r>", False),
    ],
)
def test_declares_entities(data: bytes, expected: bool) -> None:
    assert declares_entities(data) is expected


@pytest.mark.parametrize("reader", XML_READERS)
@pytest.mark.parametrize("name", ["billion-laughs.xml", "xxe.xml"])
def test_readers_reject_entity_attacks_whole_file(reader, name: str) -> None:
    items = list(reader(FIXTURES / name, source=name))
    assert len(items) == 1
    assert isinstance(items[0], Rejected)
    assert (items[0].source, items[0].record, items[0].reason) == (name, None, "xml_entity")
    shown = repr(items)
    assert "lollollol" not in shown
    passwd = Path("/etc/passwd")
    if passwd.exists():
        first_line = passwd.read_text(encoding="utf-8", errors="replace").splitlines()[0]
        assert first_line not in shown


@pytest.mark.parametrize("reader", XML_READERS)
def test_readers_reject_malformed_xml(reader, tmp_path: Path) -> None:
    path = tmp_path / "broken.xml"
    path.write_bytes(b"<?xml version='1.0'?><rss version='2.0'><channel><title>Cut off")
    items = list(reader(path, source="broken.xml"))
    assert items == [
        Rejected("broken.xml", None, "xml_malformed", items[0].detail),
    ]
    assert items[0].detail


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>One <b>bold</b> paragraph.</p><p>Two</p>", "One bold paragraph.\n\nTwo"),
        ("One\n\nTwo <em>x</em>\nsame paragraph", "One\n\nTwo x same paragraph"),
        (
            "<!-- wp:paragraph --><p>Hi&nbsp;there &amp; you</p><!-- /wp:paragraph -->"
            "<script>alert(1)</script><style>p{}</style>tail",
            "Hi there & you\n\ntail",
        ),
        ("<ul><li>Plan</li><li>Lead</li></ul>", "Plan\n\nLead"),
        ("a<br>b<br/>c", "a\n\nb\n\nc"),
        ("&lt;not a tag&gt;", "<not a tag>"),
        ("<html><body><h2>Title</h2><p>Body</p></body></html>", "Title\n\nBody"),
        ("", ""),
        ("   \n ", ""),
        # deeper than libxml2's limit (2048): the regex fallback keeps the text
        (
            "<div>" * 3000 + "deep &amp; down" + "</div>" * 3000 + "<script>x()</script>end",
            "deep & down\n\nend",
        ),
        ("<span>" * 1500 + "inline" + "</span>" * 1500, "inline"),
    ],
)
def test_html_fragment_text(markup: str, expected: str) -> None:
    assert html_fragment_text(markup) == expected


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_parse_xml_raises_only_its_own_errors(data: bytes) -> None:
    with contextlib.suppress(UnsafeXMLError, MalformedXMLError):
        parse_xml(data)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/&;#!-[]ap b=\"'\n\x00é")), max_size=200))
def test_html_fragment_text_never_raises(markup: str) -> None:
    text = html_fragment_text(markup)
    assert "\n\n\n" not in text
    assert text == text.strip()

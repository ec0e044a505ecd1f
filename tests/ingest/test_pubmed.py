"""Tests for pipeline.ingest.pubmed: efetch XML articles, labelled sections, inline markup."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.ingest.pubmed import read_pubmed
from pipeline.ingest.records import Record, Rejected

FIXTURES = Path(__file__).parents[1] / "fixtures" / "formats"
# tmp_path is reused across examples: each example overwrites the one file it writes.
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
EFETCH = FIXTURES / "pubmed-efetch.xml"
SOURCE = "pubmed/pubmed-efetch.xml"

EXPECTED = [
    Record(
        source=SOURCE,
        position=0,
        text=(
            "BACKGROUND: Nurse turnover is high in acute wards, and ward leadership is thought to "
            "influence whether staff stay.\n\n"
            "METHODS: We surveyed 1,204 nurses in 38 wards and interviewed 24 ward managers.\n\n"
            "RESULTS: Wards where leadership was shared among senior nurses had lower 12-month "
            "turnover (OR 0.71, 95% CI 0.58-0.87).\n\n"
            "CONCLUSIONS: Sharing leadership beyond the ward manager may help retain nurses."
        ),
        key="39990001",
        doc_type="abstract",
        title=("Distributed leadership and staff retention in acute hospital wards: a mixed-methods study."),
        author="Mensah AK; O'Neill C",
        venue="BMC health services research",
        date="2025-01-14",
        year=2025,
        meta={
            "doi": "10.1186/s12913-025-00001-x",
            "pmc": "PMC11700001",
            "keywords": ["Distributed leadership", "Retention"],
            "mesh": ["Leadership", "Nursing Staff, Hospital"],
            "publication_types": ["Journal Article"],
            "language": "eng",
            "authors": ["Mensah AK", "O'Neill C"],
        },
    ),
    Record(
        source=SOURCE,
        position=1,
        text=(
            "Clinical directors in Irish and Scottish hospitals described their work mostly in "
            "the language of management (budgets, targets, rotas), and used the word leadership "
            "when they spoke about culture. Fewer than 102 hours of formal training were "
            "reported in total."
        ),
        key="38880002",
        doc_type="abstract",
        title="Managers or leaders? How clinical directors describe their work.",
        author="Byrne S; Clinical Leadership Study Group",
        venue="Journal of health organization and management",
        date="2023",
        year=2023,
        meta={
            "language": "eng",
            "authors": ["Byrne S", "Clinical Leadership Study Group"],
            "medline_date": "2023 Nov-Dec",
        },
    ),
    Rejected(SOURCE, 3, "no_text", "PMID 37770003: article has no abstract"),
]


def test_read_pubmed_fixture_exactly() -> None:
    assert list(read_pubmed(EFETCH, source=SOURCE)) == EXPECTED


@pytest.mark.parametrize("label", ["BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS"])
def test_structured_abstract_keeps_its_labels(label: str) -> None:
    first = next(iter(read_pubmed(EFETCH, source=SOURCE)))
    paragraphs = first.text.split("\n\n")
    assert sum(p.startswith(f"{label}: ") for p in paragraphs) == 1


def test_records_plus_rejected_equal_articles() -> None:
    assert EFETCH.read_bytes().count(b"<PubmedArticle>") == 3
    assert len(list(read_pubmed(EFETCH, source=SOURCE))) == 3


def _article(date: str, *, abstract: str = "<AbstractText>Text.</AbstractText>") -> str:
    return (
        "<PubmedArticle><MedlineCitation><PMID>1</PMID><Article><Journal><JournalIssue>"
        f"<PubDate>{date}</PubDate></JournalIssue><Title>J</Title></Journal>"
        f"<ArticleTitle>T</ArticleTitle><Abstract>{abstract}</Abstract></Article>"
        "</MedlineCitation></PubmedArticle>"
    )


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("<Year>2020</Year><Month>03</Month><Day>5</Day>", ("2020-03-05", 2020)),
        ("<Year>2020</Year><Month>Dec</Month>", ("2020-12", 2020)),
        ("<Year>2020</Year><Season>Spring</Season>", ("2020", 2020)),
        ("<MedlineDate>1998 Dec-1999 Jan</MedlineDate>", ("1998", 1998)),
        ("<MedlineDate>Spring</MedlineDate>", (None, None)),
        ("", (None, None)),
    ],
)
def test_pub_dates(tmp_path: Path, date: str, expected: tuple) -> None:
    path = tmp_path / "a.xml"
    path.write_text(f"<PubmedArticleSet>{_article(date)}</PubmedArticleSet>")
    (record,) = read_pubmed(path, source="a.xml")
    assert (record.date, record.year) == expected


def test_book_article(tmp_path: Path) -> None:
    path = tmp_path / "book.xml"
    path.write_text(
        "<PubmedArticleSet><PubmedBookArticle><BookDocument><PMID>2</PMID>"
        "<Book><Publisher><PublisherName>NICE</PublisherName></Publisher>"
        "<BookTitle>Leadership in Care Homes</BookTitle><PubDate><Year>2021</Year></PubDate>"
        "</Book><AuthorList><Author><LastName>Khan</LastName><Initials>R</Initials></Author>"
        "</AuthorList><Abstract><AbstractText Label='SCOPE'>Guidance for managers.</AbstractText>"
        "</Abstract></BookDocument><PubmedBookData><ArticleIdList>"
        "<ArticleId IdType='doi'>10.1/book</ArticleId></ArticleIdList></PubmedBookData>"
        "</PubmedBookArticle><DeleteCitation><PMID>3</PMID></DeleteCitation></PubmedArticleSet>"
    )
    assert list(read_pubmed(path, source="book.xml")) == [
        Record(
            source="book.xml",
            position=0,
            text="SCOPE: Guidance for managers.",
            key="2",
            doc_type="abstract",
            title="Leadership in Care Homes",
            author="Khan R",
            venue="Leadership in Care Homes",
            date="2021",
            year=2021,
            meta={"doi": "10.1/book", "publisher": "NICE", "authors": ["Khan R"]},
        )
    ]


@pytest.mark.parametrize(
    ("xml", "expected"),
    [
        ("<PubmedArticleSet/>", [("no_entries", None)]),
        ("<eSearchResult/>", [("not_pubmed", None)]),
        (
            "<PubmedArticleSet><PubmedArticle/>" + _article("") + "</PubmedArticleSet>",
            [("malformed_entry", 1), ("record", 2)],
        ),
        (
            "<PubmedArticleSet>" + _article("", abstract="<AbstractText> </AbstractText>") + "</PubmedArticleSet>",
            [("no_text", 1)],
        ),
    ],
)
def test_read_pubmed_rejections(tmp_path: Path, xml: str, expected: list) -> None:
    path = tmp_path / "p.xml"
    path.write_text(xml)
    got = [
        ("record", r.position + 1) if isinstance(r, Record) else (r.reason, r.record)
        for r in read_pubmed(path, source="p.xml")
    ]
    assert got == expected


@settings(FUZZ, max_examples=150)
@given(st.binary(max_size=600))
def test_read_pubmed_never_raises_on_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "random.xml"
    path.write_bytes(data)
    assert all(isinstance(item, Record | Rejected) for item in read_pubmed(path, source="r.xml"))


_PART = st.sampled_from(
    [
        "<PMID>9</PMID>", "<Article/>", "<Article><Abstract><AbstractText Label='A'>x"
        "</AbstractText></Abstract></Article>", "<Article><AuthorList><Author/></AuthorList>"
        "<Abstract><AbstractText>y<i>z</i></AbstractText></Abstract></Article>",
        "<KeywordList><Keyword/></KeywordList>",
    ]
)  # fmt: skip


@settings(FUZZ, max_examples=100)
@given(st.lists(st.lists(_PART, max_size=4), min_size=1, max_size=4))
def test_read_pubmed_counts_every_article(tmp_path: Path, articles: list[list[str]]) -> None:
    body = "".join(
        "<PubmedArticle><MedlineCitation>" + "".join(parts) + "</MedlineCitation></PubmedArticle>" for parts in articles
    )
    path = tmp_path / "p.xml"
    path.write_text(f"<PubmedArticleSet>{body}</PubmedArticleSet>")
    got = list(read_pubmed(path, source="p.xml"))
    assert len(got) == len(articles)

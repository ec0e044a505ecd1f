"""Tests for pipeline.ingest.pages: segmenting scraped pages into documents."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.ingest.pages import (
    FURNITURE,
    PageRecord,
    Segmentation,
    lost_lines,
    parse_date_line,
    segment_page,
)

SEED = Path(__file__).resolve().parents[2] / "data" / "raw" / "seed"

SEED_FILES = {
    "listing": "000_52b2635c031d8ea3.txt",
    "post_bio": "001_d87d15047798da46.txt",
    "abstracts": "002_577ae937c23835ef.txt",
    "info": "003_11c207a7f35711fa.txt",
    "post_comments": "004_6b84d85318654c2e.txt",
}

# Strings that are site furniture on the seed pages and must not survive in any text.
FURNITURE_STRINGS = (
    "Authenticated user menu",
    "Number of comments",
    "Total views",
    "Register to add a comment",
    "Add new comment",
    "Keep up to date",
    "Subscribe to our email newsletters",
    "Array (",
    "=> sitewide",
    "About the author",
    "[Biography supplied by the author]",
    "'s picture",
    "Guest blog",
    "(original)",
    "(raw)",
)


def _seed(name: str) -> Segmentation:
    return segment_page((SEED / SEED_FILES[name]).read_text(encoding="utf-8"))


# --- the seed pages ---------------------------------------------------------------------------

SEED_SUMMARY = [
    # name, page_type, doc types in order, boilerplate lines, duplicate paragraphs
    ("listing", "teaser_listing", ["teaser"] * 12, 4, 1),
    ("post_bio", "blog_post", ["blog_post", "comment", "comment"], 13, 0),
    ("abstracts", "abstract_listing", ["abstract"] * 8, 1, 0),
    ("info", "web_page", ["web_page"], 0, 0),
    ("post_comments", "blog_post", ["blog_post"] + ["comment"] * 5, 4, 0),
]


@pytest.mark.parametrize(("name", "page_type", "doc_types", "boilerplate", "duplicates"), SEED_SUMMARY)
def test_seed_page_shape(name, page_type, doc_types, boilerplate, duplicates):
    result = _seed(name)
    assert result.page_type == page_type
    assert [record.doc_type for record in result.records] == doc_types
    assert result.boilerplate_lines == boilerplate == len(result.dropped)
    assert result.duplicate_paragraphs == duplicates


@pytest.mark.parametrize("name", sorted(SEED_FILES))
def test_seed_no_furniture_in_text(name):
    result = _seed(name)
    for record in result.records:
        for value in (record.text, record.title, record.author_bio):
            for furniture in FURNITURE_STRINGS:
                assert furniture not in (value or ""), (furniture, value)
        assert not re.search(r"^\s*\d+\s*$", record.text, re.MULTILINE)


@pytest.mark.parametrize("name", sorted(SEED_FILES))
def test_seed_every_line_kept_or_dropped(name):
    text = (SEED / SEED_FILES[name]).read_text(encoding="utf-8")
    assert lost_lines(text, segment_page(text)) == []


# (index, title, author, role, organisation, date, year, parent, truncated, date_text, number)
SEED_RECORDS = [
    ("listing", 2, None, None, None, None, None, None, None, False, None, None),
    ("listing", 9, None, None, None, None, None, None, None, True, None, None),
    ("listing", 11, None, None, None, None, None, None, None, False, None, None),
    (
        "post_bio",
        0,
        "Medical Management and Leadership - Defining it",
        "Makani Hemadri",
        None,
        None,
        "2012-05-14",
        2012,
        None,
        False,
        "14 May 2012",
        None,
    ),
    (
        "post_bio",
        1,
        "Medical Leadership and Management",
        None,
        None,
        None,
        None,
        None,
        0,
        False,
        "11 years 7 months ago",
        None,
    ),
    (
        "post_bio",
        2,
        "I don't find this sequence helpful",
        None,
        None,
        None,
        None,
        None,
        0,
        False,
        "11 years 10 months ago",
        None,
    ),
    (
        "post_comments",
        0,
        "Why is medical leadership important in the health service?",
        None,
        None,
        None,
        None,
        None,
        None,
        False,
        None,
        None,
    ),
    (
        "post_comments",
        1,
        None,
        "Jeremy Butler",
        "Public Governor",
        "Royal Berkshire NHS Foundation Trust",
        None,
        None,
        0,
        False,
        None,
        "545717",
    ),
    (
        "post_comments",
        2,
        None,
        "Adrian Hayter",
        "Clinical Chair",
        "Windsor Ascot and Maidenhead CCG",
        None,
        None,
        0,
        False,
        None,
        "545723",
    ),
    (
        "post_comments",
        3,
        None,
        "Pearl Baker",
        "Independent Mental Health Advocate and Advisor/Carer",
        None,
        None,
        None,
        0,
        False,
        None,
        "545725",
    ),
    (
        "post_comments",
        4,
        None,
        "Alistair Hellewell",
        "Consultant Anaesthetist",
        "RD&E NHS F Trust",
        None,
        None,
        0,
        False,
        None,
        "545756",
    ),
    (
        "post_comments",
        5,
        None,
        "Dr Julie Barker",
        "GP, EOL Lead, Macmillan GP",
        "Newark & Sherwood CCG",
        None,
        None,
        0,
        False,
        None,
        "545757",
    ),
    ("info", 0, None, None, None, None, None, None, None, False, None, None),
]


@pytest.mark.parametrize(
    ("name", "index", "title", "author", "role", "org", "date", "year", "parent", "truncated", "date_text", "number"),
    SEED_RECORDS,
)
def test_seed_record_fields(name, index, title, author, role, org, date, year, parent, truncated, date_text, number):
    record = _seed(name).records[index]
    assert record.title == title
    assert record.author == author
    assert record.author_role == role
    assert record.organisation == org
    assert record.date == date
    assert record.year == year
    assert record.parent == parent
    assert record.truncated is truncated
    assert record.meta.get("date_text") == date_text
    assert record.meta.get("comment_number") == number


ABSTRACTS = [
    # title, venue, year, truncated
    ("Leadership in the NHS", "BMJ", 2011, True),
    ("Barriers to doctors successfully delivering leadership in the NHS", "Future Hospital Journal", 2016, False),
    ("Leadership and Better Patient Care: Managing in the NHS", None, 2011, False),
    ("Public Health Leadership in Primary Care Practice: Everybody’s Business?", None, None, False),
    ("Leadership for health commissioning in the new NHS", "Journal of health organization and management", 2015, True),
    (
        "Whither the elephant?: the continuing development of clinical leadership in the UK National Health Services",
        "International Journal of Health Planning and Management",
        2014,
        False,
    ),
    ("A critical account of the rise and spread of ‘leadership’: the case of UK healthcare", None, None, False),
    ("Developing collective leadership for health care", None, 2014, False),
]


def test_seed_abstracts():
    records = _seed("abstracts").records
    assert [(r.title, r.venue, r.year, r.truncated) for r in records] == ABSTRACTS
    assert [r.date for r in records] == [None if y is None else str(y) for _, _, y, _ in ABSTRACTS]
    heading = "A co-productive health leadership model to support the liberation of the NHS"
    assert {r.meta["page_heading"] for r in records} == {heading}
    assert records[0].text.startswith("The overarching task of the NHS")
    assert _seed("abstracts").dropped == ("(original) (raw)",)


def test_seed_post_bio_and_body():
    post = _seed("post_bio").records[0]
    assert post.author_bio.startswith("M Hemadri is an Associate Specialist")
    assert post.author_bio.endswith("agreed with each other more often.")
    assert post.author_bio.count("\n\n") == 1
    assert post.text.startswith("(1)Medical: relating to the science")
    assert post.text.endswith("medical managers and leaders.")
    assert "Makani Hemadri" not in post.text
    comment = _seed("post_bio").records[1]
    assert comment.text.startswith("My view is this describes doctors")
    assert comment.text.count("\n\n") == 4


def test_seed_listing_duplicate_collapsed():
    result = _seed("listing")
    texts = [record.text for record in result.records]
    repeated = [text for text in texts if text.startswith("Professor Madhok")]
    assert repeated == [
        "Professor Madhok outlines how he believes the Faculty can help Medical Directors face "
        "the key challenges ahead."
    ]


def test_seed_info_page_keeps_headings_and_bullets():
    (record,) = _seed("info").records
    paragraphs = record.text.split("\n\n")
    assert len(paragraphs) == 36
    assert "The Skills for Primary Care Leaders" in paragraphs
    assert "- Understanding the problem using data" in paragraphs
    assert paragraphs[-1].startswith("Experiential learning includes")


def test_seed_comment_keeps_lines_of_one_paragraph():
    comment = _seed("post_comments").records[2]
    assert comment.text.endswith("Docume...\nHe describes new leadership arrangements in the NHS.")
    assert comment.truncated is False


# --- hand-written pages of the same shapes ----------------------------------------------------

TEASER_LISTING = """Main menu
Search

Leaders need time to think. A short note on protecting reflective space in a busy rota...

We asked twelve clinical directors what they would change first; the answers surprised us.

Read more

Continuous improvement is a team sport, and the coach matters less than the practice…

Next ›
"""

POST_WITH_COMMENTS = """Blog
3 March 2019
Do managers still matter?
By Ann Example

Management gets a bad press on wards. This post argues it is the quiet half of leadership.

Without it nothing ships.

Share this page

#101 Bob Reader
Ward Manager
Northshire Hospitals Trust

Agree entirely. Rotas, budgets and beds do not run themselves.

#102 Carol Critic
Retired GP

I disagree: the job titles have multiplied faster than the results.

Log in or register to post comments
"""

ABSTRACT_LISTING = """Related papers
Clinical leadership and hospital performance
Health Services Research, 2017
We link survey measures of clinical leadership to outcomes in 120 hospitals.
Managers, doctors and the middle ground
2009
A qualitative study of hybrid roles across four trusts, from interviews with 40 staff...
Nurse leadership in primary care
Journal of Nursing Management, 2021
Nurses lead many practice teams. We describe how they do it and at what cost.
"""

UNKNOWN_PAGE = """Opening hours
Mon-Fri 9-5
Car park level 2
Contact: reception desk
"""


def test_teaser_listing_handwritten():
    result = segment_page(TEASER_LISTING)
    assert result.page_type == "teaser_listing"
    assert [r.doc_type for r in result.records] == ["teaser"] * 3
    assert [r.truncated for r in result.records] == [True, False, True]
    assert result.dropped == ("Main menu", "Search", "Read more", "Next ›")
    assert result.records[1].text.startswith("We asked twelve")


def test_teaser_listing_with_titles_and_dates():
    page = (
        "Pages\n\nFirst title\n12 June 2020\nBody of the first teaser, cut short...\n\n"
        "Second title\nBody of the second teaser, also cut...\n"
    )
    result = segment_page(page)
    assert result.page_type == "teaser_listing"
    assert [(r.title, r.date, r.truncated) for r in result.records] == [
        ("First title", "2020-06-12", True),
        ("Second title", None, True),
    ]
    assert result.records[0].text == "Body of the first teaser, cut short..."


def test_post_with_two_comments_handwritten():
    result = segment_page(POST_WITH_COMMENTS)
    assert result.page_type == "blog_post"
    post, first, second = result.records
    assert (post.doc_type, post.title, post.author, post.date, post.year) == (
        "blog_post",
        "Do managers still matter?",
        "Ann Example",
        "2019-03-03",
        2019,
    )
    assert post.text == (
        "Management gets a bad press on wards. This post argues it is the quiet half of "
        "leadership.\n\nWithout it nothing ships."
    )
    comments = (first, second)
    rows = [(c.doc_type, c.author, c.author_role, c.organisation, c.parent) for c in comments]
    assert rows == [
        ("comment", "Bob Reader", "Ward Manager", "Northshire Hospitals Trust", 0),
        ("comment", "Carol Critic", "Retired GP", None, 0),
    ]
    assert first.meta["comment_number"] == "101"
    assert second.text.startswith("I disagree")
    assert result.dropped == ("Blog", "Share this page", "Log in or register to post comments")


def test_post_with_relative_stamps_and_bio():
    page = (
        "Search\nA title that is a question?\nGuest blog\n\nFirst paragraph of the post.\n\n"
        "About the author\nJane Roe's picture\nJane Roe\nJane Roe is a nurse consultant.\n"
        "[Biography supplied by the author]\n\nComments\n\n2 years 1 month ago\n\nNice title\n\n"
        "A comment that says something.\n\n5 days ago\n\nAnother comment, untitled.\n"
    )
    result = segment_page(page)
    post, first, second = result.records
    assert (post.title, post.author, post.author_bio) == (
        "A title that is a question?",
        "Jane Roe",
        "Jane Roe is a nurse consultant.",
    )
    assert post.text == "First paragraph of the post."
    assert (first.title, first.date, first.meta["date_text"], first.text) == (
        "Nice title",
        None,
        "2 years 1 month ago",
        "A comment that says something.",
    )
    assert (second.title, second.meta["date_text"], second.parent) == (None, "5 days ago", 0)
    assert result.boilerplate_lines == 6


def test_abstract_listing_handwritten():
    result = segment_page(ABSTRACT_LISTING)
    assert result.page_type == "abstract_listing"
    rows = [(r.doc_type, r.title, r.venue, r.year, r.date, r.truncated) for r in result.records]
    assert rows == [
        ("abstract", "Clinical leadership and hospital performance", "Health Services Research", 2017, "2017", False),
        ("abstract", "Managers, doctors and the middle ground", None, 2009, "2009", True),
        ("abstract", "Nurse leadership in primary care", "Journal of Nursing Management", 2021, "2021", False),
    ]
    assert result.dropped == ("Related papers",)


def test_unknown_page_is_one_web_page():
    result = segment_page(UNKNOWN_PAGE)
    assert result.page_type == "web_page"
    (record,) = result.records
    assert record.doc_type == "web_page"
    assert record.text.split("\n\n") == ["Opening hours", "Mon-Fri 9-5", "Car park level 2", "Contact: reception desk"]


def test_heading_and_bullets_page_stays_one_document():
    page = "Our services\n\nWe offer:\n- coaching\n- mentoring\n- action learning\n\nAsk us.\n"
    (record,) = segment_page(page).records
    assert record.title == "Our services"
    assert record.text == "We offer:\n- coaching\n- mentoring\n- action learning\n\nAsk us."


def test_comments_with_name_over_stamp_and_date_lines():
    page = (
        "Blog\nWhy rotas matter\nPosted by Jane Smith on 4 April 2018\n\n"
        "Rotas are the skeleton of the hospital week.\n\nComments\n\n"
        "Mark Jones\n2 days ago\nI agree with this completely.\n\n"
        "Sue Bloggs\n5 March 2020 10:31\nNot convinced, sorry.\n"
    )
    post, first, second = segment_page(page).records
    assert (post.author, post.date, post.meta["byline"]) == (
        "Jane Smith",
        "2018-04-04",
        "Posted by Jane Smith on 4 April 2018",
    )
    assert [(c.author, c.date, c.meta["date_text"], c.text) for c in (first, second)] == [
        ("Mark Jones", None, "2 days ago", "I agree with this completely."),
        ("Sue Bloggs", "2020-03-05", "5 March 2020 10:31", "Not convinced, sorry."),
    ]


def test_post_without_blank_lines_keeps_comment_headers():
    page = (
        "Search\nPost title?\nGuest blog\nBody sentence one.\n#7 Zed Q\nRole Here\n"
        "Org Here\nComment sentence.\n#8 Amy R\nAnother comment.\n"
    )
    records = segment_page(page).records
    rows = [(r.doc_type, r.title, r.author, r.author_role, r.organisation, r.text) for r in records]
    assert rows == [
        ("blog_post", "Post title?", None, None, None, "Body sentence one."),
        ("comment", None, "Zed Q", "Role Here", "Org Here", "Comment sentence."),
        ("comment", None, "Amy R", None, None, "Another comment."),
    ]


def test_content_under_a_section_label_after_the_bio_is_kept_apart():
    page = (
        "Blog\nA post title\n\nSome body text that is prose.\n\nAbout the author\nAnn Lee\n"
        "Ann Lee is a GP.\n\nJobs\nConsultant physician, Northshire\n\nComments\n\n#1 Bob\nGood.\n"
    )
    records = segment_page(page).records
    assert [(r.doc_type, r.author, r.author_bio, r.parent, dict(r.meta)) for r in records] == [
        ("blog_post", "Ann Lee", "Ann Lee is a GP.", None, {}),
        ("web_page", None, None, None, {"section": "Jobs"}),
        ("comment", "Bob", None, 0, {"comment_number": "1"}),
    ]


def test_teaser_listing_without_blank_lines_uses_furniture_as_separators():
    page = (
        "Home\nNews\nLatest\nFirst article title\nTeaser one text here with more words...\n"
        "Read more\nSecond article title\nTeaser two text here continues onward…\nRead more\n"
    )
    result = segment_page(page)
    assert [(r.title, r.text, r.truncated, dict(r.meta)) for r in result.records] == [
        ("First article title", "Teaser one text here with more words...", True, {"page_heading": "News / Latest"}),
        ("Second article title", "Teaser two text here continues onward…", True, {}),
    ]
    assert result.dropped == ("Home", "Read more", "Read more")


def test_abstract_listing_with_authors_lines():
    page = (
        "Paper one title\nJ Smith, A Jones\nBMJ, 2011\nAbstract text one is here.\n"
        "Paper two title\nB Brown\nLancet, 2012\nAbstract two is here.\n"
    )
    records = segment_page(page).records
    assert [(r.title, r.author, r.venue, r.year, r.text) for r in records] == [
        ("Paper one title", "J Smith, A Jones", "BMJ", 2011, "Abstract text one is here."),
        ("Paper two title", "B Brown", "Lancet", 2012, "Abstract two is here."),
    ]


def test_teaser_with_date_under_its_text():
    page = "Pages\n\nFirst teaser body, long enough...\n3 days ago\n\nSecond one...\n12 May 2019\n"
    records = segment_page(page).records
    assert [(r.text, r.date, r.meta["date_text"]) for r in records] == [
        ("First teaser body, long enough...", None, "3 days ago"),
        ("Second one...", "2019-05-12", "12 May 2019"),
    ]


def test_comments_opened_by_bylines():
    page = (
        "Blog\nTitle\n\nBody text.\n\nComments\n\nSubmitted by Ann Lee on 3 May 2019\nNice.\n\n"
        "Submitted by Bo Chen on 4 May 2019\nMeh.\n"
    )
    records = segment_page(page).records
    assert [(r.doc_type, r.author, r.date, r.text) for r in records] == [
        ("blog_post", None, None, "Body text."),
        ("comment", "Ann Lee", "2019-05-03", "Nice."),
        ("comment", "Bo Chen", "2019-05-04", "Meh."),
    ]


@pytest.mark.parametrize("text", ["", " ", "\n\n\t\n", "\u00a0\n \r\n"])
def test_blank_page_gives_no_records(text):
    result = segment_page(text)
    assert (result.page_type, result.records) == ("web_page", ())
    assert result.boilerplate_lines == result.duplicate_paragraphs == 0


def test_furniture_only_page_gives_no_records():
    page = "Authenticated user menu\nSearch\nNumber of comments\n12\nAdd new comment"
    result = segment_page(page)
    assert result.records == ()
    assert result.boilerplate_lines == 5


def test_duplicate_paragraph_kept_once():
    paragraph = "Leadership is everyone's job on this ward, not only the manager's."
    result = segment_page(f"Title line\n\n{paragraph}\n\nSomething else entirely.\n\n{paragraph}\n")
    assert result.duplicate_paragraphs == 1
    assert result.records[0].text.count(paragraph) == 1


def test_bare_number_kept_when_not_beside_a_counter():
    (record,) = segment_page("Steps\n\n1\n\nWash hands.").records
    assert "1" in record.text.split("\n\n")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("14 May 2012", "2012-05-14"),
        ("Monday 14th May 2012 10:32", "2012-05-14"),
        ("May 14, 2012", "2012-05-14"),
        ("Posted on 3 Sept 2019", "2019-09-03"),
        ("2012-05-04", "2012-05-04"),
        ("March 2020", "2020-03"),
        ("31 February 2020", None),
        ("11 years 7 months ago", None),
        ("BMJ, 2011", None),
    ],
)
def test_parse_date_line(line, expected):
    assert parse_date_line(line) == expected


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Authenticated user menu", "user_menu"),
        ("Search", "search"),
        ("Number of comments", "counter"),
        ("Total views", "counter"),
        ("or Register to add a comment", "comment_prompt"),
        ("Add new comment", "add_comment"),
        ("Keep up to date", "keep_up_to_date"),
        ("Subscribe to our email newsletters and follow us.", "newsletter"),
        ("Array ( [0] => sitewide [1] => node_blog )", "ad_slots"),
        ("About the author", "about_author"),
        ("[Biography supplied by the author].", "bio_note"),
        ("Jane Roe's picture", "picture"),
        ("Comments", "comments_section"),
        ("Guest blog", "blog_label"),
        ("Pages", "listing_label"),
        ("« first ‹ previous 1 2 3 next › last »", "listing_label"),
        ("Jobs", "section"),
    ],
)
def test_furniture_table(line, name):
    matches = [p.name for p in FURNITURE if p.pattern.fullmatch(line)]
    assert matches[:1] == [name]


@pytest.mark.parametrize(
    "line",
    [
        "References",
        "Diagnostic Tools",
        "Leadership in the NHS",
        "Comments on the draft guidance",
        "Search for a better model of care",
        "2011",
    ],
)
def test_content_lines_are_not_furniture(line):
    assert not any(p.pattern.fullmatch(line) for p in FURNITURE)


# --- properties -------------------------------------------------------------------------------

FURNITURE_LINES = [
    "Authenticated user menu",
    "Search",
    "Number of comments",
    "2",
    "Total views",
    "\u00a0or\u00a0 Register to add a comment",
    "Add new comment",
    "Keep up to date",
    "About the author",
    "[Biography supplied by the author].",
    "Comments",
    "Jobs",
    "Pages",
    "Guest blog",
    "Ann Smith's picture",
    "Array ( [0] => sitewide [1] => node_blog )",
    "",
]
SHAPED_LINES = [
    "14 May 2012",
    "11 years 7 months ago",
    "#545717 Jeremy Butler",
    "Public Governor",
    "BMJ, 2011",
    "2014",
    "Title of a paper (original) (raw)",
    "- a bullet point",
    "A sentence that ends the usual way.",
    "Cut off mid sentence...",
    "By Ann Example",
    "Jane Doe says:",
    "What is leadership?",
]
WORDS = st.text(alphabet=st.characters(categories=("L", "N")), min_size=1, max_size=8)
PROSE = (
    st.lists(WORDS, min_size=1, max_size=14)
    .map(" ".join)
    .flatmap(lambda s: st.sampled_from(["", ".", "?", "...", ":"]).map(lambda end: s + end))
)
LINE = st.one_of(st.sampled_from(FURNITURE_LINES), st.sampled_from(SHAPED_LINES), PROSE)
PAGES = st.lists(LINE, max_size=40).map("\n".join)


@pytest.mark.parametrize(
    "text",
    [
        # A link-label fragment and an aside after the author box (zip of dropped lines and
        # kinds once went out of step).
        "Title of a paper (original) (raw)\n14 May 2012\nAbout the author\n"
        "\u00a0or\u00a0 Register to add a comment\n14 May 2012",
        # A stamp then a date line: the date must not overwrite the stamp's text.
        "11 years 7 months ago\n14 May 2012",
        "#1 A\n" * 50,
        "Comments\n" + "3 days ago\n" * 50,
    ],
)
def test_regression_pages_keep_every_line(text):
    assert lost_lines(text, segment_page(text)) == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_never_raises_on_any_text(text):
    result = segment_page(text)
    assert result.boilerplate_lines == len(result.dropped)
    assert all(
        record.doc_type in {"teaser", "blog_post", "comment", "abstract", "web_page"} for record in result.records
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PAGES)
def test_every_line_lands_somewhere(text):
    result = segment_page(text)
    assert lost_lines(text, result) == []
    for index, record in enumerate(result.records):
        assert record.parent is None or 0 <= record.parent < index
        assert record.date is None or re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", record.date)
        assert (record.date is None) or record.year == int(record.date[:4])


@settings(max_examples=200, deadline=None)
@given(PAGES)
def test_segmentation_is_deterministic(text):
    assert segment_page(text) == segment_page(text)


def test_lost_lines_reports_a_line_no_record_holds() -> None:
    page = "Clinical leadership matters.\n\nNobody keeps this sentence."
    kept = Segmentation(
        page_type="web_page",
        records=(PageRecord(doc_type="web_page", text="Clinical leadership matters."),),
        boilerplate_lines=0,
        duplicate_paragraphs=0,
        dropped=(),
    )
    assert lost_lines(page, kept) == ["Nobody keeps this sentence."]
    assert lost_lines(page, segment_page(page)) == []

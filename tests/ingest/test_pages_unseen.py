"""pipeline.ingest.pages on page shapes the segmenter was not written against.

The fixtures in tests/fixtures/pages/ are small hand-written pages as a text-mode scrape gives
them (WordPress, Disqus, phpBB, Medium, news sites, an NHS trust page, a journal table of
contents, PubMed results, listings with "Read more", cookie banners and footers, Windows line
endings). The expected values are what a careful human reader takes from each page.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.ingest.pages import (
    FURNITURE,
    Segmentation,
    lost_lines,
    parse_date_line,
    segment_page,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
NAMES = sorted(path.stem for path in FIXTURES.glob("*.txt"))


def _text(name: str) -> str:
    # Bytes, so that Windows line endings reach the segmenter as they are on disk.
    return (FIXTURES / f"{name}.txt").read_bytes().decode("utf-8")


def _page(name: str) -> Segmentation:
    return segment_page(_text(name))


def test_fixture_set():
    assert len(NAMES) >= 12
    for name in NAMES:
        assert 0 < len(_text(name).encode("utf-8")) <= 5000, name


# --- page type, records, duplicates -------------------------------------------------------

SUMMARY = [
    # fixture, page_type, doc types in order, duplicate paragraphs
    ("about_cookie_footer", "web_page", ["web_page"], 0),
    ("blog_teasers", "teaser_listing", ["teaser"] * 3, 0),
    ("disqus_thread", "blog_post", ["blog_post"] + ["comment"] * 4, 0),
    ("forum_thread", "blog_post", ["blog_post", "comment", "comment"], 0),
    ("journal_toc", "abstract_listing", ["abstract"] * 2, 0),
    ("medium_post", "blog_post", ["blog_post", "comment", "comment"], 0),
    ("news_article", "blog_post", ["blog_post", "web_page"], 0),
    ("news_listing", "teaser_listing", ["teaser"] * 3, 0),
    ("nhs_trust_info", "web_page", ["web_page"], 0),
    ("pubmed_results", "abstract_listing", ["abstract"] * 3, 0),
    ("repeated_paragraph", "web_page", ["web_page"], 1),
    ("very_short", "web_page", ["web_page"], 0),
    ("windows_nbsp", "web_page", ["web_page"], 0),
    ("wordpress_post", "blog_post", ["blog_post"] + ["comment"] * 3, 0),
]


def test_summary_covers_every_fixture():
    assert sorted(row[0] for row in SUMMARY) == NAMES


@pytest.mark.parametrize(("name", "page_type", "doc_types", "duplicates"), SUMMARY)
def test_page_shape(name, page_type, doc_types, duplicates):
    result = _page(name)
    assert result.page_type == page_type
    assert [record.doc_type for record in result.records] == doc_types
    assert result.duplicate_paragraphs == duplicates
    assert result.boilerplate_lines == len(result.dropped)


# --- furniture dropped, exactly -----------------------------------------------------------

DROPPED = {
    "about_cookie_footer": (
        "This website uses cookies. By clicking Accept, you consent to the use of cookies.",
        "Accept",
        "Reject",
        "Cookie settings",
        "About us",
        "Contact us",
        "Follow us on Twitter",
        "Sign up to our newsletter",
        "© 2021 Centre for Health Leadership. All rights reserved.",
        "Privacy policy | Terms and conditions | Accessibility",
    ),
    "blog_teasers": (
        "Home",
        "Blog",
        "Contact",
        "Latest posts",
        "Read more »",
        "Read more »",
        "Read more »",
        "Older posts",
        "Page 1 of 6",
    ),
    "disqus_thread": (
        "Share this article",
        "4 Comments",
        "Login",
        "Sort by Best",
        "Recommend",
        "Share",
        "Join the discussion…",
        "2 • Reply • Share ›",
        "Reply • Share ›",
        "1 • Reply • Share ›",
        "Reply • Share ›",
        "Subscribe",
        "Add Disqus to your site",
        "Do Not Sell My Data",
    ),
    "forum_thread": (
        "Board index ‹ Management and leadership ‹ Careers",
        "Post Reply",
        "3 posts • Page 1 of 1",
        "nursekate",
        "Posts: 41",
        "Joined: Mon Jan 01, 2018 10:00 am",
        "Top",
        "Quote",
        "davidR",
        "Posts: 310",
        "Joined: Sat Jun 14, 2014 4:12 pm",
        "Top",
        "Top",
        "Display posts from previous: All posts",
        "Return to “Careers”",
        "Jump to",
        "Who is online",
        "Users browsing this forum: No registered users and 2 guests",
    ),
    # "doi:" and "PMID:" are labels cut from lines whose value went to ``meta``.
    "journal_toc": ("doi:", "Abstract", "Cite this article", "Full text", "PDF") * 2,
    "medium_post": (
        "Sign in",
        "Get started",
        "Follow",
        "Responses (2)",
        "What are your thoughts?",
        "Reply",
        "Reply",
    ),
    "news_article": (
        "We use cookies to improve your experience on our website. By continuing to browse you "
        "agree to our use of cookies.",
        "Accept all cookies",
        "Manage cookie settings",
        "Share this article",
        "Facebook",
        "Twitter",
        "Email",
        "Related articles",
        "© 2021 Health News Ltd. All rights reserved.",
        "Privacy policy",
        "Terms of use",
    ),
    "news_listing": (
        "Home",
        "Latest news",
        "Read more",
        "Read more",
        "Read more",
        "« Previous 1 2 3 Next »",
    ),
    "nhs_trust_info": (
        "Skip to main content",
        "Search",
        "Menu",
        "Home",
        "About us",
        "Page last reviewed: 12 March 2022",
        "Next review due: 12 March 2025",
        "Contact us",
        "Accessibility statement",
        "Cookies",
        "Privacy policy",
        "© Northshire Hospitals NHS Foundation Trust 2022",
    ),
    "pubmed_results": (
        "Search results",
        "Items: 1 to 3 of 3",
        "PMID:",
        "PMID:",
        "Free article.",
        "PMID:",
    ),
    "repeated_paragraph": (),
    "very_short": ("Menu",),
    "windows_nbsp": ("Home", "Search", "Share"),
    "wordpress_post": (
        "Skip to content",
        "Menu",
        "Home",
        "About",
        "Contact",
        "Share this:",
        "Twitter",
        "Facebook",
        "Like this:",
        "Like Loading...",
        "Categories:",
        "Tags:",
        "3 thoughts on “Why middle managers hold the NHS together”",
        "Reply",
        "Reply",
        "Reply",
        "Leave a Reply",
        "Your email address will not be published. Required fields are marked *",
        "Comment",
        "Name *",
        "Email *",
        "Website",
        "Post Comment",
        "© 2019 Ward to Board. All rights reserved.",
        "Proudly powered by WordPress",
    ),
}


@pytest.mark.parametrize("name", NAMES)
def test_dropped_furniture(name):
    assert _page(name).dropped == DROPPED[name]


@pytest.mark.parametrize("name", NAMES)
def test_no_dropped_line_left_in_a_record(name):
    result = _page(name)
    for record in result.records:
        lines = {line for value in (record.text, record.title or "") for line in value.split("\n")}
        assert not lines & set(result.dropped), (name, record)


# --- every line kept or dropped -------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_every_line_kept_or_dropped(name):
    text = _text(name)
    assert lost_lines(text, segment_page(text)) == []


# --- record fields --------------------------------------------------------------------------

RECORDS = [
    # fixture, index, title, author, author_role, date, year, venue, parent, truncated
    ("about_cookie_footer", 0, "About the Centre for Health Leadership", None, None, None, None, None, None, False),
    ("blog_teasers", 0, "The quiet work of a good rota", "Mark Evans", None, "2020-02-14", 2020, None, None, True),
    (
        "blog_teasers",
        1,
        "What I learned from my first board meeting",
        "Lucy Chen",
        None,
        "2020-02-02",
        2020,
        None,
        None,
        True,
    ),
    (
        "blog_teasers",
        2,
        "Compassionate leadership is not soft",
        "Mark Evans",
        None,
        "2020-01-21",
        2020,
        None,
        None,
        True,
    ),
    (
        "disqus_thread",
        0,
        "Clinical leadership fellows: one year on",
        "Dr Amir Khan",
        None,
        "2018-06-12",
        2018,
        None,
        None,
        False,
    ),
    ("disqus_thread", 1, None, "Helen Ward", None, None, None, None, 0, False),
    ("disqus_thread", 2, None, "Sam O'Neill", None, None, None, None, 0, False),
    ("disqus_thread", 3, None, "Amir Khan", None, None, None, None, 0, False),
    ("disqus_thread", 4, None, "Grace Lee", None, None, None, None, 0, False),
    (
        "forum_thread",
        0,
        "Moving from clinical work into management?",
        "nursekate",
        None,
        "2019-03-05",
        2019,
        None,
        None,
        False,
    ),
    (
        "forum_thread",
        1,
        "Re: Moving from clinical work into management?",
        "davidR",
        None,
        "2019-03-06",
        2019,
        None,
        0,
        False,
    ),
    (
        "forum_thread",
        2,
        "Re: Moving from clinical work into management?",
        "ruthg",
        None,
        "2019-03-06",
        2019,
        None,
        0,
        False,
    ),
    (
        "journal_toc",
        0,
        "Distributed leadership in community nursing teams: a qualitative study",
        "Smith J, Jones K, Patel R.",
        None,
        None,
        None,
        None,
        None,
        False,
    ),
    (
        "journal_toc",
        1,
        "Medical managers and the hybrid role: a survey of consultants",
        "Brown L, Okafor C.",
        None,
        None,
        None,
        None,
        None,
        False,
    ),
    (
        "medium_post",
        0,
        "Five habits of clinical directors who last",
        "Dr Ruth Okoye",
        None,
        "2021-04-02",
        2021,
        None,
        None,
        False,
    ),
    ("medium_post", 1, None, "Peter Grant", None, "2021-04-03", 2021, None, 0, False),
    ("medium_post", 2, None, "Amina Yusuf", None, "2021-04-05", 2021, None, 0, False),
    (
        "news_article",
        0,
        "Hospital chiefs warn of leadership vacancies",
        "Sarah Jones",
        "Health Correspondent",
        "2021-01-12",
        2021,
        None,
        None,
        False,
    ),
    ("news_article", 1, None, None, None, None, None, None, None, False),
    (
        "news_listing",
        0,
        "New chief executive appointed at Westshire trust",
        None,
        None,
        "2021-03-14",
        2021,
        None,
        None,
        True,
    ),
    (
        "news_listing",
        1,
        "Nurse leaders programme opens for applications",
        None,
        None,
        "2021-03-09",
        2021,
        None,
        None,
        True,
    ),
    ("news_listing", 2, "Report calls for more clinicians on boards", None, None, "2021-03-01", 2021, None, None, True),
    ("nhs_trust_info", 0, "Our leadership team", None, None, None, None, None, None, False),
    (
        "pubmed_results",
        0,
        "Clinical leadership and quality of care in hospitals: a systematic review.",
        "Wong A, Harris M, Ford P.",
        None,
        "2019",
        2019,
        "J Health Organ Manag",
        None,
        False,
    ),
    (
        "pubmed_results",
        1,
        "Management practices and hospital performance in England.",
        "Taylor R, Green S.",
        None,
        "2018",
        2018,
        "BMJ Open",
        None,
        False,
    ),
    (
        "pubmed_results",
        2,
        "Nurse managers' leadership styles and staff turnover.",
        "Collins D.",
        None,
        "2020",
        2020,
        "J Nurs Manag",
        None,
        False,
    ),
    ("repeated_paragraph", 0, "Leading through winter pressures", None, None, None, None, None, None, False),
    ("very_short", 0, None, None, None, None, None, None, None, False),
    ("windows_nbsp", 0, "Team huddles that work", None, None, None, None, None, None, False),
    (
        "wordpress_post",
        0,
        "Why middle managers hold the NHS together",
        "Jane Smith",
        None,
        "2019-03-03",
        2019,
        None,
        None,
        False,
    ),
    ("wordpress_post", 1, None, "Tom Baker", None, "2019-03-04", 2019, None, 0, False),
    ("wordpress_post", 2, None, "Priya Patel", None, "2019-03-05", 2019, None, 0, False),
    ("wordpress_post", 3, None, "Jane Smith", None, "2019-03-05", 2019, None, 0, False),
]


@pytest.mark.parametrize(
    ("name", "index", "title", "author", "role", "date", "year", "venue", "parent", "truncated"),
    RECORDS,
)
def test_record_fields(name, index, title, author, role, date, year, venue, parent, truncated):
    record = _page(name).records[index]
    assert (record.title, record.author, record.author_role) == (title, author, role)
    assert (record.date, record.year, record.venue) == (date, year, venue)
    assert (record.parent, record.truncated) == (parent, truncated)


META = [
    # fixture, index, meta as a whole
    ("about_cookie_footer", 0, {"page_heading": "Our programmes / News"}),
    (
        "blog_teasers",
        0,
        {
            "page_heading": "Leadership Matters blog / Events",
            "date_text": "14 February 2020",
            "byline": "by Mark Evans",
        },
    ),
    ("disqus_thread", 3, {"byline": "Amir Khan (Mod) • 6 years ago", "date_text": "6 years ago"}),
    (
        "forum_thread",
        0,
        {
            "page_heading": "Moving from clinical work into management?",
            "byline": "Post by nursekate » Tue Mar 05, 2019 9:14 pm",
        },
    ),
    (
        "journal_toc",
        1,
        {
            "doi": "10.1136/leader-2019-000141",
            "page_heading": "BMJ Leader / Volume 4, Issue 2 / June 2020 / Original research",
        },
    ),
    ("medium_post", 0, {"byline": "Dr Ruth Okoye", "date_text": "6 min read · Apr 2, 2021"}),
    (
        "news_article",
        0,
        {
            "page_heading": "News / Health / Politics",
            "byline": "By Sarah Jones, Health Correspondent",
            "date_text": "Published 12 January 2021",
        },
    ),
    ("news_article", 1, {"section": "Related articles"}),
    ("news_listing", 0, {"page_heading": "NHS Leadership News / News / Opinion", "date_text": "Posted: 14 Mar 2021"}),
    ("nhs_trust_info", 0, {"page_heading": "Northshire Hospitals NHS Foundation Trust / Our leadership team"}),
    ("pubmed_results", 2, {"citation": "J Nurs Manag. 2020 Jan;28(1):12-20.", "pmid": "31612345"}),
    (
        "wordpress_post",
        0,
        {
            "page_heading": "Ward to Board / Notes on leading in the NHS",
            "byline": "Posted on March 3, 2019 by Jane Smith",
            "categories": "Leadership, Management",
            "tags": "middle managers, NHS, service management",
        },
    ),
    ("wordpress_post", 1, {"byline": "Tom Baker says:", "date_text": "March 4, 2019 at 9:12 am"}),
]


@pytest.mark.parametrize(("name", "index", "meta"), META)
def test_record_meta(name, index, meta):
    assert dict(_page(name).records[index].meta) == meta


TEXTS = [
    # fixture, index, exact text
    ("disqus_thread", 1, "We hosted two fellows. They asked the questions our board had stopped asking."),
    ("disqus_thread", 4, "Is there any evaluation of patient outcomes, or only of the fellows' own views?"),
    (
        "forum_thread",
        0,
        "I have been a charge nurse for eight years and have been offered an operational manager "
        "post. Has anyone made this move, and did you miss clinical work?",
    ),
    (
        "forum_thread",
        2,
        "Keep a clinical session if you can. It keeps you credible with the team and reminds you why the rota matters.",
    ),
    ("medium_post", 2, "Useful list. I would add: keep doing some clinical work."),
    ("news_article", 1, "NHS leadership review published\nNurses call for more say on boards"),
    ("news_listing", 1, "Applications are now open for the third cohort of the regional nurse leaders programme..."),
    (
        "pubmed_results",
        1,
        "Hospitals with better management practices had lower mortality and higher patient satisfaction.",
    ),
    ("very_short", 0, "Leadership is a team sport."),
    (
        "windows_nbsp",
        0,
        "A ten-minute huddle at the start of each shift gives the team a shared picture of the "
        "day.\n\nKeep it standing, keep it short, and always end with who needs help.",
    ),
    ("wordpress_post", 3, "Thanks Priya, fair point about layers. Support matters more than headcount."),
]


@pytest.mark.parametrize(("name", "index", "text"), TEXTS)
def test_record_text(name, index, text):
    assert _page(name).records[index].text == text


PARAGRAPHS = [
    # fixture, index, number of paragraphs, first words, last words
    ("about_cookie_footer", 0, 3, "The Centre for Health", "throughout the programme."),
    ("disqus_thread", 0, 3, "The fellowship scheme", "professionals next year."),
    ("forum_thread", 1, 2, "I have been a charge nurse", "annoyed me for a decade."),
    ("journal_toc", 0, 1, "Background Community nursing", "trust between staff."),
    ("medium_post", 0, 3, "Most clinical directors", "meet them monthly."),
    ("news_article", 0, 4, "One in five hospital trusts", "future chief executives."),
    ("nhs_trust_info", 0, 6, "The Trust Board is responsible", "a divisional general manager"),
    ("repeated_paragraph", 0, 4, "When beds run out", "on the medical wards."),
    ("wordpress_post", 0, 3, "Middle managers are the people", "both before lunch."),
]


@pytest.mark.parametrize(("name", "index", "count", "start", "end"), PARAGRAPHS)
def test_record_paragraphs(name, index, count, start, end):
    text = _page(name).records[index].text
    assert len(text.split("\n\n")) == count
    assert text.startswith(start)
    assert text.endswith(end)


def test_repeated_paragraph_kept_once():
    quote = '"Visible leadership on the wards matters more in January than at any other time'
    assert _page("repeated_paragraph").records[0].text.count(quote) == 1


def test_windows_line_endings_and_no_break_spaces():
    raw = _text("windows_nbsp")
    assert "\r\n" in raw and "\u00a0" in raw
    (record,) = _page("windows_nbsp").records
    assert "\r" not in record.text and "\u00a0" not in record.text


def test_nhs_page_keeps_subheadings_and_bullets():
    paragraphs = _page("nhs_trust_info").records[0].text.split("\n\n")
    assert "How the Board works" in paragraphs
    assert "Clinical leadership" in paragraphs
    assert paragraphs[1].split("\n") == [
        "The Board includes:",
        "- the Chair and six non-executive directors",
        "- the Chief Executive",
        "- the Medical Director, the Chief Nurse and the Director of Finance",
    ]


# --- recognisers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("March 4, 2019 at 9:12 am", "2019-03-04"),
        ("Tue Mar 05, 2019 9:14 pm", "2019-03-05"),
        ("Posted: 09 Mar 2021", "2021-03-09"),
        ("Published 12 January 2021", "2021-01-12"),
        ("6 min read · Apr 2, 2021", "2021-04-02"),
        ("Apr 2, 2021 · 6 min read", "2021-04-02"),
        ("Apr 3, 2021", "2021-04-03"),
        ("J Nurs Manag. 2020 Jan;28(1):12-20.", None),
        ("6 years ago", None),
    ],
)
def test_parse_date_line_unseen_forms(line, expected):
    assert parse_date_line(line) == expected


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("We use cookies to improve your experience on our website.", "cookie_banner"),
        ("Accept all cookies", "cookie_banner"),
        ("© 2021 Health News Ltd. All rights reserved.", "copyright"),
        ("Proudly powered by WordPress", "copyright"),
        ("Privacy policy | Terms and conditions | Accessibility", "footer_links"),
        ("Twitter", "share_buttons"),
        ("Like Loading...", "share_buttons"),
        ("Your email address will not be published. Required fields are marked *", "comment_form"),
        ("2 • Reply • Share ›", "comment_form"),
        ("3 thoughts on “Why managers matter”", "comments_heading"),
        ("Joined: Mon Jan 01, 2018 10:00 am", "forum"),
        ("Users browsing this forum: No registered users and 2 guests", "forum_nav"),
        ("Board index ‹ Management ‹ Careers", "forum_nav"),
        ("Home › News › Leadership", "breadcrumb"),
        ("Cite this article", "listing_actions"),
        ("Items: 1 to 20 of 310", "listing_actions"),
        ("Page last reviewed: 12 March 2022", "review_date"),
        ("Older posts", "listing_label"),
        ("Responses (2)", "responses"),
        ("6 min read", "platform"),
    ],
)
def test_furniture_table_unseen(line, name):
    matches = [p.name for p in FURNITURE if p.pattern.fullmatch(line)]
    assert matches[:1] == [name]


@pytest.mark.parametrize(
    "line",
    [
        "Results",
        "Methods",
        "Summary",
        "Accept the challenge of change",
        "Contact tracing in care homes",
        "Privacy and dignity in care",
        "Top tips for new managers",
        "Follow-up care after discharge",
        "Leadership and management: two sides of one job",
        "We use audit cycles to improve care.",
        "Email is not a leadership strategy.",
        "Quote of the week: lead by listening",
        "Posts that made us think",
        "About the Centre for Health Leadership",
        "Return to work after illness",
        "Location: Leeds General Infirmary",
        "Discussion",
        "Conversation",
        "Copyright law and you",
        "Copyright law protects authors.",
        "Powered by nurses, the programme grew.",
    ],
)
def test_content_lines_are_not_furniture_unseen(line):
    assert not any(p.pattern.fullmatch(line) for p in FURNITURE)


# --- properties -------------------------------------------------------------------------------

ALL_LINES = sorted({" ".join(line.split()) for name in NAMES for line in _text(name).splitlines()} - {""})


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([*ALL_LINES, ""]), max_size=60).map("\n".join))
def test_shuffled_fixture_lines_land_somewhere(text):
    result = segment_page(text)
    assert lost_lines(text, result) == []
    assert result.boilerplate_lines == len(result.dropped)
    for index, record in enumerate(result.records):
        assert record.parent is None or 0 <= record.parent < index
        assert record.date is None or re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", record.date)
        assert record.date is None or record.year == int(record.date[:4])


@pytest.mark.parametrize("name", NAMES)
def test_fixture_pages_cut_and_joined_keep_every_line(name):
    # The page cut at a fixed pseudo-random line and its two halves swapped.
    lines = _text(name).splitlines()
    cut = random.Random(name).randrange(len(lines))
    text = "\n".join(lines[cut:] + lines[:cut])
    assert lost_lines(text, segment_page(text)) == []


# --- shapes found on the 181 real pages of bench/pages_unseen.py ----------------------------
# Hand-written miniatures of what whole-page text dumps of news and blog sites showed.


def test_dated_sidebar_headlines_after_a_comment_form_are_no_comments():
    page = (
        "Ward rounds at night\nBy Ann Lee\n\nNight rounds need a named senior decision maker.\n\n"
        "Leave a Reply\n\nRecent posts\n\nNovember 20, 2019\nTrust appoints new chair\n\n"
        "November 19, 2019\nNurse leaders meet in Leeds\n"
    )
    result = segment_page(page)
    assert [(r.doc_type, r.text, dict(r.meta)) for r in result.records[1:]] == [
        (
            "web_page",
            "November 20, 2019\nTrust appoints new chair\n\nNovember 19, 2019\nNurse leaders meet in Leeds",
            {"section": "Recent posts"},
        ),
    ]
    assert lost_lines(page, result) == []


def test_lower_case_user_name_says_opens_a_comment():
    page = (
        "Rota reform\nPosted on May 2, 2020 by Ann Lee\n\nRotas should be set six weeks ahead.\n\n"
        "2 thoughts on “Rota reform”\n\nwardnurse42 says:\nMay 3, 2020 at 6:34 am\n"
        "Six weeks would change my life.\n\nbob.k says:\nMay 4, 2020 at 7:00 pm\nAgreed.\n"
    )
    records = segment_page(page).records
    assert [(r.doc_type, r.author, r.date, r.text) for r in records] == [
        ("blog_post", "Ann Lee", "2020-05-02", "Rotas should be set six weeks ahead."),
        ("comment", "wardnurse42", "2020-05-03", "Six weeks would change my life."),
        ("comment", "bob.k", "2020-05-04", "Agreed."),
    ]


def test_bare_stamps_without_a_comment_label_open_no_thread():
    page = (
        "Winter plan\nBy Ann Lee\n\nThe plan adds beds and staff for January.\n\n"
        "Most read\n\nBoard papers published\n13 hours ago\n\nNew ward opens\n2 days ago\n"
    )
    result = segment_page(page)
    assert [r.doc_type for r in result.records] == ["blog_post", "web_page"]
    assert result.records[1].meta == {"section": "Most read"}
    assert lost_lines(page, result) == []


ARTICLE_PARAGRAPH = (
    "Clinical leaders spend a growing share of their week on meetings about money, and "
    "many say the balance has tipped too far away from patients and teams."
)


def test_long_article_with_pager_links_is_no_teaser_listing():
    # Nine paragraphs of 29 words: past 250 words of running text.
    body = "\n\n".join(f"{ARTICLE_PARAGRAPH} Point {n}." for n in range(9))
    page = f"Home\nNext\n\nHow leaders spend their week\n\n{body}\n\nRead more\n\nLast\n"
    result = segment_page(page)
    assert result.page_type == "web_page"
    (record,) = result.records
    assert record.title == "How leaders spend their week"
    assert len(record.text.split("\n\n")) == 9


def test_menu_page_with_one_cut_line_is_no_teaser_listing():
    menu = "\n\n".join(["News", "Sport", "Health", "Opinion", "Video", "Weather", "Travel"] * 2)
    page = (
        f"{menu}\n\nOne full sentence of real text here.\n\nAnother real sentence follows.\n\n"
        "A third sentence, cut off...\n"
    )
    assert segment_page(page).page_type == "web_page"


@pytest.mark.parametrize(
    "page",
    [
        # Time stamps and archive menus are no citation lines.
        "Man rescued from river\nUpdated\n10:01 pm PST, Tuesday, November 19, 2019\n"
        "A man was rescued.\nShip found\nPublished 7:07 PM EST Nov 19, 2019\nA ship was found.\n",
        "Archives\n2019\nFebruary\n2018\nJanuary\n2017\nJanuary\n2016\n",
        "Weather\nBy Ann Lee\nUpdated 0339 GMT (1139 HKT) November 19, 2019\nIt rained.\n"
        "Sport\nBy Bo Chen\nUpdated 0400 GMT November 19, 2019\nWe won.\n",
    ],
)
def test_dates_are_no_citations(page):
    result = segment_page(page)
    assert result.page_type != "abstract_listing"
    assert lost_lines(page, result) == []


def test_comment_button_under_the_headline_opens_no_thread():
    page = (
        "Boards and clinicians\nBy Ann Lee\n\nA short standfirst.\n\nComments\n\n"
        "Boards with clinicians on them make safer decisions, the study found.\n\n"
        "The effect was largest in acute trusts.\n"
    )
    records = segment_page(page).records
    assert [(r.doc_type, r.text) for r in records] == [
        (
            "blog_post",
            "A short standfirst.\n\nBoards with clinicians on them make safer "
            "decisions, the study found.\n\nThe effect was largest in acute trusts.",
        ),
    ]


def test_signed_sidebar_headlines_are_no_forum_replies():
    page = (
        "Rota reform\nBy Ann Lee\n\nRotas should be set six weeks ahead.\n\n"
        "Trust appoints new chair\nby Bo Chen\n\nNurse leaders meet in Leeds\nby Cy Dee\n"
    )
    result = segment_page(page)
    assert [(r.doc_type, r.author) for r in result.records] == [
        ("blog_post", "Ann Lee"),
        ("web_page", None),
    ]
    assert result.records[1].text == ("Trust appoints new chair\nby Bo Chen\n\nNurse leaders meet in Leeds\nby Cy Dee")

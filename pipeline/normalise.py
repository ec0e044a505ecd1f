"""The normalisation layer every analysis counts with: ``norm`` = normalised lemma.

A token's ``norm`` is its spaCy lemma, lower-cased, stripped, with American spellings mapped to
British ones (the house style of the corpus, which is mostly UK health-care writing, and of
the report). Mapping one way removes a spurious source of variation from keyness, collocation
and topic counts: "organization" and "organisation" are one word for every analysis.

Spelling is mapped by

1. an explicit dictionary, :data:`SPELLING_MAP` (American lemma -> British lemma), covering the
   common words of this domain whose variants no safe rule can catch: -or/-our (behavior,
   labor), -er/-re (center), -l-/-ll- (modeling, counselor), ae/oe medical spellings
   (pediatric, anesthetist, hematology), -og/-ogue, program -> programme, and a few others;
2. two regular rules applied when the dictionary has no entry:

   - ``-ize`` family -> ``-ise`` (``-ize, -izes, -ized, -izing, -izer(s), -ization(s),
     -izational``) when the stem before ``ize`` has at least three letters and the word is not
     one whose ``-ize`` is part of the root (:data:`IZE_EXCEPTIONS`: size and its compounds
     such as capsize, downsize; prize, seize, maize, baize, assize). "size", "prize" and
     "capsize" are therefore left alone, "citizen" does not match at all.
   - ``-lyze`` -> ``-lyse`` (analyze, paralyze, catalyze, dialyze; no English root ends in
     "lyze").

Decisions worth knowing:

- "program" is mapped to "programme": in this domain a program is almost always a
  programme of work; the rare "computer program" sense is merged with it.
- Words with a noun/verb spelling split in British English (license/licence,
  practice/practise) are left as the lemmatiser gives them: the lemma alone cannot tell
  the two apart.

The two lemma families the whole study is about, LEADERSHIP and MANAGEMENT, are defined here
and only here (:data:`FAMILIES`). They are sets of norms:

- ``leadership``: lead, leader, leadership, leading, co-lead/colead, co-leader/coleader,
  leaderless, leaderly, leaderful. spaCy lemmatises "led" (the past of the verb) to "lead",
  so it is covered through "lead". "lead" as a noun can also mean the metal or an ECG
  electrode, and the adjective "leading" often means "foremost" ("the leading cause of
  death"); the family is lemma-based and keeps them: an analysis that needs the sense filters
  on ``pos`` (e.g. ``pos in {"VERB", "NOUN"}``) or on the dependency context.
- ``management``: manage, manager, management, managerial, managerialism, managerialist,
  managing, manageress, mismanage, mismanagement, co-manage/comanage, co-manager/comanager.
  "manageable"/"unmanageable" are left out: they mean "possible to cope with", not the
  activity or role of managing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType

import pandas as pd
from spacy.lang.en.stop_words import STOP_WORDS

__all__ = [
    "FAMILIES",
    "IZE_EXCEPTIONS",
    "LEADERSHIP",
    "MANAGEMENT",
    "SPELLING_MAP",
    "family_of",
    "normalise_lemma",
    "normalise_series",
    "stop_words",
]

_OUR = {
    "behavior": "behaviour",
    "behaviors": "behaviours",
    "behavioral": "behavioural",
    "behaviorally": "behaviourally",
    "behaviorist": "behaviourist",
    "color": "colour",
    "colored": "coloured",
    "colorful": "colourful",
    "endeavor": "endeavour",
    "favor": "favour",
    "favorable": "favourable",
    "favorably": "favourably",
    "favorite": "favourite",
    "flavor": "flavour",
    "harbor": "harbour",
    "honor": "honour",
    "honorable": "honourable",
    "humor": "humour",
    "labor": "labour",
    "laborer": "labourer",
    "neighbor": "neighbour",
    "neighborhood": "neighbourhood",
    "rumor": "rumour",
    "savior": "saviour",
    "tumor": "tumour",
    "unfavorable": "unfavourable",
    "vigor": "vigour",
}
_RE = {
    "center": "centre",
    "centered": "centred",
    "centering": "centring",
    "epicenter": "epicentre",
    "fiber": "fibre",
    "liter": "litre",
    "theater": "theatre",
}
_LL = {
    "canceled": "cancelled",
    "canceling": "cancelling",
    "counseled": "counselled",
    "counseling": "counselling",
    "counselor": "counsellor",
    "enroll": "enrol",
    "enrollment": "enrolment",
    "fulfill": "fulfil",
    "fulfillment": "fulfilment",
    "labeled": "labelled",
    "labeling": "labelling",
    "modeled": "modelled",
    "modeler": "modeller",
    "modeling": "modelling",
    "signaling": "signalling",
    "skillful": "skilful",
    "traveled": "travelled",
    "traveler": "traveller",
    "traveling": "travelling",
}
_AE_OE = {
    "anemia": "anaemia",
    "anesthesia": "anaesthesia",
    "anesthesiologist": "anaesthesiologist",
    "anesthesiology": "anaesthesiology",
    "anesthetic": "anaesthetic",
    "anesthetist": "anaesthetist",
    "diarrhea": "diarrhoea",
    "edema": "oedema",
    "esophageal": "oesophageal",
    "esophagus": "oesophagus",
    "estrogen": "oestrogen",
    "etiology": "aetiology",
    "gynecologist": "gynaecologist",
    "gynecology": "gynaecology",
    "hematology": "haematology",
    "hemoglobin": "haemoglobin",
    "hemorrhage": "haemorrhage",
    "ischemia": "ischaemia",
    "ischemic": "ischaemic",
    "leukemia": "leukaemia",
    "orthopedic": "orthopaedic",
    "orthopedics": "orthopaedics",
    "pediatric": "paediatric",
    "pediatrician": "paediatrician",
    "pediatrics": "paediatrics",
}
_OTHER = {
    "acknowledgment": "acknowledgement",
    "aging": "ageing",
    "catalog": "catalogue",
    "defense": "defence",
    "dialog": "dialogue",
    "gray": "grey",
    "judgment": "judgement",
    "maneuver": "manoeuvre",
    "program": "programme",
    "programs": "programmes",
}

SPELLING_MAP: Mapping[str, str] = MappingProxyType(dict(sorted({**_OUR, **_RE, **_LL, **_AE_OE, **_OTHER}.items())))
"""American lemma -> British lemma for words no regular rule covers safely."""

IZE_EXCEPTIONS: frozenset[str] = frozenset(
    {
        "assize",
        "baize",
        "capsize",
        "downsize",
        "maize",
        "midsize",
        "outsize",
        "oversize",
        "prize",
        "resize",
        "seize",
        "size",
        "supersize",
        "undersize",
        "upsize",
    }
)
"""Words (in their ``-ize`` form) whose ``ize`` belongs to the root and must not become ``ise``."""

_IZE = re.compile(r"^(?P<stem>[a-z][a-z-]*?)iz(?P<ending>e|es|ed|ing|er|ers|ation|ations|ational)$")
_LYZE = re.compile(r"^(?P<stem>[a-z-]*ly)z(?P<ending>e|es|ed|ing|er|ers)$")
_WHITESPACE = re.compile(r"\s+")

LEADERSHIP: frozenset[str] = frozenset(
    {
        "co-lead",
        "co-leader",
        "colead",
        "coleader",
        "lead",
        "leader",
        "leaderful",
        "leaderless",
        "leaderly",
        "leadership",
        "leading",
    }
)
MANAGEMENT: frozenset[str] = frozenset(
    {
        "co-manage",
        "co-manager",
        "comanage",
        "comanager",
        "manage",
        "management",
        "manager",
        "manageress",
        "managerial",
        "managerialism",
        "managerialist",
        "managing",
        "mismanage",
        "mismanagement",
    }
)
FAMILIES: Mapping[str, frozenset[str]] = MappingProxyType({"leadership": LEADERSHIP, "management": MANAGEMENT})
"""Family name -> the norms that belong to it. The only definition of the two families."""

_FAMILY_OF = MappingProxyType({norm: family for family, norms in FAMILIES.items() for norm in norms})


def _ize_to_ise(word: str) -> str:
    match = _IZE.match(word)
    if match is None:
        return word
    stem = match["stem"]
    base = stem + "ize"
    root = base.rsplit("-", 1)[-1]
    if len(stem.replace("-", "")) < 3 or base in IZE_EXCEPTIONS or root in IZE_EXCEPTIONS:
        return word
    return f"{stem}is{match['ending']}"


def normalise_lemma(lemma: str) -> str:
    """Return the norm of a spaCy lemma: lower-cased, stripped, British spelling.

    Inner whitespace (which spaCy lemmas almost never hold) is replaced by ``_`` so a norm is
    always one whitespace-free string.

    Args:
        lemma: A lemma as spaCy's lemmatiser gives it (any case).

    Returns:
        The normalised lemma, e.g. ``"Organizations"`` lemma ``"organization"`` ->
        ``"organisation"``, ``"modeling"`` -> ``"modelling"``, ``"size"`` -> ``"size"``.
    """
    word = _WHITESPACE.sub("_", lemma.strip().lower())
    mapped = SPELLING_MAP.get(word)
    if mapped is not None:
        return mapped
    lyse = _LYZE.match(word)
    if lyse is not None:
        return f"{lyse['stem']}s{lyse['ending']}"
    return _ize_to_ise(word)


def normalise_series(lemmas: pd.Series) -> pd.Series:
    """Apply :func:`normalise_lemma` to a Series, computing each distinct value once.

    Nulls stay null; the index and name are kept.
    """
    distinct = pd.unique(lemmas.dropna())
    mapping = {value: normalise_lemma(str(value)) for value in distinct}
    return lemmas.map(mapping, na_action="ignore").astype(lemmas.dtype)


def stop_words(*, extra: Iterable[str] = (), keep: Iterable[str] = ()) -> frozenset[str]:
    """Return the stop list: spaCy's English stop words + ``extra`` - ``keep``, as norms.

    Every entry is passed through :func:`normalise_lemma`, so the list can be compared with
    the ``norm`` column directly.

    Args:
        extra: Words to add (e.g. corpus boilerplate such as "nhs" for some analyses).
        keep: Words to remove from the list (e.g. pronouns an analysis wants to count).
    """
    words = {normalise_lemma(word) for word in STOP_WORDS} | {normalise_lemma(w) for w in extra}
    return frozenset(words - {normalise_lemma(word) for word in keep})


def family_of(norm: str) -> str | None:
    """Return ``"leadership"``, ``"management"`` or None for a norm (see :data:`FAMILIES`)."""
    return _FAMILY_OF.get(norm)

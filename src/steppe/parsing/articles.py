"""Split the page text below the header into articles.

A headline is recognised by its framing more than by its case: a short line standing alone
(blank line or page start before it), without a closing full stop, followed by a paragraph.
Recent pages write headlines in Title Case; older pages use sentence case and open the first
paragraph with a dateline ("BISHKEK (TCA) —"). A short sentence-case line inside a body with
no such signal is an own-line subheading and stays in its article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from steppe.parsing.header import parse_date_line, parse_listing_line
from steppe.parsing.model import Article

# Page furniture: lines that belong to no article.
FURNITURE_RES = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^continue reading\b",
        r"^read more\b",
        r"^register (?:now )?to read more\b",
        r"^(?:log ?in|sign ?in|subscribe) to (?:read|continue)\b",
        r"^written by\b",
        r"^\(?(?:image|images|photo|photos|photograph|picture|illustration|source)(?: credits?)?\s*:",
        r"^(?:articles|posts|stories) by\b",
        r"^author\s*:",
        r"^(?:image|photo) (?:credit|courtesy|source)\b",
        r"^\[/?caption\b",
        r"^share (?:this|on)\b",
        r"^tags?\s*:",
        r"^(?:posted|published) (?:on|in|by)\b",
        r"^by [A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3}$",
        r"^(?:«\s*)?(?:previous|next|older|newer)(?: (?:page|posts|articles))?(?:\s*»)?$",
        r"^page \d+ of \d+$",
        r"^(?:«\s*)?(?:\d+\s*)+(?:(?:next|»|…)\s*)*$",  # pagination: "1 2 3 Next »"
    )
]
# Furniture that closes an article excerpt: the next line opens a new article.
ARTICLE_END_RES = [
    re.compile(p, re.IGNORECASE)
    for p in (r"^continue reading\b", r"^register (?:now )?to read more\b", r"^read more\s*$")
]
BYLINE_RE = re.compile(r"^written by\b", re.IGNORECASE)
CAPTION_RE = re.compile(r"\[caption\b[^\]]*\].*?\[/caption\]", re.IGNORECASE | re.DOTALL)
STRAY_CAPTION_RE = re.compile(r"\[/?caption\b[^\]]*\]", re.IGNORECASE)

# "BISHKEK (TCA) —", "ALMATY, Kazakhstan –", "ASTANA (TCA) - "
DATELINE_RE = re.compile(
    r"^(?P<dateline>[A-Z][A-Z.'’\- ]{2,40}(?:,\s*[A-Z][A-Za-z.'’\- ]{2,30})?\s*(?:\((?:TCA|[A-Z]{2,10})\))?\s*"
    r"(?:—|–|--|-)\s*)\S"
)

# Words a Title-Case headline leaves in lower case.
SMALL_WORDS = frozenset(
    "a an and as at but by for from in into is it nor of off on onto or over per so than the to "
    "up upon via vs with amid after near out yet are be was were its his her their our about "
    "against among despite during before behind below beyond under until since within without "
    "through toward towards".split()
)
MAX_HEADLINE_CHARS = 220
MAX_HEADLINE_WORDS = 32
MAX_SUBHEADING_WORDS = 14
SENTENCE_END = ".!?…"
QUOTE_OPENERS = "“\"‘'(«"
CLOSERS = "\"'”’»)]"


def clean_line(line: str) -> str:
    """Drop caption codes; strip surrounding white space (NBSP included). Inner NBSPs stay."""
    line = CAPTION_RE.sub("", line)
    line = STRAY_CAPTION_RE.sub("", line)
    return line.strip()


def is_furniture(line: str) -> bool:
    """Navigation, credits and per-article date or listing lines: never titles, never body."""
    return (
        any(r.match(line) for r in FURNITURE_RES)
        or parse_date_line(line) is not None
        or parse_listing_line(line) is not None
    )


def ends_article(line: str) -> bool:
    return any(r.match(line) for r in ARTICLE_END_RES)


def _last_meaningful_char(text: str) -> str:
    stripped = text.rstrip().rstrip(CLOSERS)
    return stripped[-1] if stripped else ""


def ends_with_ellipsis(text: str) -> bool:
    stripped = text.rstrip().rstrip(CLOSERS)
    return stripped.endswith("...") or stripped.endswith("…")


def is_title_case(line: str) -> bool:
    """Most significant words capitalised (digits and symbols count as capitalised)."""
    words = [w.strip("“”\"'‘’()[],:;!?") for w in line.split()]
    significant = [w for w in words if w and w.lower() not in SMALL_WORDS]
    if len(significant) < 2:
        return False
    capitalised = sum(1 for w in significant if not w[0].isalpha() or w[0].isupper())
    return capitalised / len(significant) >= 0.8


def is_headline_shaped(line: str) -> bool:
    """Short, one line, no closing full stop, not a list item or quotation continuation."""
    if len(line) > MAX_HEADLINE_CHARS or len(line.split()) > MAX_HEADLINE_WORDS:
        return False
    first = line[0]
    if first in "•·*-–—" or first.islower():
        return False
    # Questions and exclamations may be headlines ("Will Kazakhstan Join BRICS?").
    return _last_meaningful_char(line) not in ".,;:…" and not ends_with_ellipsis(line)


# "Bishkek (TCA) -": the agency tag makes a dateline whatever the case of the place.
TCA_DATELINE_RE = re.compile(
    r"^(?P<dateline>[A-Z][\w.'’\- ]{1,40}(?:,\s*[A-Z][\w.'’\- ]{2,30})?\s*\(TCA\)\s*(?:—|–|--|-)\s*)\S"
)


def dateline_of(paragraph: str) -> str | None:
    tagged = TCA_DATELINE_RE.match(paragraph)
    if tagged:
        return tagged["dateline"].strip()
    match = DATELINE_RE.match(paragraph)
    if not match:
        return None
    first_word = match["dateline"].split()[0].strip(",.")
    # The place is written in capitals ("BISHKEK"); "A -" or "US-" openings are not datelines.
    if len(first_word) < 3 or not first_word.replace("-", "").isupper():
        return None
    return match["dateline"].strip()


@dataclass
class _Line:
    text: str
    blank_before: bool
    opens_article: bool = False


@dataclass
class _Draft:
    title: str
    parts: list[tuple[str, bool]] = field(default_factory=list)  # (text, is_subheading)

    @property
    def paragraphs(self) -> list[str]:
        return [t for t, sub in self.parts if not sub]


def _content_lines(lines: Iterable[str]) -> list[_Line]:
    """Non-blank, non-furniture lines with the framing facts segmentation needs."""
    out: list[_Line] = []
    blank_before = True
    end_seen = False
    for raw in lines:
        text = clean_line(raw)
        if not text:
            blank_before = True
            continue
        if is_furniture(text):
            end_seen = end_seen or ends_article(text)
            if BYLINE_RE.match(text) and out:
                # A byline follows a headline: the line before it opens an article.
                out[-1].opens_article = True
            blank_before = True
            continue
        out.append(_Line(text=text, blank_before=blank_before, opens_article=end_seen))
        blank_before = False
        end_seen = False
    return out


def _is_headline(lines: Sequence[_Line], i: int, current: _Draft | None) -> bool:
    line = lines[i]
    if current is None:
        # The first line after the header block opens the first article if it can be a title.
        return len(line.text) <= MAX_HEADLINE_CHARS * 1.2
    nxt = lines[i + 1] if i + 1 < len(lines) else None
    if nxt is None or not is_headline_shaped(line.text):
        return False
    if not (line.blank_before or line.opens_article):
        return False
    if line.opens_article or dateline_of(nxt.text):
        return True
    if not current.paragraphs:
        # The line before had no body (a section label, say): the line that a paragraph follows
        # is the headline. Of two headline-shaped lines before a paragraph, the second wins.
        return not is_headline_shaped(nxt.text)
    # Sentence case with nothing marking a new article is an own-line subheading.
    return is_title_case(line.text) and len(line.text.split()) >= 3


def _is_subheading(line: _Line, current: _Draft) -> bool:
    return (
        bool(current.paragraphs)
        and is_headline_shaped(line.text)
        and line.text[0] not in QUOTE_OPENERS  # a short quotation is a paragraph
        and len(line.text.split()) <= MAX_SUBHEADING_WORDS
    )


def segment_articles(lines: Iterable[str], *, is_page_end: bool = True) -> list[Article]:
    """Articles from the lines below the header block, in page order."""
    content = _content_lines(lines)
    drafts: list[_Draft] = []
    current: _Draft | None = None
    for i, line in enumerate(content):
        if _is_headline(content, i, current):
            current = _Draft(title=line.text)
            drafts.append(current)
        elif current is None:
            continue  # text before any headline (a cut-off page start) belongs to no article
        elif _is_subheading(line, current) and i + 1 < len(content):
            current.parts.append((line.text, True))
        else:
            current.parts.append((line.text, False))
    articles = []
    for n, draft in enumerate(drafts):
        if not draft.paragraphs or is_author_bio(draft.title, draft.paragraphs[0]):
            continue  # a headline with no body (a section label) or an author's bio is not an article
        is_last = n == len(drafts) - 1
        articles.append(_finish(draft, breaks_off_at_page_end=is_last and is_page_end))
    return articles


_BIO_VERB_RE = re.compile(r"^(?:is|was|has|had|joined|writes|covers|works|reports)\b")


def is_author_bio(title: str, first_paragraph: str) -> bool:
    """An author page: the "title" is a bare name and the text opens "<Name> is a journalist ..."."""
    words = title.split()
    if not 2 <= len(words) <= 4 or not all(w[0].isupper() and w.replace("-", "").replace("’", "").isalpha()
                                           for w in words):
        return False
    for lead in (title, words[-1], words[0]):
        if first_paragraph.startswith(lead + " ") or first_paragraph.startswith(lead + ","):
            rest = first_paragraph[len(lead):].lstrip(" ,")
            if _BIO_VERB_RE.match(rest):
                return True
    return False


def _finish(draft: _Draft, *, breaks_off_at_page_end: bool) -> Article:
    paragraphs = draft.paragraphs
    last_text = draft.parts[-1][0]
    truncated = ends_with_ellipsis(last_text) or (
        breaks_off_at_page_end and _last_meaningful_char(last_text) not in SENTENCE_END
    )
    inline: tuple[str, ...] = ()
    if len(paragraphs) == 1:
        inline = tuple(find_inline_subheadings(paragraphs[0]))
    return Article(
        title=draft.title,
        paragraphs=tuple(paragraphs),
        subheadings=tuple(t for t, sub in draft.parts if sub),
        body="\n\n".join(t for t, _ in draft.parts),
        is_truncated=truncated,
        inline_subheadings=inline,
        dateline=dateline_of(paragraphs[0]),
    )


# Words that open an ordinary sentence right after a flattened heading.
SENTENCE_STARTERS = frozenset(
    "The A An This That These Those In On At During According After Before As While Since With "
    "For By It Its He She They We I Our His Her Their Earlier Meanwhile However Also Both Some "
    "Many Most Several Under Following Despite Although Last Next One Another Such There Here "
    "When Where Among Today Yesterday Currently Previously Recently Additionally Moreover".split()
)
_SENTENCE_BREAK_RE = re.compile(r"(?:(?<=[.!?][”\"’)])|(?<=[.!?]))\s+(?=[A-Z])")


ROLE_WORDS = frozenset(
    "President Minister Head Chairman Chairwoman Spokesperson Spokesman Ambassador Deputy Director CEO "
    "Governor Mayor Prime Secretary Chief General Senator Professor Dr King Queen Leader Founder".split()
)


def find_inline_subheadings(paragraph: str) -> list[str]:
    """Title-Case headings flattened into a one-line body ("... ties. Priority Sectors The ...").

    After a sentence break, a run of capitalised words is a heading when the sentence that
    follows can be told apart: it opens with a common sentence starter ("The", "During"), or
    with a name followed by a lower-case word ("Kolokoltsev also ...") where the heading reads
    as one (it has a connective or an -ing word, and no role word that would make it a name).
    """
    found = []
    for chunk in _SENTENCE_BREAK_RE.split(paragraph)[1:]:
        heading = _leading_heading(chunk.split())
        if heading:
            found.append(heading)
    return found


def _is_capitalised(token: str) -> bool:
    bare = token.strip("“”\"'‘’(),")
    return bool(bare) and bare[0].isupper()


def _leading_heading(tokens: list[str]) -> str | None:
    run: list[str] = []
    for k, token in enumerate(tokens[:12]):
        next_is_lower = k + 1 < len(tokens) and tokens[k + 1][:1].islower()
        if token in SENTENCE_STARTERS and next_is_lower:
            return _accept(run, strict=False)
        if _is_capitalised(token) and next_is_lower and tokens[k + 1].lower() not in SMALL_WORDS:
            # "Ties Turkey and Turkmenistan already": a coordinated name pair opens the sentence.
            if len(run) >= 2 and run[-1] == "and":
                del run[-2:]
            return _accept(run, strict=True)
        if not (_is_capitalised(token) or token.lower() in SMALL_WORDS) or token[-1] in ".,;:!?":
            return None
        run.append(token)
    return None


def _accept(run: list[str], *, strict: bool) -> str | None:
    if len(run) < 2 or run[-1].lower() in SMALL_WORDS or not is_title_case(" ".join(run)):
        return None
    if strict:
        # A run led by a determiner or holding a possessive is a sentence subject, not a heading.
        if run[0] in {"The", "A", "An"} or any(t.endswith(("’s", "'s")) for t in run):
            return None
        if any(t.strip(".,") in ROLE_WORDS for t in run):
            return None
        if not any(t.lower() in SMALL_WORDS or t.lower().endswith("ing") for t in run):
            return None
    return " ".join(run)

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
from functools import cache
from importlib import resources

from steppe import budget
from steppe.parsing.header import parse_date_line, parse_listing_line
from steppe.parsing.model import Article

# Page furniture: lines that belong to no article.
FURNITURE_RES = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^continue reading\b",
        r"^read more\b",
        r"^register (?:now )?to read more\b",
        r"^(?:log ?in|sign ?in|subscribe) to (?:read|continue)\b",
        r"^[•·*]?\s*+written by\b",  # Joomla byline: "• Written by Charles van der Leeuw"
        r"^\(?(?:image|images|photo|photos|photograph|picture|illustration|source)(?: credits?)?\s*+:",
        r"^(?:articles|posts|stories) by\b",
        r"^author\s*+:",
        r"^(?:image|photo) (?:credit|courtesy|source)\b",
        r"^\[/?caption\b",
        r"^share (?:this|on)\b",
        r"^tags?\s*+:",
        r"^(?:posted|published) (?:on|in|by)\b",
        r"^by [A-Z][\w.'’-]++(?: [A-Z][\w.'’-]++){0,3}$",
        r"^(?:«\s*+)?(?:previous|next|older|newer)(?: (?:page|posts|articles))?(?:\s*+»)?$",
        r"^page \d++ of \d++$",
        r"^(?:«\s*+)?\d++(?:\s++\d++)*+\s*+(?:(?:next|»|…)\s*+)*+$",  # pagination: "1 2 3 Next »"
        r"^(?:the )?times of central asia$",  # the site's name under an old teaser
        r"^our people\s*+>",  # author page breadcrumb: "Our People > Sergey Kwan"
        r"^[^\n]{1,80}['’]s avatar$",
        r"^articles$",  # the heading of an author's list of articles
        r"^view more articles from",
        r"^(?:divider|-{3,}+|[—–]{2,}+|\*{3,}+)$",
    )
)
# Furniture that closes an article excerpt: the next line opens a new article.
ARTICLE_END_RES = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^continue reading\b",
        r"^register (?:now )?to read more\b",
        r"^read more\b",
        r"^articles$",
        r"^view more articles from",
    )
)


def _any_of(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str]:
    """One pattern that matches where any of `patterns` does (all IGNORECASE): one match call per line, not
    one per pattern (the furniture test runs on every line of every page). Each pattern stays compiled
    alone too, for the hostile tests to probe one by one."""
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.IGNORECASE)


FURNITURE_RE = _any_of(FURNITURE_RES)
ARTICLE_END_RE = _any_of(ARTICLE_END_RES)
BYLINE_RE = re.compile(r"^[•·*]?\s*+written by\b", re.IGNORECASE)
STRAY_CAPTION_RE = re.compile(r"\[/?caption\b[^\]\n]{0,500}\]", re.IGNORECASE)  # bounded: linear
# Link texts a teaser ends with, on its last line or on a line of their own.
TRAILING_LINKS = ("continue reading", "read more:", "read more", "read more ...", "read more…")
# "... Scholz sign agreements (Economy Ministry photo)", "Timur Statue; image: TCA, Stephen M. Bland",
# "... (Photo: gov.kz)", "... Source: akorda.kz": a photo caption or credit, never a title or body.
CAPTION_END_RE = re.compile(
    r"(?:\((?:[^()\n]{0,80}\s)?(?:photo|image|picture|illustration)s?\)"
    r"|\((?:photo|image|source)s?\s*+:[^()\n]{1,80}\)"
    r"|https?://\S{1,200}+"
    # "... akorda.kz": a lower-case domain ends it (a headline naming "Kaspi.kz" does not start lower case)
    r"|(?:^|[\s;:(])(?-i:(?:www\.)?[a-z0-9][\w-]{0,62}(?:\.[\w-]{1,63}){0,3}\.[a-z]{2,6})(?:/[^\s.]{0,200})?\)?)"
    r"\s*+$",
    re.IGNORECASE,
)
CREDIT_INSIDE_RE = re.compile(r"[;|–—]\s*+(?:image|photo|picture)s?(?: credits?)?\s*+:", re.IGNORECASE)
MAX_CAPTION_CHARS = 400
INLINE_DIVIDER_RE = re.compile(r"(?<=[.!?”\"’])\s++(?:divider|-{3,}+)\s++(?=[A-Z“\"‘])")

# "BISHKEK (TCA) —", "ALMATY, Kazakhstan –", "ASTANA (TCA) - "
DATELINE_RE = re.compile(
    r"^(?P<dateline>[A-Z][A-Z.'’\- ]{2,40}(?:,\s*+[A-Z][A-Za-z.'’\- ]{2,30})?\s*+(?:\((?:TCA|[A-Z]{2,10})\))?\s*+"
    r"(?:—|–|--|-)\s*+)\S"
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
    """Drop caption codes and inline dividers; strip surrounding white space (NBSP included). Inner NBSPs stay."""
    line = STRAY_CAPTION_RE.sub("", _drop_caption_spans(line))
    if "divider" in line or "---" in line:
        line = INLINE_DIVIDER_RE.sub(" ", line)
    return line.strip()


def _drop_caption_spans(line: str) -> str:
    """Remove "[caption ...]text[/caption]" spans with plain string search: linear in the line."""
    lower = line.lower()
    start = lower.find("[caption")
    if start < 0:
        return line
    kept: list[str] = []
    pos = 0
    while start >= 0:
        end = lower.find("[/caption]", start)
        if end < 0:
            break  # an unclosed code: only the code itself goes (STRAY_CAPTION_RE)
        kept.append(line[pos:start])
        pos = end + len("[/caption]")
        start = lower.find("[caption", pos)
    kept.append(line[pos:])
    return "".join(kept)


def split_trailing_link(text: str) -> tuple[str, bool]:
    """("body", True) for "body Continue reading": the link text a teaser ends with is not body text."""
    stripped = text.rstrip()
    lower = stripped.lower()
    for link in TRAILING_LINKS:
        if lower.endswith(link) and (len(lower) == len(link) or not lower[-len(link) - 1].isalnum()):
            return stripped[: -len(link)].rstrip(), True
    return text, False


def is_caption(line: str) -> bool:
    """A photo caption or credit line: "(... photo)", "; image: ...", "(Photo: ...)" or a bare link at its end."""
    if len(line) > MAX_CAPTION_CHARS:
        return False
    return bool(CAPTION_END_RE.search(line) or CREDIT_INSIDE_RE.search(line))


def is_furniture(line: str) -> bool:
    """Navigation, credits and per-article date or listing lines: never titles, never body."""
    return (
        FURNITURE_RE.match(line) is not None
        or parse_date_line(line) is not None
        or parse_listing_line(line) is not None
    )


def ends_article(line: str) -> bool:
    return ARTICLE_END_RE.match(line) is not None


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
    if not line or len(line) > MAX_HEADLINE_CHARS or len(line.split()) > MAX_HEADLINE_WORDS:
        return False
    first = line[0]
    if first in "•·*-–—" or first.islower():
        return False
    # Questions and exclamations may be headlines ("Will Kazakhstan Join BRICS?").
    return _last_meaningful_char(line) not in ".,;:…" and not ends_with_ellipsis(line)


# "Bishkek (TCA) -": the agency tag makes a dateline whatever the case of the place.
TCA_DATELINE_RE = re.compile(
    r"^(?P<dateline>[A-Z][\w.'’\- ]{1,40}(?:,\s*+[A-Z][\w.'’\- ]{2,30})?\s*+\(TCA\)\s*+(?:—|–|--|-)\s*+)\S"
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
    opens_article: bool = False  # an end marker (Continue reading, a byline below it) frames it as a headline
    closes_article: bool = False  # followed by "Continue reading", "Read more ..." or the like
    captions: tuple[str, ...] = ()  # photo captions right before it: they belong to its story


@dataclass
class _Draft:
    title: str
    parts: list[tuple[str, bool]] = field(default_factory=list)  # (text, is_subheading)
    last_line: int = -1  # index of its last content line
    closed: bool = False  # an end marker follows its last line: the excerpt ends there by design
    captions: list[str] = field(default_factory=list)
    has_paragraph: bool = False  # kept as parts are added: asking the parts on every line is quadratic

    def add(self, text: str, *, is_subheading: bool) -> None:
        self.parts.append((text, is_subheading))
        self.has_paragraph = self.has_paragraph or not is_subheading

    @property
    def paragraphs(self) -> list[str]:
        return [t for t, sub in self.parts if not sub]


def _content_lines(lines: Iterable[str]) -> list[_Line]:
    """Non-blank, non-furniture lines with the framing facts segmentation needs."""
    out: list[_Line] = []
    blank_before = True
    end_seen = False
    captions: list[str] = []  # captions waiting for the line they stand above
    for raw in lines:
        budget.check()
        text = clean_line(raw)
        if not text:
            blank_before = True
            continue
        if is_caption(text) and not is_furniture(text):
            captions.append(text)
            blank_before = True
            continue
        if is_furniture(text):
            if ends_article(text):
                end_seen = True
                if out:
                    out[-1].closes_article = True
            if BYLINE_RE.match(text) and out:
                # A byline follows a headline: the line before it opens an article.
                out[-1].opens_article = True
            blank_before = True
            continue
        text, has_link = split_trailing_link(text)
        if not text:
            continue
        out.append(_Line(text=text, blank_before=blank_before, opens_article=end_seen, closes_article=has_link,
                         captions=tuple(captions)))
        captions = []
        blank_before = False
        end_seen = has_link
    return _without_author_boxes(out)


_NAME_WORD_RE = re.compile(r"^[A-Z][\w'’.\-]{0,30}$")


def _is_name(text: str) -> bool:
    """A bare person's name: two to four capitalised words, nothing else."""
    words = text.split()
    # A small word ("of", "to") makes a phrase ("Times of Central Asia"), not a name.
    return 2 <= len(words) <= 4 and all(_NAME_WORD_RE.match(w) and w.lower() not in SMALL_WORDS for w in words)


def _without_author_boxes(lines: list[_Line]) -> list[_Line]:
    """Drop author boxes: "Name / Name / role / bio ... / View more articles from Name" under an
    article, or a bio at the top of an author page. The list after "Articles" is kept."""
    keep = [True] * len(lines)
    i = 0
    while i < len(lines):
        end = _author_box_end(lines, i)
        if end is None:
            i += 1
            continue
        for k in range(i, end):
            keep[k] = False
        if end < len(lines):
            lines[end].opens_article = True
        i = end
    return [line for line, kept in zip(lines, keep, strict=True) if kept]


def _author_box_end(lines: list[_Line], i: int) -> int | None:
    """Index after the author box starting at line i, or None if no box starts there."""
    name = lines[i].text
    if not _is_name(name):
        return None
    j = i + 1
    while j < len(lines) and j <= i + 2 and (lines[j].text == name or _is_role(lines[j].text)):
        j += 1
    if j >= len(lines) or not is_author_bio(name, lines[j].text):
        return None
    # The bio runs to the end marker that closed it ("View more articles from", "Articles") or the page end.
    while j < len(lines) and not lines[j - 1].closes_article:
        j += 1
    return j


def _is_role(text: str) -> bool:
    """A job line under an author's name: "Journalist", "Senior Editor"."""
    return len(text.split()) <= 3 and _last_meaningful_char(text) not in SENTENCE_END and text[:1].isupper()


@cache
def _naming_words() -> frozenset[str]:
    """Country names and demonyms, lower case: a short Title-Case line naming none is a subheading."""
    import pycountry  # lazy: only pages with a Title-Case line inside a long body need it

    forms: set[str] = set()
    for country in pycountry.countries:
        forms.update(getattr(country, k, "").lower() for k in ("name", "common_name"))
    data = resources.files("steppe").joinpath("data", "countries.tsv").read_text(encoding="utf-8")
    for row in data.splitlines():
        if row.startswith("#") or not row.strip():
            continue
        for column in row.split("\t")[1:4]:
            forms.update(f.strip().lower() for f in column.split("|") if f.strip())
    forms.update(("central asia", "central asian", "eu", "u.s.", "us", "uk", "un", "caspian"))
    forms.discard("")
    return frozenset(forms)


def names_a_country(line: str) -> bool:
    """Whether a country, demonym or region of the site's beat is named in the line."""
    words = [w.strip("“”\"'‘’()[],:;!?").removesuffix("’s").removesuffix("'s").lower() for w in line.split()]
    forms = _naming_words()
    for size in (1, 2, 3):
        for k in range(len(words) - size + 1):
            gram = " ".join(words[k : k + size])
            if gram in forms or (size == 1 and "-" in gram and any(p in forms for p in gram.split("-"))):
                return True
    return False


MAX_TITLE_CASE_SUBHEADING_WORDS = 6


def _is_title_case_subheading(text: str) -> bool:
    """On an article page, "Financial and Logistical Challenges" heads a section: short, and names
    no country, where a news headline names who or where ("Kazakhstan Welcomes Turkish Investors")."""
    return len(text.split()) <= MAX_TITLE_CASE_SUBHEADING_WORDS and not names_a_country(text)


MIN_STANDFIRST_WORDS = 8
MIN_TITLE_WITH_STOP_WORDS = 4


def _is_title_case_sentence(line: str) -> bool:
    """A Title-Case headline that ends with a stray full stop; a list of names ("Bukhara, Samarkand,
    Khiva.") has commas and is no title."""
    return (
        line.endswith(".")
        and not ends_with_ellipsis(line)
        and "," not in line
        and is_headline_shaped(line[:-1])
        and len(line.split()) >= MIN_TITLE_WITH_STOP_WORDS
        and is_title_case(line)
    )


def _is_standfirst(line: str, title: str) -> bool:
    """A summary line under a headline: sentence case, longer than it, no closing full stop."""
    return (
        not is_title_case(line)
        and len(line.split()) >= max(MIN_STANDFIRST_WORDS, len(title.split()) + 1)
        and _last_meaningful_char(line) not in SENTENCE_END
    )


def _is_headline(lines: Sequence[_Line], i: int, current: _Draft | None, *, excerpts: bool) -> bool:
    line = lines[i]
    nxt = lines[i + 1] if i + 1 < len(lines) else None
    if current is None and nxt is not None and _is_title_case_sentence(line.text):
        return True  # "Agency Allocates $25 million to Kyrgyz Universities." opening the page: a title
    if not is_headline_shaped(line.text):
        return False
    if current is None:
        # The first headline-shaped line after the header block opens the first article, unless
        # it is a section label with the real headline below it.
        return nxt is None or not _is_label_over(line.text, nxt, lines[i + 2] if i + 2 < len(lines) else None)
    if line.opens_article:
        return True  # an end marker closed the article before: even a headline cut off by the dump end
    if nxt is None or not line.blank_before:
        return False
    if dateline_of(nxt.text):
        return True
    if not current.has_paragraph:
        # Nothing under the previous "headline" yet: it was a label, or this is its standfirst.
        return _is_label_over(current.title, line, nxt)
    if _is_standfirst(nxt.text, line.text) and i + 2 < len(lines):
        return True  # headline, standfirst, text: a new story (a digest's items)
    # Sentence case with nothing marking a new article is an own-line subheading.
    if not (is_title_case(line.text) and len(line.text.split()) >= 3):
        return False
    return excerpts or not _is_title_case_subheading(line.text)


def _is_label_over(label: str, line: _Line, after: _Line | None) -> bool:
    """Of two headline-shaped lines before a paragraph, the second is the headline (the first was a
    section label), unless the second is the first one's standfirst."""
    if after is None or not is_headline_shaped(line.text) or _is_standfirst(line.text, label):
        return False
    return not is_headline_shaped(after.text) or _is_standfirst(after.text, line.text)


def _is_subheading(line: _Line, current: _Draft) -> bool:
    return (
        current.has_paragraph
        and is_headline_shaped(line.text)
        and line.text[0] not in QUOTE_OPENERS  # a short quotation is a paragraph
        and len(line.text.split()) <= MAX_SUBHEADING_WORDS
        and not _is_standfirst(line.text, current.title)
    )


def segment_articles(lines: Iterable[str], *, is_page_end: bool = True, excerpts: bool = False) -> list[Article]:
    """Articles from the lines below the header block, in page order.

    excerpts: the page is a listing (it has a "Viewing results" header), whose articles are
    one-paragraph excerpts: a Title-Case line after one is always the next headline.
    """
    content = _content_lines(lines)
    drafts: list[_Draft] = []
    current: _Draft | None = None
    for i, line in enumerate(content):
        budget.check()
        if _is_headline(content, i, current, excerpts=excerpts):
            current = _Draft(title=line.text, captions=list(line.captions))
            drafts.append(current)
        elif current is None or line.opens_article:
            current = None  # text before any headline (a cut-off page start) or after a closed one: no article
            continue
        elif _is_subheading(line, current) and i + 1 < len(content):
            current.add(line.text, is_subheading=True)
            current.captions.extend(line.captions)
        else:
            current.add(line.text, is_subheading=False)
            current.captions.extend(line.captions)
        if current is not None:
            current.last_line = i
            current.closed = line.closes_article
    articles = []
    for draft in drafts:
        if not draft.paragraphs or is_author_bio(draft.title, draft.paragraphs[0]):
            continue  # a headline with no body (a section label) or an author's bio is not an article
        at_dump_end = is_page_end and draft.last_line == len(content) - 1 and not draft.closed
        articles.append(_finish(draft, breaks_off_at_page_end=at_dump_end))
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
        captions=tuple(draft.captions),
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
        budget.check()
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

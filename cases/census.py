"""Reading a DfE Children in Need census return (XML), one child at a time.

Before anything is read for import, `check_census_file` reads the whole file once and refuses one
that is not a well-formed CIN census message (wrong root, unreadable or mislabelled encoding,
cut short), so a broken file imports nothing; its `CensusFileError` says what is wrong in one line.

A council's return, or several years of them, can be far larger than memory should hold, so the
file is streamed with `iterparse`: each <Child> is turned into plain dataclasses as soon as it
has been read and then cleared and detached from the tree, so memory stays flat whatever the
file's size. No database here, and no rules: the import (cases/history_import.py) applies the
census rules (cases/census_rules.py) to what this hands over.

Values are taken as the file gives them; a value that cannot be read (a date that is not a date)
is listed in `CensusChild.format_problems` rather than raised, so that one bad child does not
stop the rest of the file.
"""

import codecs
import functools
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO
from xml.parsers import expat
from xml.sax.saxutils import quoteattr

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class CensusPlan:
    """One <ChildProtectionPlans> module, with what its episode (<CINdetails>) says about it."""

    start_date: date | None
    end_date: date | None
    initial_category: str
    latest_category: str
    declared_previous_plans: int | None
    review_dates: tuple[date, ...]
    assessment_factors: tuple[str, ...]
    episode: int
    referral_date: date | None
    # DateOfInitialCPC of each <Section47> of the episode (None where one has none), and of the
    # <CINdetails> itself: rule 2885 compares the plan's start with them.
    section47_conferences: tuple[date | None, ...]
    episode_conference: date | None


@dataclass(frozen=True)
class CensusCINPlan:
    """One <CINPlanDates> module: a Child in Need plan, which may not run beside a CP plan."""

    start_date: date
    end_date: date | None
    episode: int


@dataclass(frozen=True)
class CensusChild:
    """One <Child> of the return. The census holds no names; `local_child_id` is LAchildID."""

    local_child_id: str
    reference_date: date | None
    date_of_birth: date | None
    expected_date_of_birth: date | None
    death_date: date | None
    sex: str
    ethnicity: str
    has_disability: bool | None
    plans: tuple[CensusPlan, ...]
    cin_plans: tuple[CensusCINPlan, ...]
    format_problems: tuple[str, ...]


@functools.lru_cache(maxsize=8192)
def _parse_date(raw: str) -> date | None:
    """A census date, or None when it is not one. xs:date may carry a time zone
    ("2024-05-01Z", "2024-05-01+01:00"); the day is what counts."""
    if not _DATE.match(raw):
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        return None


def _all(element, path: str) -> list:
    """element.findall(path) for a path of plain tags, one level at a time: the same elements,
    without the general path machinery, which is most of the cost of reading a child."""
    found = [element]
    for tag in path.split("/"):
        found = [child for parent in found for child in parent.findall(tag)]
    return found


def _local(tag: str) -> str:
    """The element's name without any namespace, so files with and without one read alike."""
    return tag.rsplit("}", 1)[-1]


class _Reader:
    """Turns one <Child> element into a CensusChild, collecting what it could not read."""

    def __init__(self, reference_date: date | None):
        self.reference_date = reference_date
        self.problems: list[str] = []

    def text(self, element, path: str) -> str:
        return (element.findtext(path) or "").strip() if element is not None else ""

    def day(self, element, path: str) -> date | None:
        raw = self.text(element, path)
        return self._checked_date(path.rsplit("/", 1)[-1], raw) if raw else None

    def days(self, element, path: str) -> tuple[date, ...]:
        found = (self._checked_date(item.tag, (item.text or "").strip()) for item in _all(element, path))
        return tuple(day for day in found if day is not None)

    def _checked_date(self, name: str, raw: str) -> date | None:
        day = _parse_date(raw)
        if day is None:
            self.problems.append(f"{name} {raw!r} is not a date (YYYY-MM-DD)")
        return day

    def number(self, element, path: str) -> int | None:
        raw = self.text(element, path)
        if not raw:
            return None
        try:
            return int(raw)
        except ValueError:
            self.problems.append(f"{path.rsplit('/', 1)[-1]} {raw!r} is not a whole number")
            return None

    def child(self, element) -> CensusChild:
        ids = element.find("ChildIdentifiers")
        characteristics = element.find("ChildCharacteristics")
        disabilities = [] if characteristics is None else _all(characteristics, "Disabilities/Disability")
        codes = {(d.text or "").strip().upper() for d in disabilities}
        plans, cin_plans = [], []
        for episode, details in enumerate(element.findall("CINdetails")):
            plans += self.plans(details, episode)
            for cin_plan in details.findall("CINPlanDates"):
                start = self.day(cin_plan, "CINPlanStartDate")
                if start is not None:
                    cin_plans.append(CensusCINPlan(start, self.day(cin_plan, "CINPlanEndDate"), episode))
        local_child_id = self.text(ids, "LAchildID")
        if not local_child_id:
            self.problems.append("the child has no LAchildID")
        return CensusChild(
            local_child_id=local_child_id,
            reference_date=self.reference_date,
            date_of_birth=self.day(ids, "PersonBirthDate"),
            expected_date_of_birth=self.day(ids, "ExpectedPersonBirthDate"),
            death_date=self.day(ids, "PersonDeathDate"),
            # GenderCurrent in the 2024 schema, Sex in other years' files.
            sex=self.text(ids, "GenderCurrent") or self.text(ids, "Sex"),
            ethnicity=self.text(characteristics, "Ethnicity"),
            has_disability=(codes != {"NONE"}) if codes else None,
            plans=tuple(plans),
            cin_plans=tuple(cin_plans),
            format_problems=tuple(self.problems),
        )

    def plans(self, details, episode: int) -> list[CensusPlan]:
        factors = tuple(
            dict.fromkeys(
                (item.text or "").strip()
                for item in _all(details, "Assessments/FactorsIdentifiedAtAssessment/AssessmentFactors")
                if (item.text or "").strip()
            )
        )
        section47_conferences = tuple(self.day(s47, "DateOfInitialCPC") for s47 in details.findall("Section47"))
        episode_conference = self.day(details, "DateOfInitialCPC")
        referral = self.day(details, "CINreferralDate")
        found = []
        for plan in details.findall("ChildProtectionPlans"):
            start = self.day(plan, "CPPstartDate")
            found.append(
                CensusPlan(
                    start_date=start,
                    end_date=self.day(plan, "CPPendDate"),
                    initial_category=self.text(plan, "InitialCategoryOfAbuse"),
                    latest_category=self.text(plan, "LatestCategoryOfAbuse"),
                    declared_previous_plans=self.number(plan, "NumberOfPreviousCPP"),
                    review_dates=self.days(plan, "Reviews/CPPreviewDate"),
                    assessment_factors=factors,
                    episode=episode,
                    referral_date=referral,
                    section47_conferences=section47_conferences,
                    episode_conference=episode_conference,
                )
            )
        return found


@dataclass(frozen=True)
class ChildElement:
    """One <Child> of a return as the file gives it, to be read into a CensusChild only when wanted
    (`read_elements`). `text` is the element exactly as written, so an unchanged child has the same
    text in the next import of the return, which can tell it was imported already without reading
    it (cases/history_import.py)."""

    text: str
    reference_date: date | None
    # The namespace declarations of the header, (prefix, URI), which the element's names may use.
    namespaces: tuple[tuple[str, str], ...]


READ_TOGETHER = 100


def read_elements(elements: list[ChildElement]) -> Iterator[CensusChild]:
    """The children of `elements` (all of one return), in their order.

    They are parsed READ_TOGETHER at a time, as one document: setting a parser up costs more than
    parsing one small element. Should that fail, each is parsed alone, so that ParseError is raised
    at the first that is not well-formed and the children before it are yielded first.
    """
    for first in range(0, len(elements), READ_TOGETHER):
        yield from _read_together(elements[first : first + READ_TOGETHER])


def _read_together(elements: list[ChildElement]) -> Iterator[CensusChild]:
    if not elements:
        return
    first = elements[0]
    declared = " ".join(f"xmlns{':' + prefix if prefix else ''}={quoteattr(uri)}" for prefix, uri in first.namespaces)
    try:
        parsed = list(ET.fromstring(f"<Children {declared}>{''.join(e.text for e in elements)}</Children>"))
    except ET.ParseError:
        if len(elements) == 1:
            raise
        for element in elements:
            yield from _read_together([element])
        return
    names: dict[str, str] = {}
    for element, item in zip(elements, parsed, strict=True):
        if first.namespaces or "xmlns" in element.text:
            for part in item.iter():
                part.tag = names.get(part.tag) or names.setdefault(part.tag, _local(part.tag))
        yield _Reader(first.reference_date).child(item)


READ_CHUNK = 256 * 1024
# The name of a <Child> tag (start, end or empty), found by the fast literal search; the tag's "<"
# and any namespace prefix before it are checked after.
_CHILD_NAME = re.compile(r"Child(?=[\s/>])")
_TAG_HEAD = re.compile(r"/?(?:[^\W\d][\w.\-]*:)?")
_REST_OF_TAG = re.compile(r"""(?:[^>"']|"[^"]*"|'[^']*')*>""")
# Markup that may hold the text "<Child>" without it being a tag, and what closes it.
_OPAQUE = (("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>"))
_DECLARATION = re.compile(r"^\ufeff?\s*<\?xml[^>]*\?>")


def _next_tag(text: str, at: int) -> tuple[int, int, bool]:
    """The next <Child> tag in `text` from `at`: (where it starts, where it ends, whether it is an end
    tag), stepping over comments, CDATA and processing instructions. When the text holds no whole
    tag, (where to read on from, -1, False): the tag or markup the text stops in the middle of, or
    the last "<", which may open a tag not yet whole."""
    while True:
        found = _CHILD_NAME.search(text, at)
        limit = found.start() if found is not None else len(text)
        opaque = [i for i in (text.find("<!", at, limit), text.find("<?", at, limit)) if i >= 0]
        if opaque:
            markup = min(opaque)
            close = next((close for opener, close in _OPAQUE if text.startswith(opener, markup)), None)
            if close is None:
                if len(text) - markup < len("<![CDATA["):
                    return markup, -1, False
                raise ET.ParseError(f"unexpected markup {text[markup : markup + 10]!r} among the children")
            end = text.find(close, markup + 2)
            if end < 0:
                return markup, -1, False
            at = end + len(close)
            continue
        if found is None:
            return max(at, text.rfind("<", at)), -1, False
        tag = text.rfind("<", at, found.start())
        if tag < 0 or _TAG_HEAD.fullmatch(text, tag + 1, found.start()) is None:
            at = found.end()  # "Child" in text, or the end of a longer name
            continue
        rest = _REST_OF_TAG.match(text, found.end())
        return tag, rest.end() if rest is not None else -1, text[tag + 1] == "/"


def _texts(stream: BinaryIO) -> Iterator[str]:
    """The text before the first <Child> (the header), then the text of each <Child> element, in
    file order, holding one child and one chunk of the file at a time.

    The elements are found by their tags alone, without building a tree: `check_census_file` has
    already found the file well-formed, and in well-formed XML every "<" is markup, so the tags of
    a <Child> are where its name is, once comments, CDATA and processing instructions are stepped
    over. Raises xml.etree.ElementTree.ParseError if the file ends inside a child.
    """
    head = stream.read(READ_CHUNK)
    decoder = codecs.getincrementaldecoder(_encoding_of(head)[1])()
    text, chunk = decoder.decode(head), head
    at = start = depth = 0
    header_seen = False
    while True:
        tag, end, closing = _next_tag(text, at)
        if end >= 0:
            at = end
            if closing:
                depth -= 1
                if depth == 0:
                    yield text[start:at]
                continue
            if depth == 0:
                start = tag
                if not header_seen:
                    header_seen = True
                    yield text[:tag]
            if text[at - 2] != "/":
                depth += 1
            elif depth == 0:  # <Child/>
                yield text[start:at]
            continue
        if not chunk:
            if depth:
                raise ET.ParseError("the file ends inside a <Child> element")
            return
        at = tag
        if header_seen:
            keep = start if depth else at
            text, at, start = text[keep:], at - keep, start - keep
        chunk = stream.read(READ_CHUNK)
        text += decoder.decode(chunk, final=not chunk)


def _header(text: str) -> tuple[date | None, tuple[tuple[str, str], ...]]:
    """The reference date and the namespace declarations of the text before the first child."""
    parser = ET.XMLPullParser(events=("start-ns", "end"))
    parser.feed(_DECLARATION.sub("", text, count=1))
    reference_date, namespaces = None, {}
    for event, item in parser.read_events():
        if event == "start-ns":
            namespaces.setdefault(*item)
        elif _local(item.tag) == "ReferenceDate" and reference_date is None:
            reference_date = _parse_date((item.text or "").strip())
    return reference_date, tuple(namespaces.items())


def child_elements(stream: BinaryIO) -> Iterator[ChildElement]:
    """Yield every <Child> of a checked census return (see `check_census_file`), in file order,
    holding one child in memory at a time."""
    texts = _texts(stream)
    header = next(texts, None)
    if header is None:
        return
    reference_date, namespaces = _header(header)
    for text in texts:
        yield ChildElement(text, reference_date, namespaces)


def read_children(source: str | BinaryIO) -> Iterator[CensusChild]:
    """Yield every <Child> of a census return, in file order, holding a few children in memory at a time.

    `source` is a path or a binary file object. Raises xml.etree.ElementTree.ParseError where a
    child is not well-formed XML (the children before it have been yielded): check a file with
    `check_census_file` first, which finds every fault.
    """
    with open(source, "rb") if isinstance(source, str) else nullcontext(source) as stream:
        group = []
        try:
            for element in child_elements(stream):
                group.append(element)
                if len(group) == READ_TOGETHER:
                    yield from read_elements(group)
                    group = []
        except ET.ParseError:
            yield from read_elements(group)
            raise
        yield from read_elements(group)


class CensusFileError(ValueError):
    """The file is not a CIN census return that can be read; the message says why, in one line."""


@dataclass(frozen=True)
class CensusFile:
    """What the check learnt of a readable return."""

    reference_date: date
    children: int


CHUNK = 64 * 1024
_DECLARED_ENCODING = re.compile(r"""<\?xml[^>]*\bencoding\s*=\s*["']([^"']*)["']""")
_BYTE_ORDER_MARKS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Expat's codes for a document that stops before its root element closes.
_CUT_SHORT = {3, 5, 6}  # no element found, unclosed token, partial character
_UNKNOWN_ENCODING = 18


def _encoding_of(head: bytes) -> tuple[str, str]:
    """(the label the file gives, the codec that reads it); XML without a label is UTF-8."""
    base = next((name for mark, name in _BYTE_ORDER_MARKS if head.startswith(mark)), "utf-8")
    declared = _DECLARED_ENCODING.search(head.decode(base, errors="replace"))
    label = declared.group(1).strip() if declared else base
    try:
        return label, codecs.lookup(label).name
    except LookupError:
        raise CensusFileError(
            f"The file says its characters are in the encoding {label!r}, which is not an encoding name: "
            "save it as UTF-8 and load it again."
        ) from None


class _Check:
    """Follows the parser through the root and the header, then only counts the children.

    No tree is built: expat checks the whole file is well-formed at its own speed, and Python is
    called once per element start to count the children, not three times per element.
    """

    def __init__(self, parser):
        self.parser = parser
        self.depth = 0
        self.reference_date: date | None = None
        self.reference_text = ""
        self.collection = ""
        self.children = 0
        self.reading: str | None = None
        self.text: list[str] = []
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.data
        parser.StartDoctypeDeclHandler = self.doctype

    def doctype(self, name: str, *ids) -> None:
        # A return has none; the import finds each child by its tags (`_texts`), which a document
        # type's entities could hide or make up.
        raise CensusFileError(
            f"The file declares a document type (<!DOCTYPE {name}>), which a CIN census return never has: "
            "export the return again without it."
        )

    def start(self, tag: str, attributes) -> None:
        name = _local(tag)
        if not self.depth and name != "Message":
            raise CensusFileError(
                f"The file's root element is <{name}>, not the census <Message>: it is not a CIN census return."
            )
        self.depth += 1
        if name == "Child":
            # The header comes before the children: from here on, only count them.
            self.children = 1
            self.parser.StartElementHandler = self.count
            self.parser.EndElementHandler = None
            self.parser.CharacterDataHandler = None
        elif name in ("ReferenceDate", "Collection"):
            self.reading, self.text = name, []

    def count(self, tag: str, attributes) -> None:
        if tag == "Child" or tag.endswith("}Child"):
            self.children += 1

    def data(self, text: str) -> None:
        if self.reading:
            self.text.append(text)

    def end(self, tag: str) -> None:
        self.depth -= 1
        if self.reading is None:
            return
        value, self.reading = "".join(self.text).strip(), None
        if _local(tag) == "ReferenceDate" and not self.reference_text:
            self.reference_text = value
            self.reference_date = _parse_date(value)
        elif _local(tag) == "Collection" and not self.collection:
            self.collection = value


def check_census_file(stream: BinaryIO) -> CensusFile:
    """Read the whole file once; refuse it unless it is a well-formed CIN census message.

    `stream` is a binary file object, read from where it stands to its end (the caller seeks back
    to import). Memory stays flat: each child is dropped once read. Raises CensusFileError.
    """
    head = stream.read(CHUNK)
    if not head.strip():
        raise CensusFileError("The file is empty: a census return starts with <?xml or <Message>.")
    label, codec = _encoding_of(head)
    decoder = codecs.getincrementaldecoder(codec)()
    parser = expat.ParserCreate(namespace_separator="}")
    check = _Check(parser)
    lines_before = 0
    chunk = head
    try:
        while chunk:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                line = lines_before + chunk.count(b"\n", 0, max(error.start, 0)) + 1
                raise CensusFileError(
                    f"The file says its characters are {label} but byte {chunk[error.start : error.start + 1]!r} on "
                    f"line {line} is not: it was probably saved in another encoding (such as Windows-1252); "
                    f"save it as {label} and load it again."
                ) from None
            parser.Parse(chunk, False)
            lines_before += chunk.count(b"\n")
            chunk = stream.read(CHUNK)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise CensusFileError("The file ends in the middle of a character: it looks cut short.") from None
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        line, column = error.lineno, error.offset
        reason = str(error).split(":")[0]
        if error.code in _CUT_SHORT:
            raise CensusFileError(
                f"The file ends before the census message is complete (line {line}): it looks cut short; "
                "load the whole file again."
            ) from None
        if error.code == _UNKNOWN_ENCODING:
            raise CensusFileError(f"The file's encoding {label!r} cannot be read here: save it as UTF-8.") from None
        raise CensusFileError(f"The file is not well-formed XML: {reason} at line {line}, column {column}.") from None
    if check.collection and check.collection.upper() != "CIN":
        raise CensusFileError(f"The file is a {check.collection!r} collection, not the CIN census.")
    if check.reference_date is None:
        found = f"{check.reference_text!r} is not a date" if check.reference_text else "there is none"
        raise CensusFileError(f"The census header needs a ReferenceDate (YYYY-MM-DD), and {found}.")
    return CensusFile(reference_date=check.reference_date, children=check.children)

"""The documents the tests upload, written at test time by real writers: a multi-page PDF (fpdf2) and a
DOCX (python-docx), each with facts that appear in one place only, so a search or a citation can be
checked against the page or section that holds them.

The prose around the facts is drawn (with a fixed seed) from sentences that share none of the facts'
words, so each page is long enough to be chunks of its own, and a fact's chunk is the one that should
win a question about it.
"""

import random
import textwrap
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from fpdf import FPDF


@dataclass(frozen=True)
class Fact:
    """A sentence that appears once in a document, and a question that it answers."""

    sentence: str
    question: str
    # Words of the sentence a result quoting it must contain.
    key: str


# report.pdf, one fact on each of pages 2 to 4 (page 1 is the summary).
PUFFINS = Fact(
    "In June the survey team counted 4,812 nesting puffins on the cliffs of Skarvoy island.",
    "How many nesting puffins were counted on Skarvoy island?",
    "4,812 nesting puffins",
)
LIGHTHOUSE = Fact(
    "Restoring the lighthouse at Kestrel Point cost 73,400 euros, paid from the harbour fund.",
    "What did restoring the lighthouse at Kestrel Point cost?",
    "73,400 euros",
)
FERRY = Fact(
    "The committee recommends retiring the ferry Marigold before the spring of 2031.",
    "When should the ferry Marigold be retired?",
    "spring of 2031",
)
REPORT_PAGES = [
    ("Summary", None),
    ("Field survey", PUFFINS),
    ("Budget", LIGHTHOUSE),
    ("Recommendations", FERRY),
]

# notes.docx: a fact in a paragraph under a heading, another in a table.
TIMETABLE = Fact(
    "On weekdays the first boat leaves Harbour Quay at 06:45 and returns by 08:10.",
    "When does the first boat leave Harbour Quay on weekdays?",
    "06:45",
)
GENERATOR = Fact(
    "Backup generator serial number HX-5520-B",
    "What is the serial number of the backup generator?",
    "HX-5520-B",
)

# Sentences with none of the facts' distinctive words.
FILLER = [
    "The working group met every second Tuesday in the community hall to review progress.",
    "Minutes of each meeting were circulated to members within a week and approved at the next one.",
    "Volunteers from the village helped with the practical work, often at short notice.",
    "Weather delayed several visits, and the schedule was adjusted twice during the season.",
    "The regional office supplied maps, equipment and advice on safety procedures.",
    "All figures in this document were checked by two members independently.",
    "Local schools were invited to take part, and three classes joined the outdoor days.",
    "Photographs taken during the visits are kept in the archive of the historical society.",
    "Questions from residents were collected at the open evening held in the autumn.",
    "The group thanks the landowners who allowed access across their fields.",
    "Further details can be requested from the secretary by letter or in person.",
    "Transport for the volunteers was arranged with the help of the bus cooperative.",
    "Records from earlier years were digitised so that trends could be compared.",
    "Some observations could not be repeated because of fog and high winds.",
    "The treasurer presented the accounts, which were accepted without objection.",
    "A short training course on recording methods was offered to new members.",
]


def prose(rng: random.Random, sentences: int) -> str:
    return " ".join(rng.choice(FILLER) for _ in range(sentences))


def write_lines(pdf: FPDF, text: str, height: float, width: int) -> None:
    """Text wrapped at `width` characters, one cell a line (fpdf2's own line breaking measures every
    character, too slow for a long document)."""
    for line in textwrap.wrap(text, width):
        pdf.cell(0, height, line, new_x="LMARGIN", new_y="NEXT")


def write_report_pdf(path: Path, seed: int = 7) -> Path:
    """A four-page report: a heading and about 470 words on each page, one fact on each of pages 2–4."""
    rng = random.Random(seed)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=False)
    for title, fact in REPORT_PAGES:
        pdf.add_page()
        pdf.set_font("Helvetica", style="B", size=16)
        pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        paragraphs = [prose(rng, 12), prose(rng, 12), prose(rng, 12)]
        if fact is not None:
            paragraphs[1] = f"{prose(rng, 6)} {fact.sentence} {prose(rng, 6)}"
        for paragraph in paragraphs:
            write_lines(pdf, paragraph, 5, 100)
            pdf.ln(3)
    pdf.output(str(path))
    return path


def write_notes_docx(path: Path, seed: int = 11) -> Path:
    """Station notes: headings, paragraphs and a table of equipment."""
    rng = random.Random(seed)
    document = Document()
    document.add_heading("Station notes", level=1)
    document.add_paragraph(prose(rng, 6))
    document.add_heading("Boat timetable", level=2)
    document.add_paragraph(f"{prose(rng, 3)} {TIMETABLE.sentence} {prose(rng, 3)}")
    document.add_heading("Equipment", level=2)
    document.add_paragraph(prose(rng, 4))
    rows = [("Item", "Detail"), ("Radio", "Channel 16, checked weekly"), tuple(GENERATOR.sentence.rsplit(" ", 1))]
    table = document.add_table(rows=len(rows), cols=2)
    for row, (item, detail) in zip(table.rows, rows):
        row.cells[0].text = item
        row.cells[1].text = detail
    document.add_heading("Other business", level=2)
    document.add_paragraph(prose(rng, 6))
    document.save(str(path))
    return path


# The last page of the long report; found only once the whole document is indexed.
LAST_PAGE = Fact(
    "The final tally of the archive lists 9,317 glass plate negatives from the old studio.",
    "How many glass plate negatives does the archive list?",
    "9,317 glass plate negatives",
)


def write_long_pdf(path: Path, pages: int, seed: int = 13) -> Path:
    """A long report (`pages` pages of about 600 words), its one fact on the last page: enough text that
    indexing it takes a while."""
    rng = random.Random(seed)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    for page in range(1, pages + 1):
        pdf.add_page()
        pdf.set_font("Helvetica", style="B", size=14)
        pdf.cell(0, 10, f"Chapter {page}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=9)
        text = prose(rng, 40)
        if page == pages:
            text = f"{prose(rng, 10)} {LAST_PAGE.sentence} {prose(rng, 10)}"
        write_lines(pdf, text, 4.5, 110)
    pdf.output(str(path))
    return path


def write_broken_pdf(path: Path, whole: Path) -> Path:
    """The first third of a real PDF: a download cut short. It starts like a PDF but has no pages,
    cross-reference table or trailer."""
    data = whole.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path

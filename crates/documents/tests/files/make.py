"""Writes the documents the parser tests read, with real writers.

Run from this folder in a virtualenv holding the versions named in README.md:
    python make.py
The output is deterministic apart from the writers' own timestamps and ids.
"""

import io
import random
import zipfile

from docx import Document
from docx.shared import Pt
from fpdf import FPDF
from openpyxl import Workbook
from PIL import Image, ImageDraw
from pptx import Presentation
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.lib import pdfencrypt

# Vera ships inside reportlab; an embedded TrueType subset is what most modern PDFs carry.
pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
pdfmetrics.registerFont(TTFont("VeraBd", "VeraBd.ttf"))

INTRO = (
    "The harbour survey of 2023 counted every mooring, crane and slipway along the eastern quay. "
    "Surveyors walked the quay twice, at low and at high tide, and wrote down what they saw."
)
LEFT = (
    "Left column. Sediment samples were taken at forty stations spaced fifty metres apart. "
    "Each sample was dried, weighed and sieved before the grain sizes were recorded."
)
RIGHT = (
    "Right column. Water temperature was logged every ten minutes by moored sensors. "
    "The warmest reading, nineteen degrees, came in the second week of August."
)
RESULTS = (
    "Results. The quay holds 212 moorings, of which 37 were empty. "
    "Crane number four is out of service and should be replaced before winter. "
    "Accented names survive extraction: Café Øresund, naïve façade, Zürich."
)


def paragraph(c, text, x, y, width, font="Vera", size=11):
    """Draws wrapped text and returns the y below it."""
    for line in simpleSplit(text, font, size, width):
        c.setFont(font, size)
        c.drawString(x, y, line)
        y -= size * 1.4
    return y - size * 0.6


def heading(c, text, y):
    c.setFont("VeraBd", 16)
    c.drawString(60, y, text)
    c.bookmarkPage(text)
    c.addOutlineEntry(text, text, level=0)
    return y - 30


def report_pdf(path, encrypt=None):
    c = canvas.Canvas(path, pagesize=A4, encrypt=encrypt, pageCompression=1)
    c.setTitle("Harbour survey")
    top = A4[1] - 72
    y = heading(c, "1 Introduction", top)
    paragraph(c, INTRO, 60, y, A4[0] - 120)
    c.showPage()
    # A two-column page: a reader expects the whole left column before the right one.
    y = heading(c, "2 Methods", top)
    paragraph(c, LEFT, 60, y, 220)
    paragraph(c, RIGHT, 320, y, 220)
    c.showPage()
    y = heading(c, "3 Results", top)
    y = paragraph(c, RESULTS, 60, y, A4[0] - 120)
    # Words placed one by one with gaps and no space characters, as table-like layouts often are.
    c.setFont("Vera", 11)
    for i, word in enumerate(["Station", "Depth", "Salinity", "Turbidity"]):
        c.drawString(60 + i * 110, y, word)
    c.showPage()
    c.save()


def book_pdf(path, pages=40):
    """A longer PDF for the benchmark: generated prose, one heading per page."""
    rng = random.Random(7)
    words = (INTRO + " " + LEFT + " " + RIGHT + " " + RESULTS).replace(".", "").split()
    c = canvas.Canvas(path, pagesize=A4, pageCompression=1)
    for page in range(pages):
        y = heading(c, f"Chapter {page + 1}", A4[1] - 72)
        for _ in range(5):
            sentence = " ".join(rng.choice(words) for _ in range(90)) + "."
            y = paragraph(c, sentence, 60, y, A4[0] - 120, size=10)
        c.showPage()
    c.save()


def fpdf_notes(path):
    """The same kind of page from a second writer (fpdf2, core Helvetica font)."""
    pdf = FPDF()
    pdf.set_compression(True)
    for title, body in [("Field notes", INTRO), ("Weather", RIGHT)]:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 16)
        pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, body)
    pdf.output(path)


def scanned_pdf(path):
    """A page that is only a picture of text: nothing to extract without OCR."""
    img = Image.new("L", (600, 200), 255)
    ImageDraw.Draw(img).text((20, 80), "This page is a scanned image of text.", fill=0)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(buf, x=10, y=10, w=180)
    pdf.output(path)


def report_docx(path):
    doc = Document()
    doc.add_heading("Harbour survey", level=0)
    doc.add_heading("Introduction", level=1)
    doc.add_paragraph(INTRO)
    p = doc.add_paragraph()
    # One word split over two runs (as Word does after an edit) must stay one word.
    p.add_run("The quay is ")
    p.add_run("well").bold = True
    p.add_run("kept and busy.")
    doc.add_heading("Moorings by section", level=2)
    table = doc.add_table(rows=3, cols=3)
    for r, row in enumerate([["Section", "Moorings", "Empty"], ["North", "120", "15"], ["South", "92", "22"]]):
        for col, value in enumerate(row):
            table.cell(r, col).text = value
    doc.add_heading("Recommendations", level=1)
    doc.add_paragraph("Replace crane number four before winter.", style="List Bullet")
    doc.add_paragraph("Dredge the southern berth.", style="List Bullet")
    doc.save(path)


def budget_xlsx(path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Budget"
    ws.append(["Item", "Cost", "Approved"])
    ws.append(["Crane repair", 48000, True])
    ws.append(["Dredging", 125000.5, False])
    staff = wb.create_sheet("Staff")
    staff.append(["Name", "Role"])
    staff.append(["Ingrid Larsen", "Harbour master"])
    wb.save(path)


def survey_pptx(path):
    prs = Presentation()
    for title, bullets in [
        ("Harbour survey 2023", ["212 moorings counted", "37 moorings empty"]),
        ("Next steps", ["Replace crane number four", "Dredge the southern berth"]),
    ]:
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = title
        body = slide.placeholders[1].text_frame
        body.text = bullets[0]
        for b in bullets[1:]:
            body.add_paragraph().text = b
    prs.save(path)


def bomb_docx(path, megabytes=80):
    """A .docx whose document part inflates to far more than any real text: a zip bomb."""
    para = b"<w:p><w:r><w:t>" + b"A" * 1000 + b"</w:t></w:r></w:p>"
    body = para * (megabytes * 1024 * 1024 // len(para))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("word/document.xml", b'<w:document xmlns:w="w"><w:body>' + body + b"</w:body></w:document>")


def main():
    report_pdf("report.pdf")
    report_pdf("encrypted.pdf", encrypt=pdfencrypt.StandardEncryption("secret", "owner", strength=128))
    with open("report.pdf", "rb") as f:
        data = f.read()
    with open("truncated.pdf", "wb") as f:
        f.write(data[: len(data) * 6 // 10])
    book_pdf("book.pdf")
    fpdf_notes("notes.pdf")
    scanned_pdf("scanned.pdf")
    report_docx("report.docx")
    budget_xlsx("budget.xlsx")
    survey_pptx("survey.pptx")
    bomb_docx("bomb.docx")
    open("empty.txt", "wb").close()


if __name__ == "__main__":
    main()

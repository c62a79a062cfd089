#!/usr/bin/env python3
"""A second library of other businesses' documents, with questions, to tune retrieval without overfitting the bike shop.

Four fictional businesses, none of them Northwind Cycles: a cleaning contract (Brightside Cleaning for
the Harbour View Bistro), a bakery's wholesale price list, a garden-care firm's staff guide and a
dental practice's patient FAQ. Every word is invented for Groundwork. The questions mix what owners
type: short and vague ("who holds the keys?"), keyword fragments ("weekend call-out price"),
paraphrases, numbers and names, and questions these documents do not answer (some with words that
appear nowhere, some whose every word appears but whose fact is not stated).

Run from the repository root: ``python benchmarks/other_docs/make_other_docs.py``. Deterministic.
It checks itself: each answerable question's evidence phrase is on its cited page (or Word section)
and nowhere else; each unanswerable question's tell-tale words appear nowhere.

Also used together with the bike shop (``sample_docs``) as one mixed library by
``benchmarks/retrieval.py`` (the confusers are the point: both libraries talk about alarms, keys,
call-outs, holidays and prices).
"""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent
FIXED = dt.datetime(2026, 2, 2, 9, 0, 0, tzinfo=dt.timezone.utc)

CONTRACT = "Cleaning_Services_Contract.pdf"
BAKERY = "Millstone_Bakery_Wholesale_Prices.docx"
GARDEN = "GreenLeaf_Staff_Guide.pdf"
DENTAL = "Oakwood_Dental_Patient_FAQ.docx"

# ----------------------------------------------------------------------------- content
# A PDF page: (title, [block]); a block is ("p", text) | ("h", text) | ("t", header, rows).

CONTRACT_PAGES = [
    ("Agreement for Commercial Cleaning Services", [
        ("p", "This agreement is made on 12 January 2026 between Brightside Cleaning Co. Ltd, Unit 4, Canal "
              "Wharf, Portley (the Contractor) and Harbour View Bistro, 18 Quay Street, Portley (the Client)."),
        ("h", "1. Term"),
        ("p", "The agreement starts on 1 February 2026 and runs for an initial period of twelve months. It then "
              "continues from month to month until either party ends it as set out in clause 9."),
        ("h", "2. Premises"),
        ("p", "The Contractor cleans the dining room, bar, kitchen, customer toilets, staff changing room and the "
              "first-floor office of the Client's restaurant at 18 Quay Street. The cellar and the outdoor "
              "terrace are not included unless ordered as extra work."),
        ("h", "3. Contract managers"),
        ("p", "For the Contractor: Priya Natarajan, Operations Manager. For the Client: Tom Whitfield, General "
              "Manager. Each party tells the other in writing within five days if its contract manager changes."),
    ]),
    ("Schedule of Regular Services", [
        ("h", "4. Cleaning times"),
        ("p", "Regular cleaning takes place every night from Monday to Saturday, starting no earlier than 23:30, "
              "after the last service, and finishing by 03:00. No regular cleaning is done on Sundays."),
        ("h", "5. Nightly tasks"),
        ("p", "Every night the team vacuums and mops all floors, cleans and disinfects the toilets, wipes down "
              "tables, chairs and the bar counter, empties all bins into the Client's waste containers, and "
              "cleans the kitchen floor and the outside of the kitchen equipment."),
        ("h", "6. Weekly and monthly tasks"),
        ("p", "Once a week: glass doors and the inside of the front windows, skirting boards and the staff "
              "changing room lockers. Once a month: light fittings, high ledges and the extraction hood "
              "filters. The Client is responsible for cleaning its own fridges and food storage areas."),
        ("h", "7. Materials"),
        ("p", "The Contractor supplies all cleaning chemicals, cloths and machines. Toilet paper, hand soap and "
              "paper towels are supplied by the Client and restocked by the Contractor's staff."),
    ]),
    ("Access, Security and Staff", [
        ("h", "8. Keys and access"),
        ("p", "Keys and the alarm code are held by the cleaning supervisor, Dana Kowalski. No other member of "
              "the Contractor's staff may hold a key. If a key is lost, the Contractor pays for the locks to "
              "be changed within 48 hours. The alarm must be set again when the team leaves; if it is not, "
              "the Contractor pays any call-out charge raised by the Client's alarm company."),
        ("h", "Staff vetting"),
        ("p", "Every cleaner sent to the premises has passed a criminal record check and has been trained in "
              "the safe use of cleaning chemicals. The Contractor gives the Client the names of the team each "
              "month."),
        ("h", "Insurance"),
        ("p", "The Contractor holds public liability insurance of 5 million pounds with Castlegate Insurance "
              "and sends a copy of the certificate to the Client every year."),
        ("h", "Complaints"),
        ("p", "The Client reports any cleaning not done to the standard in this agreement by 10:00 the next "
              "morning. The Contractor returns to put it right the same day at no charge."),
    ]),
    ("Prices, Invoices and Ending the Agreement", [
        ("h", "Prices (excluding VAT)"),
        ("t", ["Service", "Price"], [
            ["Regular nightly clean (Monday to Saturday)", "640.00 per week"],
            ["Extra hours on weekday evenings", "34.00 per hour"],
            ["Weekend call-out (Sunday or bank holiday)", "52.00 per hour, minimum 3 hours"],
            ["Deep clean of kitchen and ovens", "380.00 per visit"],
            ["Carpet shampoo, dining room", "210.00 per visit"],
            ["Window cleaning, outside, ground floor", "45.00 per visit"],
        ]),
        ("h", "Invoices"),
        ("p", "The Contractor invoices on the last working day of each month. The Client pays within 14 days "
              "of the invoice date. Late payments carry interest at 4 percent above the Bank of England base "
              "rate."),
        ("h", "9. Ending the agreement"),
        ("p", "After the first twelve months either party may end the agreement by giving one month's notice "
              "in writing. Either party may end it at once if the other seriously breaks its terms and does "
              "not put this right within 14 days of being asked to."),
        ("h", "Price review"),
        ("p", "Prices are reviewed once a year on 1 February. Any increase is limited to the rise in the "
              "national living wage."),
    ]),
]

GARDEN_PAGES = [
    ("GreenLeaf Garden Care - Staff Guide", [
        ("h", "Welcome"),
        ("p", "GreenLeaf Garden Care looks after about 140 private gardens and 12 business parks around Ashby "
              "and Fenwick. This guide tells you how we work. Your team leader is your first contact for "
              "anything in it."),
        ("h", "Working hours"),
        ("p", "The working day runs from 07:30 to 16:00 from March to October and from 08:00 to 15:30 from "
              "November to February. Crews meet at the yard on Mill Lane and leave in the vans by 07:45."),
        ("h", "Breaks"),
        ("p", "You get a paid 15-minute break mid-morning and an unpaid 30-minute lunch break. On days above 28 "
              "degrees crews stop for 10 minutes in the shade every hour."),
        ("h", "Pay"),
        ("p", "Wages are paid weekly, every Thursday, for the week ending the previous Sunday. Overtime is paid "
              "at time and a quarter after 40 hours in a week."),
    ]),
    ("Vehicles and Equipment", [
        ("h", "Vans"),
        ("p", "Only staff with a full driving licence held for at least two years may drive a company van. "
              "Check the tyres, oil and lights every morning and sign the van sheet. Fuel cards are kept in the "
              "glovebox and may only be used for the van they belong to."),
        ("h", "Power tools"),
        ("p", "Hedge trimmers, strimmers and chainsaws are signed out from the tool store. Chainsaws may only "
              "be used by staff holding a chainsaw certificate; ask the office to book the two-day course if "
              "you do not have one."),
        ("h", "Protective clothing"),
        ("p", "Steel-toe boots, ear defenders and eye protection are compulsory when using any power tool. The "
              "company gives every new starter two work shirts, a waterproof jacket and a fleece."),
        ("h", "Damage to a customer's property"),
        ("p", "If you break anything in a customer's garden, photograph it, tell the customer straight away "
              "and ring the office before you leave the site."),
    ]),
    ("Holidays, Sickness and Weather", [
        ("h", "Holidays"),
        ("p", "Full-time staff get 25 days of holiday a year plus bank holidays. Because spring is our busiest "
              "season, holiday is not normally approved in April or May. Ask for holiday on the form at the "
              "yard at least three weeks ahead."),
        ("h", "Sickness"),
        ("p", "If you are ill, phone your team leader before 07:00; a text message is not enough. From the "
              "fourth day of sickness you need a fit note from your doctor."),
        ("h", "Bad weather"),
        ("p", "When it is too wet to work outside, crews go back to the yard to service mowers and sharpen "
              "blades. Nobody is sent home unpaid because of the weather."),
    ]),
    ("Customers and Waste", [
        ("h", "Green waste"),
        ("p", "Green waste goes to the composting site at Fenwick Farm, which is open until 15:00 on weekdays. "
              "Never leave cuttings in a customer's bins unless the customer has asked for it."),
        ("h", "Chemicals"),
        ("p", "Weed killer is only sprayed by staff with a spraying certificate, never within 5 metres of a "
              "pond or stream, and never when the wind is stronger than a light breeze."),
        ("h", "Talking to customers"),
        ("p", "Be polite and brief. If a customer asks for extra work, say that the office will send a quote; "
              "do not agree prices on site."),
        ("h", "Tips"),
        ("p", "Tips from customers are shared equally between the crew that did the job."),
    ]),
]

BAKERY_SECTIONS = [  # (heading, [paragraph or ("t", header, rows)]), with a page break before each
    ("Millstone Bakery - Wholesale Price List 2026", [
        "Prices for cafes, restaurants and shops that buy from Millstone Bakery on a trade account. All prices "
        "exclude VAT and are valid from 1 March 2026.",
        "Orders for the next day must reach us by 14:00. Orders placed after 14:00 are delivered the day after "
        "next.",
        "Minimum order for delivery: 60.00. Delivery is free within 8 miles of the bakery; further away we "
        "charge 6.50 per drop.",
    ]),
    ("Breads", [
        ("t", ["Product", "Weight", "Price each"], [
            ["White sandwich loaf, sliced", "800 g", "1.85"],
            ["Wholemeal loaf, sliced", "800 g", "1.95"],
            ["Sourdough boule", "900 g", "3.40"],
            ["Rye and caraway loaf", "750 g", "3.10"],
            ["Baguette", "250 g", "1.20"],
            ["Gluten-free seeded loaf", "500 g", "3.90"],
        ]),
        "Sourdough takes two days to make: sourdough ordered by 14:00 is delivered two days later.",
    ]),
    ("Pastries and Cakes", [
        ("t", ["Product", "Pack", "Price per pack"], [
            ["Butter croissant", "12", "9.60"],
            ["Pain au chocolat", "12", "10.80"],
            ["Cinnamon swirl", "12", "11.40"],
            ["Carrot cake, whole, 12 portions", "1", "18.00"],
            ["Lemon drizzle tray bake, 24 portions", "1", "21.00"],
            ["Vegan chocolate brownie", "12", "13.20"],
        ]),
        "Pastries are delivered baked and ready to serve. Frozen unbaked croissants are available on request "
        "at 6.90 per 12.",
    ]),
    ("Allergens, Returns and Payment", [
        "Every product is made in a bakery that handles wheat, milk, eggs, sesame and nuts. The gluten-free "
        "loaf is made on a separate line but we cannot promise it is free of traces.",
        "Returns: if a delivery is short or damaged, tell the driver or phone us before 11:00 the same day and "
        "we credit your account. We do not take back unsold bread.",
        "Trade accounts are invoiced weekly and must be paid within 21 days. Accounts more than 30 days overdue "
        "are put on hold until paid.",
        "Christmas: the last delivery before Christmas is on 23 December; we reopen on 2 January.",
    ]),
]

DENTAL_SECTIONS = [  # Word file without page breaks: sections by heading
    ("Booking and cancelling", [
        "You can book by phone on 01632 960 448 or at the front desk. We open from 08:00 to 18:00 Monday to "
        "Friday and from 09:00 to 13:00 on Saturdays.",
        "If you cannot come, please tell us at least 24 hours before your appointment. If you miss an "
        "appointment without telling us, we charge a missed-appointment fee of 25 pounds.",
    ]),
    ("Fees", [
        ("t", ["Treatment", "Fee"], [
            ["Check-up", "45.00"],
            ["Scale and polish by the hygienist", "65.00"],
            ["Small X-ray", "15.00"],
            ["White filling", "from 120.00"],
            ["Crown", "from 550.00"],
            ["Tooth whitening, home kit", "295.00"],
        ]),
        "Children under 16 on our family plan have check-ups at no charge.",
    ]),
    ("Emergencies", [
        "If you are in severe pain during opening hours, phone before 10:00 and we keep emergency slots free "
        "each morning. Out of hours, call the on-call dentist through our main number and follow the message.",
    ]),
    ("Family plan", [
        "The family plan costs 16.50 a month for each adult and covers two check-ups and two hygienist visits a "
        "year, plus 10 percent off other treatment.",
    ]),
    ("Nervous patients", [
        "Tell us when you book if you feel anxious. Dr Leila Haddad offers longer appointments and can explain "
        "each step before it happens.",
    ]),
]

# ----------------------------------------------------------------------------- questions
# (question, [(file, page number or section heading, evidence phrase)])
ANSWERABLE = [
    ("Who holds the keys?", [(CONTRACT, 3, "Keys and the alarm code are held by the cleaning supervisor")]),
    ("weekend call-out price", [(CONTRACT, 4, "52.00 per hour")]),
    ("deep clean ovens", [(CONTRACT, 4, "Deep clean of kitchen and ovens")]),
    ("When does the cleaning contract start?", [(CONTRACT, 1, "starts on 1 February 2026")]),
    ("Can we end the cleaning agreement early?", [(CONTRACT, 4, "one month's notice")]),
    ("What time do the cleaners come in at night?", [(CONTRACT, 2, "no earlier than 23:30")]),
    ("Who cleans the fridges?", [(CONTRACT, 2, "cleaning its own fridges")]),
    ("Is the terrace included in the cleaning?", [(CONTRACT, 1, "outdoor terrace are not included")]),
    ("What happens if the cleaners lose a key?", [(CONTRACT, 3, "locks to be changed within 48 hours")]),
    ("How much does a carpet shampoo cost?", [(CONTRACT, 4, "210.00 per visit")]),
    ("How long do we have to pay the cleaning invoice?", [(CONTRACT, 4, "within 14 days of the invoice date")]),
    ("Who is Priya Natarajan?", [(CONTRACT, 1, "Priya Natarajan, Operations Manager")]),
    ("Are the cleaners background checked?", [(CONTRACT, 3, "criminal record check")]),
    ("Castlegate Insurance", [(CONTRACT, 3, "Castlegate Insurance")]),
    ("The toilets were not cleaned last night, what can we do?", [(CONTRACT, 3, "by 10:00 the next morning")]),
    ("What time do crews leave the yard in the morning?", [(GARDEN, 1, "leave in the vans by 07:45")]),
    ("How often are gardeners paid?", [(GARDEN, 1, "paid weekly, every Thursday")]),
    ("overtime rate", [(GARDEN, 1, "time and a quarter after 40 hours")]),
    ("Who can drive the company vans?", [(GARDEN, 2, "full driving licence held for at least two years")]),
    ("chainsaw certificate", [(GARDEN, 2, "chainsaw certificate")]),
    ("What should I do if I break something in a customer's garden?", [(GARDEN, 2, "photograph it")]),
    ("Can I book a holiday in May?", [(GARDEN, 3, "not normally approved in April or May")]),
    ("Can I text in sick?", [(GARDEN, 3, "a text message is not enough")]),
    ("What do we do when it rains too much to work?", [(GARDEN, 3, "service mowers and sharpen")]),
    ("Where does green waste go?", [(GARDEN, 4, "composting site at Fenwick Farm")]),
    ("How close to a pond can we spray weed killer?", [(GARDEN, 4, "within 5 metres of a")]),
    ("A customer wants extra work done, can I give them a price?", [(GARDEN, 4, "do not agree prices on site")]),
    ("hot weather breaks", [(GARDEN, 1, "above 28")]),
    ("What's the cut-off time for next-day bread orders?", [(BAKERY, 1, "must reach us by 14:00")]),
    ("How much is a sourdough loaf?", [(BAKERY, 2, "3.40")]),
    ("gluten free bread price", [(BAKERY, 2, "Gluten-free seeded loaf")]),
    ("croissants per dozen", [(BAKERY, 3, "9.60")]),
    ("Do you charge for delivery?", [(BAKERY, 1, "6.50 per drop")]),
    ("Can I return bread that didn't sell?", [(BAKERY, 4, "do not take back unsold bread")]),
    ("Is the gluten-free loaf safe for coeliacs?", [(BAKERY, 4, "cannot promise it is free of traces")]),
    ("last delivery before Christmas", [(BAKERY, 4, "23 December")]),
    ("How much do you charge if I miss my appointment?", [(DENTAL, "Booking and cancelling", "25 pounds")]),
    ("price of a crown", [(DENTAL, "Fees", "from 550.00")]),
    ("Are you open on Saturday?", [(DENTAL, "Booking and cancelling", "09:00 to 13:00 on Saturdays")]),
    ("I have terrible toothache, can I be seen today?", [(DENTAL, "Emergencies", "emergency slots")]),
    ("What does the family plan cost?", [(DENTAL, "Family plan", "16.50 a month")]),
    ("I'm scared of the dentist", [(DENTAL, "Nervous patients", "feel anxious")]),
    ("teeth whitening", [(DENTAL, "Fees", "Tooth whitening")]),
]

# (question, words that must appear nowhere in these four documents; [] = the words appear but the fact is
# not stated, checked by hand: see the comment). Some tell-tale words do appear in the bike shop's documents
# (birthday, credit card, parking...): in the mixed library those questions are near misses on purpose.
UNANSWERABLE = [
    ("Who holds the spare keys to the bakery?", ["spare key"]),
    ("What is the cleaning supervisor's phone number?", []),  # Dana Kowalski named, no number given
    ("Does the cleaning contract include the cellar floor polish?", ["polish the cellar", "floor polish"]),
    ("How much is a wedding cake?", ["wedding"]),
    ("Do you deliver on Sundays?", []),  # bakery: no delivery days stated
    ("What is the price of a birthday cake with writing?", ["birthday"]),
    ("How many gardeners does GreenLeaf employ?", ["gardeners"]),
    ("Do crews get a Christmas bonus?", ["bonus"]),
    ("What is the company van speed limit?", ["speed limit"]),
    ("Which mower brand do we use?", ["brand", "honda", "stihl"]),
    ("Does Oakwood Dental offer braces for adults?", ["braces", "orthodont"]),
    ("How much is a root canal treatment?", ["root canal"]),
    ("Is there parking at the dental practice?", ["parking", "car park"]),
    ("What is the dentist's hourly rate for a weekend call-out?", []),  # dental weekends: no call-out
    ("Who is the head chef at Harbour View Bistro?", ["chef"]),
    ("What are the bistro's opening hours?", []),  # the bistro's own hours are not given
    ("Can I pay the bakery by credit card?", ["credit card"]),
    ("How much notice do gardeners give before resigning?", ["resign"]),
]


# ----------------------------------------------------------------------------- writers


def _pdf(pages, title: str) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_creation_date(FIXED)
    pdf.set_title(title)
    pdf.set_creator("benchmarks/other_docs/make_other_docs.py")
    for number, (heading, blocks) in enumerate(pages, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 15)
        pdf.multi_cell(0, 8, heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)
        for block in blocks:
            if block[0] == "h":
                pdf.set_font("Helvetica", "B", 11)
                pdf.multi_cell(0, 6, block[1], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            elif block[0] == "p":
                pdf.set_font("Helvetica", "", 10.5)
                pdf.multi_cell(0, 5.2, block[1], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                pdf.ln(1.5)
            else:
                _, header, rows = block
                pdf.set_font("Helvetica", "", 10)
                with pdf.table(col_widths=(110, 60), width=170, align="LEFT", line_height=5.2) as table:
                    for row in [header] + rows:
                        cells = table.row()
                        for cell in row:
                            cells.cell(cell)
                pdf.ln(2)
        pdf.set_y(-15)
        pdf.set_font("Helvetica", "", 8)
        pdf.cell(0, 5, f"{title} - page {number}")
        if pdf.page_no() != number:
            raise SystemExit(f"{title}: page {number} overflowed; shorten it")
    return bytes(pdf.output())


def _docx(sections, title: str, page_breaks: bool) -> bytes:
    from docx import Document
    from docx.enum.text import WD_BREAK

    doc = Document()
    props = doc.core_properties
    props.title, props.author = title, "Groundwork benchmarks"
    for moment in ("created", "modified", "last_printed"):
        setattr(props, moment, FIXED.replace(tzinfo=None))
    for i, (heading, parts) in enumerate(sections):
        if i and page_breaks:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        doc.add_heading(heading, level=1 if i else 0)
        for part in parts:
            if isinstance(part, str):
                doc.add_paragraph(part)
                continue
            _, header, rows = part
            table = doc.add_table(rows=1, cols=len(header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, header):
                cell.text = text
            for row in rows:
                for cell, text in zip(table.add_row().cells, row):
                    cell.text = text
    buf = io.BytesIO()
    doc.save(buf)
    out = io.BytesIO()  # fixed zip timestamps: the same bytes on every run
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2026, 2, 2, 9, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(entry, zin.read(info.filename))
    return out.getvalue()


def build(folder: Path) -> dict[str, bytes]:
    files = {
        CONTRACT: _pdf(CONTRACT_PAGES, "Brightside Cleaning Co. - Harbour View Bistro"),
        GARDEN: _pdf(GARDEN_PAGES, "GreenLeaf Garden Care Staff Guide"),
        BAKERY: _docx(BAKERY_SECTIONS, "Millstone Bakery Wholesale Prices", page_breaks=True),
        DENTAL: _docx(DENTAL_SECTIONS, "Oakwood Dental Patient FAQ", page_breaks=False),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


# ----------------------------------------------------------------------------- checks


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _locations(folder: Path) -> dict[tuple, str]:
    """(file, page or section) -> text, read the way Groundwork reads them."""
    from core.documents import read_document
    from core.settings import load_settings

    settings = load_settings(environ={})
    out: dict[tuple, str] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".pdf", ".docx"):
            continue
        doc = read_document(path.name, path.read_bytes(), settings)
        for seg in doc.segments:
            key = (path.name, seg.page if seg.page is not None else seg.section)
            out[key] = out.get(key, "") + " " + _norm(seg.text)
    return out


def questions(folder: Path) -> tuple[list[dict], list[str]]:
    where = _locations(folder)
    problems: list[str] = []
    records = []
    for n, (question, sources) in enumerate(ANSWERABLE, start=1):
        srcs = []
        for file, place, phrase in sources:
            key = (file, place)
            found = [k for k, text in where.items() if _norm(phrase) in text]
            if found != [key]:
                problems.append(f"{question!r}: {phrase!r} found at {found}, expected {key}")
            srcs.append({"file": file, "page": place} if isinstance(place, int)
                        else {"file": file, "page": None, "section": place})
        records.append({"id": f"o{n:02d}", "question": question, "sources": srcs, "answerable": True,
                        "evidence": [s[2] for s in sources]})
    corpus = " ".join(where.values())
    for n, (question, absent) in enumerate(UNANSWERABLE, start=len(ANSWERABLE) + 1):
        for word in absent:
            if re.search(r"\b" + re.escape(word.lower()), corpus):
                problems.append(f"unanswerable {question!r}: {word!r} appears in the documents")
        records.append({"id": f"o{n:02d}", "question": question, "sources": [], "answerable": False})
    return records, problems


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    build(OUT)
    records, problems = questions(OUT)
    with open(OUT / "questions.jsonl", "w", encoding="utf-8", newline="\n") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=True) + "\n")
    answerable = sum(r["answerable"] for r in records)
    print(f"{len(records)} questions: {answerable} answerable, {len(records) - answerable} unanswerable")
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python3
"""Generate the Northwind Cycles sample documents and questions.jsonl, then verify them.

Northwind Cycles is a fictional bicycle shop and service centre (sales, repairs,
rentals, e-bikes; about 25 staff; stores in the fictional towns of Eastbridge and
Millbrook). Every word below is original and invented for Groundwork's samples.

Run from the repository root:

    python sample_docs/make_samples.py

Deterministic: fixed dates, a seeded RNG for the "scanned" image, and DOCX zip
entries written with a fixed timestamp, so re-running gives identical files.

After writing the files the script checks itself:
  * every PDF page carries the content planned for it (no overflow pages),
  * the workshop manual's diagram page has no text layer but has an image,
  * each answerable question's evidence phrase is found (pypdf for PDFs,
    python-docx counting stored page breaks for DOCX) on exactly the cited
    pages or sections, and nowhere else in the corpus ("A ... B" means both
    parts on the same page; text is compared lower-cased, whitespace collapsed),
  * each unanswerable question's tell-tale words appear nowhere in the corpus.

Page numbers in questions.jsonl are 1-based. For a DOCX with stored page breaks,
page 1 is everything before the first ``<w:br w:type="page"/>``; for a DOCX
without page breaks, ``page`` is null and ``section`` is the nearest heading.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import math
import random
import re
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader

OUT = Path(__file__).resolve().parent
FIXED_DATE = dt.datetime(2026, 1, 5, 9, 0, 0, tzinfo=dt.timezone.utc)
ZIP_DATE = (2026, 1, 5, 9, 0, 0)


# ---------------------------------------------------------------------------
# Content helpers: a page is (key, title, [blocks]); a block is a small tuple.
# ---------------------------------------------------------------------------

def H(text):  # sub-heading
    return ("h", text)


def P(text):  # paragraph
    return ("p", text)


def UL(*items):  # bulleted list
    return ("ul", list(items))


def OL(*items, start=1):  # numbered list
    return ("ol", list(items), start)


def S(number, title, text):  # numbered policy clause, e.g. "4.2 Returns after 30 days."
    return ("sec", number, title, text)


def T(widths, header, rows):  # table
    return ("table", widths, header, rows)


def pay_dates_2026():
    """Every second Friday from January 9, 2026; a holiday Friday moves to Thursday."""
    first = dt.date(2026, 1, 9)
    dates = []
    d = first
    while d.year == 2026:
        label = d.strftime("%B %d").replace(" 0", " ")
        if d == dt.date(2026, 12, 25):
            label = "December 24 (Thu)"
        dates.append(label)
        d += dt.timedelta(days=14)
    return dates


# ---------------------------------------------------------------------------
# 1. Employee Handbook (PDF, 16 pages)
# ---------------------------------------------------------------------------

def handbook_pages():
    dates = pay_dates_2026()
    rows = [dates[i:i + 4] for i in range(0, len(dates), 4)]
    rows = [r + [""] * (4 - len(r)) for r in rows]
    return [
        ("welcome", "Welcome to Northwind Cycles", [
            P("Welcome aboard. This handbook explains how we work together at Northwind Cycles: when you "
              "work, how you are paid, what you can expect from us and what we expect from you. Please read "
              "it during your first week and keep it handy. If anything here is unclear, ask your store "
              "manager or Priya Raman, our Operations Manager."),
            H("Our story"),
            P("Northwind Cycles was founded in 2009 by Maggie Okafor and Tom Lindqvist, who started by fixing "
              "neighbours' bikes in a rented garage on Cooper Lane in Eastbridge. The first shop opened on "
              "Harbour Street in 2012, and the Millbrook store at the trailhead followed in 2019, bringing "
              "rentals and mountain biking under our roof. Today we are a team of 25 people across sales, the "
              "workshop, rentals and e-bikes."),
            H("What we do"),
            UL("Sales of new bicycles, including our own-brand Trail, Summit, Tempo, Gravel Roam, City Glide, "
               "Harbour, Sprout and Volt ranges.",
               "A full-service workshop at Eastbridge that repairs any make of bicycle.",
               "Hourly, daily and weekly rentals from Millbrook and Eastbridge.",
               "E-bike sales, diagnostics and battery care, led by our e-bike specialist team."),
            H("What we stand for"),
            UL("Straight answers. We tell customers what their bike needs, and what it does not.",
               "Safe work. Nobody is ever too busy to work safely.",
               "Riders first. We ride what we sell, and we make cycling feel welcoming for beginners.",
               "Own your mistakes. Mistakes are fixed faster when they are raised early."),
            H("About this handbook"),
            P("This handbook is not a contract of employment. Your written contract, which you signed when you "
              "joined, sets out your individual terms. Where the two differ, your contract applies. We review "
              "the handbook every January; this is version 4.0."),
        ]),
        ("contacts", "Who's Who and Key Contacts", [
            P("Most questions can be answered by your store manager. For anything else, use the list below. "
              "Internal extensions work from any shop phone; dial 0 for the Eastbridge front desk."),
            T((38, 80, 20), ("Name", "Role", "Extension"), [
                ("Maggie Okafor", "Managing Director and co-founder", "ext. 201"),
                ("Priya Raman", "Operations Manager: HR, rotas, policies", "ext. 202"),
                ("Marcus Bell", "Payroll and bookkeeping (Tue and Thu)", "ext. 205"),
                ("Tom Lindqvist", "Head of Workshop and co-founder", "ext. 210"),
                ("Sam Whitaker", "Workshop Supervisor", "ext. 211"),
                ("Lena Fischer", "E-bike Specialist, Battery Safety Officer", "ext. 212"),
                ("Daniel Reyes", "Store Manager, Eastbridge", "ext. 220"),
                ("Aisha Mensah", "Senior Sales Advisor, lead First Aider", "ext. 221"),
                ("Hannah Cole", "Store Manager, Millbrook (rentals)", "ext. 230"),
            ]),
            P("Staff email addresses follow the pattern firstname@northwindcycles.example, for example "
              "priya@northwindcycles.example."),
            H("Team structure"),
            P("We have about 25 staff: 9 in the Eastbridge sales team, 7 in the workshop, 6 at Millbrook "
              "covering rentals and sales, and 3 in the office. Seasonal staff join the Millbrook team from "
              "April to September."),
            H("If you need help urgently"),
            P("For a safety emergency, call the emergency services first and then your manager. For an urgent "
              "personal matter during a shift, tell the most senior person on the floor before you leave the "
              "building, so that we always know who is on site."),
        ]),
        ("hours", "Working Hours and Shifts", [
            P("A full-time week at Northwind Cycles is 37.5 hours, normally worked as five shifts of 7.5 hours "
              "plus an unpaid lunch break. Part-time hours are set out in your contract."),
            H("Shift patterns"),
            UL("Early shift: 8:30 am to 4:30 pm.",
               "Late shift: 10:00 am to 6:00 pm. On late-opening days the late shift starts and finishes later; "
               "your rota shows the exact times.",
               "Weekends are shared fairly: full-time staff normally work two Saturdays and one Sunday in every "
               "four weeks."),
            H("The rota"),
            P("Rotas are published on RotaPoint, our scheduling app, three weeks in advance. You can see your "
              "shifts on your phone and set your availability there. To swap a shift, agree it with a colleague "
              "who does the same role and ask your store manager to approve it in RotaPoint at least 48 hours "
              "before the shift starts. Unapproved swaps are treated as absence."),
            H("Breaks"),
            UL("Shifts longer than 6 hours include a 30-minute unpaid lunch break.",
               "You also get a paid 15-minute break for every 4 hours worked.",
               "Take breaks away from the shop floor and the workshop bench. Please eat in the staff room, not "
               "at the till.",
               "Workshop staff stagger their breaks so that the express repair bench is always covered."),
            H("Clocking in"),
            P("Clock in and out on the tablet next to the Eastbridge staff entrance or at the Millbrook rental "
              "counter, using your four-digit PIN. Clock in when you are ready to work, not when you arrive in "
              "the car park. If you forget, tell your manager the same day so that Marcus can correct the "
              "record before payroll closes."),
        ]),
        ("absence", "Lateness, Sickness and Reporting Absence", [
            H("If you are running late"),
            P("Call the store you are working at as soon as you know you will be late. A text or chat message "
              "is not enough, because we need to know that a manager has received it. Three unexplained late "
              "arrivals in a rolling 90-day period will lead to an informal conversation with your manager."),
            H("If you are ill"),
            P("Call your manager by 7:30 am, or at least two hours before a late shift starts, and say how long "
              "you expect to be away. Please call each day unless you have agreed otherwise."),
            UL("For absences of up to 3 calendar days you can self-certify by completing the short "
               "return-to-work form in RotaPoint.",
               "From the 4th day of absence you need a note from a doctor or other medical professional.",
               "After any absence your manager will have a short return-to-work chat with you, to check that you "
               "are fit to work, especially before you use workshop tools."),
            H("Sick pay"),
            P("Once you have passed probation, you receive up to 10 working days of sick pay at your full basic "
              "rate in each calendar year. After that, sick days are unpaid. Unused sick days do not carry over "
              "to the next year. During probation, sick days are unpaid."),
            H("Medical appointments"),
            P("Please book routine appointments outside your shifts where you can. If that is impossible, you "
              "may take up to 2 hours of paid time for a medical or dental appointment, up to four times a "
              "year, with 48 hours' notice."),
        ]),
        ("pay", "Pay and Pay Dates", [
            P("You are paid every two weeks, on a Friday, by bank transfer. Each pay date covers the two-week "
              "period ending on the Sunday before payday, so the hours you work up to and including that Sunday "
              "are on that pay run. Payroll closes at noon on the Monday before each pay date; corrections "
              "received after that go into the next pay run."),
            H("Pay dates for 2026"),
            T((40, 40, 40, 40), ("", "", "", ""), rows),
            P("If a pay date falls on a public holiday, you are paid on the last working day before it. In 2026 "
              "this affects one date: the pay date of Friday, December 25 moves to Thursday, December 24."),
            H("Payslips"),
            P("Payslips are emailed to your personal email address on the Wednesday before payday, as a "
              "password-protected PDF. The password is your date of birth in the format DDMMYYYY. We can "
              "re-send copies of payslips from the last two years."),
            H("Questions about your pay"),
            P("Contact Marcus Bell in the office on Tuesdays or Thursdays. If you have been underpaid by more "
              "than $50, we correct it by bank transfer within three working days instead of waiting for the "
              "next pay run."),
            H("Bank details"),
            P("Changes to your bank details must be made in writing on the payroll change form and handed to "
              "Marcus in person. For your protection, we never accept bank detail changes by email."),
        ]),
        ("overtime", "Overtime, Sundays and Public Holidays", [
            H("Overtime"),
            P("Overtime must be approved by your store manager or the Workshop Supervisor before you work it. "
              "Approved hours above 40 in a week are paid at 1.5 times your basic hourly rate. Hours between "
              "your contracted hours and 40 are paid at your basic rate."),
            P("Instead of overtime pay you can choose time off in lieu (TOIL) at the same rate: one hour of "
              "overtime earns 1.5 hours of TOIL. TOIL must be taken within 8 weeks, or it is paid out on the "
              "next pay date."),
            H("Sunday premium"),
            P("All hours worked on a Sunday are paid at 1.25 times your basic rate. The premium does not stack "
              "with overtime: if Sunday hours are also overtime hours, the higher rate of 1.5 applies."),
            H("Working on a public holiday"),
            P("Our stores open on some public holidays. If you work on one, you are paid double time (2 times "
              "your basic rate) for the hours worked, and you keep the paid holiday to take on another day. "
              "Public holiday shifts are offered to volunteers first and then shared out fairly by rota."),
            H("Alarm call-outs"),
            P("Key holders who are called out by the alarm company outside opening hours are paid a flat $40 "
              "call-out fee, plus the time spent at 1.5 times their basic rate, with a minimum of one hour."),
            H("Recording extra hours"),
            P("Overtime only counts if it is on RotaPoint. Clock in and out as usual, and ask your manager to "
              "approve the extra time before the end of the week in which you worked it."),
        ]),
        ("vacation", "Vacation and Holidays", [
            P("Our leave year runs from January 1 to December 31."),
            UL("Full-time staff receive 22 days of paid vacation a year, plus public holidays.",
               "After 5 full years of service this rises to 25 days.",
               "Part-time staff receive a pro-rata entitlement based on their contracted hours; RotaPoint shows "
               "your balance in hours.",
               "New starters and leavers receive a pro-rata share for the part of the year they work."),
            H("Booking leave"),
            P("Request leave in RotaPoint. Give at least four weeks' notice for requests of 3 or more "
              "consecutive days, and at least one week's notice for single days. Your store manager approves "
              "requests of up to 5 days; longer requests also need approval from Priya Raman. Requests are "
              "approved in the order they are received."),
            H("Our busy season"),
            P("Spring is our busiest time. Between April 1 and June 30 we do not normally approve leave of more "
              "than 5 consecutive working days for anyone, and no more than two people from the same team can "
              "be away in the same week. Please plan longer holidays outside this window."),
            H("Carrying leave over"),
            P("You can carry up to 5 unused days into the next leave year. Carried-over days must be used by "
              "March 31, or they are lost. Unused leave is not paid out, except when you leave the company."),
            H("Your birthday"),
            P("Everyone gets an extra paid day off in the month of their birthday, on a date agreed with their "
              "manager. It cannot be carried over to another month."),
        ]),
        ("otherleave", "Family, Bereavement and Other Leave", [
            H("Parental leave"),
            P("Employees with at least 6 months' service receive 12 weeks of parental leave at full pay when "
              "they have or adopt a child, followed by up to 14 weeks of unpaid leave. Partners receive 2 weeks "
              "at full pay, which can be taken at any time in the first 8 weeks after the birth or adoption. "
              "Tell Priya as early as you feel comfortable, so that we can plan cover."),
            H("Bereavement leave"),
            P("You can take up to 5 paid days following the death of a partner, child, parent or sibling, and "
              "up to 2 paid days for a grandparent, grandchild or in-law. Talk to your manager if you need more "
              "time; we will be flexible."),
            H("Jury duty"),
            P("If you are called for jury duty, give your manager a copy of the summons as soon as you receive "
              "it. We pay the difference between your normal pay and any allowance from the court, for up to "
              "10 working days."),
            H("Emergency time off for dependants"),
            P("You have up to 2 paid days per year to deal with an unexpected emergency involving someone who "
              "depends on you, such as a child's care arrangements falling through. Additional time is unpaid."),
            H("Volunteer day"),
            P("Each year you can take one paid volunteer day to support a local charity or community event, "
              "including our own Second Spin refurbishment days."),
            H("Unpaid leave"),
            P("Requests for unpaid leave of up to 4 weeks, for example for a long cycling trip, are considered "
              "case by case outside the busy season. Ask at least three months in advance."),
        ]),
        ("dress", "Dress Code and Uniform", [
            P("We want customers to recognise staff instantly and to feel that they are dealing with people who "
              "ride."),
            H("What we provide"),
            UL("Three navy Northwind polo shirts and one grey softshell jacket when you join.",
               "Two workshop aprons for workshop staff.",
               "A name badge, which you must wear on the shop floor.",
               "Replacement uniform when items wear out: ask your manager and hand back the old item."),
            H("What you provide"),
            P("Plain dark trousers, shorts or jeans without rips, and clean closed-toe shoes. In summer, "
              "knee-length shorts are fine. Cycling clothing is welcome on days when you lead a customer ride "
              "or a test ride."),
            H("Workshop footwear"),
            P("Workshop staff must wear safety shoes with a protective toe cap. We reimburse up to $80 towards "
              "safety footwear once every 12 months; submit the receipt as an expense."),
            H("Jewellery, hair and hands"),
            UL("Remove rings, bracelets and watches before working on a stand or using any powered tool.",
               "Tie back long hair and tuck in loose clothing, lanyards and apron straps.",
               "Keep nails short enough to wear nitrile gloves comfortably."),
            H("Personal appearance"),
            P("Visible tattoos and piercings are fine. Clothing with the logos of other bike brands is not, "
              "because it confuses customers."),
        ]),
        ("safety1", "Workshop Safety: Tools and Protective Equipment", [
            P("The workshop is where most injuries in bike shops happen. These rules apply to everyone who "
              "enters it, including sales staff collecting a bike for a customer."),
            H("Eye and hand protection"),
            UL("Safety glasses are required when using compressed air, the bench grinder, the hacksaw or the "
               "steerer tube cutting guide, and when cleaning parts in the degreaser tank.",
               "Nitrile gloves are required when handling brake fluid, degreaser, tubeless sealant or chain "
               "lubricant.",
               "Cut-resistant gloves are required when handling damaged carbon parts or broken spokes."),
            H("Work stands and lifting"),
            P("Clamp bikes by the seatpost, never by the frame tubes. If the seatpost is carbon or a dropper "
              "post, use the frame adaptor bar instead. Bikes and boxes over 20 kg, including all e-bikes and "
              "boxed cargo bikes, are lifted by two people or with the bike lift."),
            H("Tools"),
            UL("Check torque wrenches against the calibration block on the first Monday of every month and "
               "record the result on the sheet inside the tool cabinet.",
               "Report a damaged or missing tool the same day. Do not bring personal power tools to work.",
               "Keep the floor clear: tyres, boxes and packaging go to the recycling cage by the rear door "
               "before the end of each shift."),
            H("Chemicals"),
            P("Every chemical we use has a safety data sheet in the red folder by the sink. Used brake fluid, "
              "degreaser and oil go in the labelled waste drums, never down the drain. Wash your hands before "
              "eating, even if you wore gloves."),
        ]),
        ("safety2", "Workshop Safety: Batteries, Fire and First Aid", [
            P("Lithium-ion batteries are safe when handled correctly but can burn fiercely if damaged. Lena "
              "Fischer is our Battery Safety Officer and must be told about any battery incident."),
            H("Charging rules"),
            UL("Charge e-bike batteries only inside the steel charging cabinet in each store, never on the shop "
               "floor or in the staff room.",
               "Never leave a battery charging after the store closes. The last battery goes on charge no later "
               "than one hour before closing.",
               "Only use the charger supplied for that battery model."),
            H("Damaged batteries"),
            P("A battery that is swollen, cracked, hot, smells of solvent or has been dropped from higher than "
              "1 metre must be placed in the sand-filled quarantine bin in the rear yard straight away, using "
              "the heat-resistant gloves hung beside it. Tag it with the date and job number and tell Lena."),
            H("Fire"),
            P("Each store has a lithium-battery fire extinguisher (the yellow AVD extinguisher) next to the "
              "charging cabinet, plus standard extinguishers by each exit. If a battery is on fire and cannot "
              "be moved safely, evacuate and call the fire service; never fight a battery fire larger than a "
              "shoebox. The assembly point is the car park opposite the Eastbridge store, and the trailhead "
              "sign at Millbrook."),
            H("First aid and accidents"),
            P("First aid kits are kept at each till and in the workshop. Aisha Mensah leads our trained first "
              "aiders; their names are on the staff notice board. Record every injury, however small, in the "
              "accident book within 24 hours, and report near misses too. Fire drills are held twice a year, "
              "in March and September."),
        ]),
        ("discounts", "Staff Discounts and Perks", [
            P("Riding is part of the job, and we want you on good equipment. Staff discounts apply from your "
              "first day."),
            UL("New bicycles: 25% off the ticket price, limited to one bike in any 12-month period. E-bikes are "
               "included.",
               "Parts, accessories and clothing: 35% off, for your own use.",
               "Workshop labour on your own bikes: free, booked as staff jobs that fit around customer work. "
               "Parts are charged at the staff rate.",
               "Family discount: your partner, and children or parents living with you, receive 10% off bikes "
               "and accessories when you are present at the sale.",
               "Rental bikes: staff may borrow a rental fleet bike free of charge for up to 2 days a month, "
               "subject to availability and not on summer weekends."),
            H("Rules"),
            UL("Staff discount cannot be combined with sale prices, the Northwind Care plan or other promotions.",
               "Discounted purchases must be processed by a manager, never by yourself.",
               "Items bought with staff discount are for personal use and may not be resold within 12 months.",
               "If you leave within 6 months of buying a bike with staff discount, the discount is repaid from "
               "your final pay."),
            H("Other perks"),
            UL("Free coffee and tea in both staff rooms.",
               "A $150 yearly riding kit allowance, spent in store, after one year of service.",
               "Free entry to the Millbrook Enduro, as a rider or a marshal."),
        ]),
        ("conduct", "Code of Conduct", [
            H("With customers"),
            UL("Greet every customer within two minutes of them coming in, even if you are busy with someone "
               "else.",
               "Never pressure a customer into a purchase, and never recommend a repair that is not needed.",
               "If you do not know an answer, say so and find someone who does."),
            H("Phones and social media"),
            P("Keep personal phones in your locker or pocket on the shop floor, and use them only on breaks "
              "unless you are checking RotaPoint or stock. Do not post photos of customers, their bikes or their "
              "paperwork online. If you mention Northwind Cycles on social media, make clear that the views are "
              "your own."),
            H("Gifts and conflicts of interest"),
            P("Suppliers sometimes offer gifts. You may keep gifts worth up to $50; anything worth more must be "
              "declared to Priya Raman, who decides whether it is kept, shared with the team or returned. Do "
              "not buy and resell bikes privately to our customers, and do not offer private repair work to "
              "customers of the shop."),
            H("Cash and stock"),
            P("Handle cash only through the till. Never lend money from the till, and never take stock out of "
              "the store, even temporarily, unless it is signed out on the stock loan sheet."),
            H("Respect at work"),
            P("Harassment, bullying and discrimination are not tolerated. Raise concerns with your manager, with "
              "Priya, or directly with Maggie Okafor if the concern involves a manager."),
        ]),
        ("expenses", "Expenses and Travel", [
            P("We reimburse reasonable costs you incur on company business. If in doubt, ask before you spend."),
            H("Approval"),
            UL("Any single expense above $100 needs approval from your manager before you spend it.",
               "Travel outside the region, training courses and trade shows need approval from Maggie Okafor "
               "or Tom Lindqvist.",
               "Tools for personal use are not reimbursed, apart from the safety footwear allowance."),
            H("Claiming"),
            P("Submit an expense form with itemised receipts within 30 days of spending the money. Photos of "
              "receipts are fine. Approved claims are paid on your next pay date after approval. Claims "
              "submitted more than 90 days after the expense will not be paid."),
            H("Rates"),
            UL("Mileage in your own car: $0.68 per mile, measured from your normal place of work, not from home.",
               "Cycling on company business: $0.25 per mile. Yes, really.",
               "Meals when travelling overnight: up to $45 per day including tips, no alcohol.",
               "Hotels: up to $160 per night unless agreed in advance."),
            H("Company card"),
            P("Store managers and the Workshop Supervisor have a company card with a $1,000 monthly limit for "
              "urgent parts and supplies. Card receipts must be uploaded within 7 days."),
        ]),
        ("training", "Probation, Training and Reviews", [
            H("Probation"),
            P("New staff have a 3-month probation period. Your manager meets you at the end of months one and "
              "two to give feedback, and confirms your employment at the end of month three. Probation may be "
              "extended once, by up to 6 weeks."),
            H("Induction"),
            P("In your first week you complete till training, the workshop safety walk-round with Sam Whitaker, "
              "and battery safety training with Lena Fischer. You may not use the workshop compressor, bench "
              "grinder or charging cabinet until your safety training is signed off."),
            H("Training budget"),
            P("Every employee has a training budget of $600 a year for courses, books and certifications "
              "relevant to their role. Unused budget does not carry over."),
            H("Mechanic certification"),
            P("We pay for approved mechanic certification courses for workshop staff. If you leave within 18 "
              "months of completing a course, you repay the course fee on a sliding scale: 100% within 6 "
              "months, 50% within 12 months and 25% within 18 months."),
            H("Performance reviews"),
            P("Reviews are held twice a year, in March and September. Pay rises, if any, take effect from the "
              "first pay date in April."),
        ]),
        ("leaving", "Concerns, Discipline and Leaving", [
            H("Raising a concern"),
            P("Most problems are best solved by a direct conversation. If that does not work, put your concern "
              "in writing to Priya Raman, who will arrange a meeting within 10 working days. You may bring a "
              "colleague with you to any formal meeting."),
            H("Disciplinary process"),
            P("We always investigate before taking action. The usual steps are an informal conversation, a "
              "first written warning, a final written warning and, finally, dismissal. Warnings stay on your "
              "file for 12 months. Serious misconduct, such as theft, violence or working on brakes while under "
              "the influence of alcohol or drugs, may lead to dismissal without earlier warnings."),
            H("Notice periods"),
            P("During probation, either side may end employment with 1 week's notice. After probation the "
              "notice period is 4 weeks, for both you and us, unless your contract says otherwise."),
            H("Before your last day"),
            UL("Return your jacket, name badge, keys and any tools on loan.",
               "Take any remaining vacation before your last day where possible; untaken days are paid with "
               "your final pay.",
               "Your final pay is made on the next regular pay date after your last day."),
            H("Exit conversation"),
            P("We will invite you to a short exit conversation with Priya. It is optional, but your honest "
              "feedback helps us improve."),
        ]),
    ]


# ---------------------------------------------------------------------------
# 2. Returns and Warranty Policy (PDF, 7 pages)
# ---------------------------------------------------------------------------

def returns_pages():
    return [
        ("intro", "Returns and Warranty Policy", [
            H("1. Purpose and scope"),
            S("1.1", "What this covers.", "This policy explains when you can return a product bought from "
              "Northwind Cycles, what you will get back, and how our warranties work. It applies to purchases "
              "made in our Eastbridge and Millbrook stores and on northwindcycles.example."),
            S("1.2", "What it does not cover.", "This policy does not apply to rentals, which are covered by our "
              "Rental Agreement Terms, or to workshop labour, which is covered by our workshop guarantee."),
            S("1.3", "Your rights.", "Nothing in this policy affects your statutory rights as a consumer."),
            H("2. Definitions"),
            S("2.1", "Proof of purchase:", "a Northwind Cycles receipt, an order confirmation email, or a gift "
              "receipt."),
            S("2.2", "Purchase date:", "the date on your proof of purchase or, if you collected a bike later "
              "than you paid for it, the collection date."),
            S("2.3", "Store credit:", "a credit note that can be spent in either store or online. Store credit "
              "is valid for 12 months from the date it is issued and cannot be exchanged for cash."),
            S("2.4", "Original owner:", "the person who bought the product from us, or the person named on the "
              "bike registration if the bike was a gift."),
            S("2.5", "Wear items:", "parts that wear out with normal use, listed in section 7.2."),
            S("2.6", "Own-brand bikes:", "bikes sold under the Trail, Summit, Tempo, Gravel Roam, City Glide, "
              "Harbour, Sprout and Volt names."),
        ]),
        ("proof", "3. Before You Return an Item", [
            S("3.1", "Proof of purchase.", "Bring your proof of purchase. If you have lost it, we can look up "
              "purchases made with a card, or linked to a Northwind Miles account, in our till system. Without "
              "any record of the sale we cannot accept a return."),
            S("3.2", "Condition.", "Products must be returned in the condition you received them, with all "
              "parts, manuals, keys and chargers, and in the original packaging where practical. Clothing must "
              "be unworn with the tags attached."),
            S("3.3", "Bikes that have been ridden.", "We accept returns of bikes that have been ridden, as long "
              "as they show no damage beyond light use. A bike with scratches to the frame, a damaged rear "
              "derailleur or tyres worn beyond light use will be assessed, and may be refused or refunded at a "
              "reduced amount under 4.4."),
            S("3.4", "Gifts.", "Gifts can be returned with a gift receipt. Refunds for gifts are always made as "
              "store credit, in the name of the person returning the item."),
            S("3.5", "Authorisation.", "Returns are handled by any member of the sales team. Refunds over $1,000 "
              "must be authorised by a store manager, which may take up to 1 working day if no manager is on "
              "shift."),
            S("3.6", "How you are refunded.", "Refunds are made to the original payment method. Card refunds "
              "usually appear within 5 to 10 business days, depending on your bank. Cash purchases over $300 "
              "are refunded by bank transfer within 3 business days."),
            S("3.7", "Finance purchases.", "If you bought a bike on finance, a refund cancels the finance "
              "agreement and any payments you have made are returned by the finance provider."),
        ]),
        ("returns", "4. Returns and Refunds", [
            S("4.1", "Returns within 30 days.", "Within 30 days of the purchase date you can return any product, "
              "for any reason, for a full refund, provided you have proof of purchase and the product meets "
              "section 3."),
            S("4.2", "Returns after 30 days.", "From day 31 to day 60 after the purchase date, you can return a "
              "product in the condition described in section 3 for store credit only. We do not give cash or "
              "card refunds in this period."),
            S("4.3", "After 60 days.", "After 60 days we do not accept returns, except for faulty products "
              "covered by warranty (section 6) or where the law requires it."),
            S("4.4", "Ridden bikes and restocking fee.", "Bikes that have been ridden more than 50 miles, and "
              "e-bikes whose display shows more than 50 miles, are subject to a 15% restocking fee, deducted "
              "from the refund or credit. The fee covers a full service and the replacement of worn parts "
              "before the bike is resold as ex-demo."),
            S("4.5", "Size exchanges.", "If a bike turns out to be the wrong size, you can exchange it within 30 "
              "days for a bike of equal or higher value without any restocking fee, whatever the mileage."),
            S("4.6", "Items that cannot be returned.", "The following cannot be returned unless faulty: "
              "(a) special orders and custom builds, including custom-built wheels and bikes ordered in a "
              "colour or size we do not normally stock; (b) helmets, saddles and clothing worn next to the skin "
              "once they have been used or a hygiene seal is broken; (c) inner tubes, tyres, brake pads and "
              "chains once fitted; (d) gift cards, and Northwind Care plans after 14 days; (e) sale items "
              "marked final sale."),
        ]),
        ("online", "5. Online Orders, Delivery and Collection", [
            S("5.1", "Cancelling an online order.", "Online orders can be cancelled free of charge at any time "
              "before dispatch or collection. After delivery, section 4 applies, counting from the delivery "
              "date."),
            S("5.2", "Returning an online order.", "Most items can be returned to either store free of charge. "
              "If you want us to collect a bike from your home, the collection fee is $25 within 25 miles of "
              "Eastbridge; we do not collect from further away. Collection is free if the bike is faulty."),
            S("5.3", "Damaged in delivery.", "If an item arrives damaged, photograph the packaging and the damage "
              "and email us within 48 hours of delivery. We will arrange a replacement or repair. Please do not "
              "ride a bike that arrived damaged."),
            S("5.4", "How bikes are delivered.", "Bikes delivered by our own van arrive fully built and safety "
              "checked. Bikes sent by courier arrive 90% built: fitting the handlebars and pedals takes about 15 "
              "minutes, and a video guide is included. If you prefer, bring the bike in and we will finish the "
              "build and check it free of charge within 30 days of delivery."),
            S("5.5", "Missed deliveries.", "If our van cannot deliver because nobody is home, we leave a card "
              "and rebook once for free. Each further delivery attempt costs $20."),
            S("5.6", "Parts and accessories.", "Small items ordered online can be returned by post. Return "
              "postage is paid by you unless the item is faulty or we sent the wrong item."),
        ]),
        ("warranty", "6. Warranty Cover", [
            S("6.1", "Who is covered.", "Our warranties apply to the original owner (see 2.4) and cannot be "
              "transferred if the bike is sold. Registering your bike at northwindcycles.example/register makes "
              "claims faster, but registration is not required to make a claim."),
            S("6.2", "Frames.", "Frames of own-brand adult bikes carry a lifetime warranty against defects in "
              "materials and workmanship. Frames of Sprout children's bikes carry a 5-year warranty."),
            S("6.3", "Components.", "Components fitted to own-brand bikes, including forks, wheels, drivetrain, "
              "brakes and contact points, carry a 2-year warranty. Suspension forks and shocks are covered for "
              "2 years provided they have been serviced at the intervals in the owner's manual."),
            S("6.4", "E-bike motors and electronics.", "Motors, displays, controllers and wiring on Volt e-bikes "
              "are covered for 2 years."),
            S("6.5", "E-bike batteries.", "Volt batteries are covered for 2 years or 500 full charge cycles, "
              "whichever comes first. A battery counts as faulty if, within that period, it holds less than 60% "
              "of its original capacity, measured with the manufacturer's diagnostic tool."),
            S("6.6", "Paint and finish.", "Paint, decals and anodising are covered for 1 year against peeling or "
              "bubbling that is not caused by damage."),
            S("6.7", "Other brands.", "Bikes and parts from other brands are covered by their manufacturer's "
              "warranty. If you bought the product from us, we handle the claim for you."),
            S("6.8", "What we do.", "We repair or replace the faulty part, at our choice, with the same or an "
              "equivalent part. If the same frame is no longer made, we offer the closest current model or a "
              "frame of equal or greater value."),
        ]),
        ("exclusions", "7. What the Warranty Does Not Cover", [
            S("7.1", "Damage.", "Crash or impact damage, theft, damage from incorrect assembly by anyone other "
              "than Northwind Cycles, and damage caused while transporting the bike on a car rack."),
            S("7.2", "Wear items.", "Normal wear and tear of tyres, tubes, chains, cassettes, chainrings, brake "
              "pads, brake rotors, cables, grips, bar tape, saddles and bearings."),
            S("7.3", "Misuse.", "Use in competition; jumps and drops beyond the riding category of the bike; "
              "commercial use such as delivery work or rental (except the Volt Cargo, which is rated for "
              "commercial use); and loads above the maximum system weight shown on the frame."),
            S("7.4", "Modifications.", "Fitting non-compatible parts, or altering an e-bike so that the motor "
              "assists beyond its legal speed limit (sometimes called tuning or derestriction). Derestriction "
              "voids the motor, battery and frame warranties immediately and permanently."),
            S("7.5", "Maintenance.", "Faults caused by lack of maintenance. We recommend a service every 6 "
              "months or 1,500 miles, whichever comes first. For Volt e-bikes, a recorded service at least once "
              "every 12 months is a condition of the motor and battery warranty."),
            S("7.6", "Water.", "Damage caused by pressure washers, or by submerging the bike, battery or motor "
              "in water."),
            S("7.7", "Labour costs.", "Labour for warranty repairs is free for 2 years from the purchase date. "
              "After that, frame replacements under the lifetime warranty are still free, but the labour to move "
              "parts to the new frame is charged at our standard workshop rate."),
        ]),
        ("claims", "8. Making a Claim, Crash Replacement and Contact", [
            H("8. Making a warranty claim"),
            S("8.1", "Where to go.", "Bring the bike, or the part, to either store with your proof of purchase. "
              "You do not need to book."),
            S("8.2", "How long it takes.", "We assess the claim within 5 working days and tell you whether it is "
              "covered. Where a manufacturer must inspect the part, the decision can take up to 21 days."),
            S("8.3", "Loan bikes.", "If an accepted warranty repair takes longer than 7 days, we lend you a "
              "comparable bike from our rental fleet free of charge, subject to availability."),
            S("8.4", "If we decline a claim.", "We explain why in writing and return the part to you. You can "
              "ask for a second opinion from Tom Lindqvist, our Head of Workshop."),
            H("9. Crash replacement"),
            S("9.1", "Crash replacement offer.", "If you crash an own-brand bike within 3 years of buying it, we "
              "will sell you a replacement frame at 40% off the list price, or a complete replacement bike at "
              "20% off. Crash replacement is available once per bike."),
            H("10. Contact and complaints"),
            S("10.1", "Contact.", "Email warranty@northwindcycles.example or ask in store. If you are unhappy "
              "with how a return or claim was handled, write to Priya Raman, Operations Manager, who replies "
              "within 10 working days."),
            S("10.2", "Version.", "This is version 3.1 of this policy, effective February 1, 2026. It replaces "
              "version 3.0 and applies to purchases made on or after that date."),
        ]),
    ]


# ---------------------------------------------------------------------------
# 3. Rental Agreement Terms (PDF, 5 pages)
# ---------------------------------------------------------------------------

def rental_pages():
    return [
        ("rates", "1. Rental Fleet and Rates", [
            P("Rentals are available from our Millbrook store at the trailhead for every bike type, and from "
              "our Eastbridge store for city bikes and e-bikes only. Every rental includes a helmet, a lock and "
              "a trail map; mountain bikes also come with a puncture repair kit and a pump."),
            T((62, 24, 28, 24, 32), ("Bike type", "2 hours", "Half day (4 h)", "Full day", "Week (7 days)"), [
                ("City bike (City Glide)", "$18", "$25", "$35", "$140"),
                ("Hardtail MTB (Trail 500)", "-", "$40", "$55", "$230"),
                ("Full-suspension MTB (Summit 900)", "-", "$55", "$75", "$320"),
                ("City e-bike (Volt City)", "$30", "$45", "$65", "$280"),
                ("E-mountain bike (Volt E-Pro)", "-", "$70", "$95", "$420"),
                ("Children's bike (Sprout 16/20/24)", "$10", "$15", "$20", "$80"),
                ("Child seat, tag-along or trailer", "-", "$8", "$12", "$45"),
            ]),
            H("How rental periods work"),
            UL("A full day runs from collection until closing time on the same day.",
               "A week is 7 consecutive days, collected and returned during opening hours.",
               "Rentals of 3 to 6 days are charged at the full-day rate with 10% off the total.",
               "Groups of 6 or more bikes booked together for the same day receive 15% off."),
            H("Trail passes"),
            P("The Millbrook trails are free to ride. Parking at the trailhead is not included in the rental "
              "price."),
        ]),
        ("booking", "2. Booking, Eligibility and Identification", [
            S("2.1", "Booking.", "Book online at northwindcycles.example/rent or by calling the Millbrook store. "
              "Walk-in rentals are available when bikes are free, but summer weekends are usually fully booked "
              "by Thursday."),
            S("2.2", "Cancellations.", "You can cancel free of charge up to 24 hours before your collection "
              "time. Cancellations within 24 hours are charged 50% of the rental price. If you do not arrive "
              "within 2 hours of your booked time, the booking is treated as a no-show and the full price is "
              "charged. If we cancel because of storm warnings or trail closures, you receive a full refund or "
              "a free rebooking."),
            S("2.3", "Age.", "The person who signs the agreement (the renter) must be at least 18. Riders under "
              "16 must be accompanied by an adult rider on the same rental. E-bike riders must be at least 16."),
            S("2.4", "Identification.", "At collection the renter must show a valid photo ID: a driving licence, "
              "passport or national identity card. We take a photo of the ID, which is deleted 30 days after "
              "the bike is returned unless there is an open damage claim. Student cards and bank cards are not "
              "accepted as ID."),
            S("2.5", "Payment card.", "The renter must also present a credit or debit card in their own name "
              "for the security deposit (section 3)."),
            S("2.6", "Setting you up.", "Allow 15 minutes at collection for us to set up the bike and fit "
              "helmets. E-bike first-timers ride a short practice loop in the yard before setting off."),
        ]),
        ("deposit", "3. Security Deposit, Payment and Damage Waiver", [
            S("3.1", "Payment.", "Rental charges are paid in full at collection, or when booking online."),
            S("3.2", "Deposit amounts.", "A security deposit is pre-authorised on the renter's card at "
              "collection: $150 per standard bike, $400 per e-bike, and $50 per children's bike or accessory. "
              "The amount is held on the card, not charged."),
            S("3.3", "No cash deposits.", "Cash deposits are not accepted, because we cannot hold cash safely at "
              "the trailhead."),
            S("3.4", "Release.", "The hold is released when the bike is returned undamaged. Your bank may take up "
              "to 3 business days to show the released funds."),
            S("3.5", "Deductions.", "If damage charges, late fees or loss charges apply, we deduct them from the "
              "deposit, tell you the amount before you leave and email you a written breakdown. Charges above "
              "the deposit are charged to the same card."),
            S("3.6", "Damage Waiver.", "For $6 per bike per day (maximum $30 per rental) you can add our Damage "
              "Waiver. It limits your liability for accidental damage to $50 per bike. The waiver does not "
              "cover theft, loss, or damage caused by deliberate misuse or riding under the influence of "
              "alcohol or drugs."),
        ]),
        ("damage", "4. Damage, Loss and Theft", [
            S("4.1", "Responsibility.", "You are responsible for the bike and accessories from collection until "
              "our staff have checked them back in."),
            S("4.2", "Check-out inspection.", "Inspect the bike with us at collection. Existing marks are "
              "recorded on the check-out sheet and photographed."),
            S("4.3", "Damage charges.", "Without the Damage Waiver, the following charges apply:"),
            T((110, 50), ("Damage or loss", "Charge"), [
                ("Puncture", "No charge"),
                ("Bent derailleur hanger", "$25"),
                ("Replacement rear derailleur", "$85"),
                ("Wheel bent beyond truing, city or children's bike", "$90"),
                ("Wheel bent beyond truing, mountain bike or e-bike", "$160"),
                ("Broken or cracked handlebar", "$60"),
                ("Torn saddle", "$40"),
                ("Lost or broken lock, or lost lock key", "$40"),
                ("Lost helmet", "$45"),
                ("Damaged e-bike display", "$120"),
                ("Lost e-bike battery key", "$30"),
                ("Lost or damaged e-bike battery", "$650"),
                ("Bike returned caked in mud", "$15 cleaning fee"),
            ]),
            P("A quick rinse at the Millbrook wash station before returning a bike is free."),
            S("4.4", "Theft.", "If a bike is stolen, report it to the police within 24 hours, get a crime "
              "reference number and call us straight away. If the bike was locked to a fixed object with the "
              "lock we provided, and you give us the crime reference number and the lock key, your liability is "
              "limited to the deposit. Otherwise you are liable for the bike's replacement value."),
            S("4.5", "Maximum liability.", "Your maximum liability is the replacement value of the bike, which is "
              "printed on your rental agreement."),
        ]),
        ("returning", "5. Returns, Late Fees and Riding Rules", [
            S("5.1", "Where to return.", "Return bikes to the store you rented from, before closing time on the "
              "agreed return date. City bikes and e-bikes rented at Millbrook may be returned to Eastbridge for "
              "a $20 transfer fee."),
            S("5.2", "Late returns.", "We allow a 15-minute grace period. After that, late returns are charged "
              "$15 per bike for each hour or part-hour, up to a maximum of one extra full-day rate for each day "
              "late."),
            S("5.3", "Unreturned bikes.", "If a bike is not returned within 24 hours of the agreed time and we "
              "cannot reach you, we treat it as stolen and report it to the police."),
            S("5.4", "No after-hours drop-off.", "There is no key box or after-hours drop-off. If you cannot "
              "return on time, call us before closing; we extend rentals whenever the bike is not booked by "
              "someone else."),
            S("5.5", "Breakdowns.", "If a bike breaks down, or you get a puncture you cannot fix, within 15 miles "
              "of the Millbrook store, call the rental line on 555-0142 and we will bring a replacement bike or "
              "collect you, free of charge, between 9:00 am and 5:00 pm."),
            S("5.6", "Riding rules.", "City bikes and children's bikes stay on roads, paved paths and gravel "
              "tracks, not on the mountain bike trails. One rider per bike: a child seat carries a child of up "
              "to 22 kg, and a trailer up to 45 kg. Do not ride e-bikes through water deeper than 10 cm. Do not "
              "carry rental bikes on public transport or car racks without our written permission. Red and "
              "black trails at Millbrook require a full-suspension bike and previous mountain biking "
              "experience."),
            S("5.7", "Agreement.", "By signing the rental agreement the renter confirms that they have read "
              "these terms and that every rider in the group is fit to ride."),
        ]),
    ]


# ---------------------------------------------------------------------------
# 4. Workshop Service Manual (PDF, 10 pages; page 7 is an image only)
# ---------------------------------------------------------------------------

def workshop_pages():
    return [
        ("standards", "1. Introduction and Workshop Standards", [
            P("This manual is the reference for everyone working in the Northwind Cycles workshop. It sets out "
              "how jobs are booked, how long they should take, and how the most common procedures are carried "
              "out. Manufacturer instructions take priority where they differ from this manual; tell Sam "
              "Whitaker about the difference so that the manual can be updated."),
            H("Job cards"),
            P("Every bike that enters the workshop gets a numbered job card, printed from the workshop system at "
              "intake. The job number is written on a tag zip-tied to the handlebar and on the storage hook. A "
              "bike without a tag does not go on a stand."),
            H("Workshop roles"),
            UL("Workshop Supervisor (Sam Whitaker): plans the daily job board and signs off warranty "
               "assessments.",
               "Mechanics: carry out jobs in the order on the board, not in the order the bikes arrived.",
               "E-bike technicians: only staff who hold the Volt drive system certification may open a motor "
               "cover or update firmware.",
               "Express bench: one mechanic on each shift handles while-you-wait jobs."),
            H("Capacity"),
            P("The workshop has 6 work stands and plans for a maximum of 22 booked jobs per day, leaving room "
              "for express repairs. The job board is set at 8:45 am each morning."),
            H("Cleanliness"),
            P("Wipe down each stand and return tools to the shadow board at the end of every job. Bikes leave the "
              "workshop cleaner than they arrived: we wipe the frame and degrease the drivetrain on every paid "
              "service."),
        ]),
        ("intake", "2. Booking and Intake", [
            H("How customers book"),
            P("Customers book through the online booking page, by phone or at the counter. Online bookings open "
              "4 weeks ahead. Each booking has a drop-off day; customers drop off between opening time and "
              "10:30 am so that jobs can be planned into the day."),
            H("Intake checklist"),
            P("At drop-off, the person taking in the bike must:"),
            OL("Check the customer's name, phone number and the service booked.",
               "Photograph both sides of the bike and any existing damage.",
               "Record the frame number; for e-bikes, also record the odometer reading and the battery serial "
               "number.",
               "Test the brakes and note obvious problems, so the customer can approve extra work up front.",
               "Agree an approval limit: extra work up to $40 above the quote is done without a call; above "
               "that, we phone the customer first.",
               "Remove lights, bottles, computers and bags and hand them back, or bag and label them.",
               "Print the job card, tag the bike and give the customer their copy."),
            H("Uncollected bikes"),
            P("Customers get a text message when their bike is ready. Bikes not collected within 14 days of that "
              "message are charged storage at $5 per day. After 90 days, and after three written reminders, we "
              "may sell the bike to recover unpaid charges."),
        ]),
        ("turnaround", "3. Turnaround Times", [
            P("Quote turnaround times from the drop-off day, in working days. The workshop is closed on Sundays, "
              "which therefore do not count as working days."),
            T((95, 65), ("Job", "Standard turnaround"), [
                ("Express repair (puncture, brake or gear adjustment)", "While you wait, about 30 minutes"),
                ("Safety check", "Same day"),
                ("Basic tune-up", "Next working day"),
                ("Full service", "3 working days"),
                ("Premium overhaul", "5 working days"),
                ("E-bike diagnostic", "2 working days"),
                ("E-bike full service", "4 working days"),
                ("Suspension service (sent to specialist)", "10 working days"),
                ("Building a new bike from the box", "2 working days"),
            ]),
            H("Peak season"),
            P("From March 1 to June 30, add 2 working days to every standard turnaround except express repairs "
              "and safety checks. Tell customers this when they book."),
            H("Waiting for parts"),
            P("If parts must be ordered, the clock stops until they arrive. Most parts arrive from our "
              "distributors within 2 to 3 working days; warranty parts from manufacturers can take 2 to 3 "
              "weeks. Offer the customer the option to take the bike away while waiting, if it is safe to ride."),
            H("Priority jobs"),
            P("Commuters who depend on their bike to get to work can ask for priority. We keep two priority slots "
              "per day, allocated by the Workshop Supervisor."),
        ]),
        ("torque", "4. Torque Specifications", [
            P("Use a calibrated torque wrench on every threaded fastener listed below. Where the value printed on "
              "a component differs from this table, the printed value wins. On carbon parts, always apply carbon "
              "assembly paste."),
            T((110, 50), ("Fastener", "Torque"), [
                ("Stem faceplate bolts (handlebar clamp)", "5 Nm"),
                ("Stem steerer clamp bolts", "5 to 6 Nm"),
                ("Headset top cap", "Preload only, about 1 Nm"),
                ("Seatpost clamp, alloy seatpost", "6 to 7 Nm"),
                ("Seatpost clamp, carbon seatpost", "5 Nm maximum"),
                ("Saddle rail clamp bolts", "10 to 12 Nm"),
                ("Crank arm pinch bolts (two-bolt cranks)", "12 to 14 Nm"),
                ("Pedals into crank arms", "35 Nm"),
                ("Threaded bottom bracket cups", "35 to 50 Nm"),
                ("Chainring bolts", "8 to 10 Nm"),
                ("Cassette lockring", "40 Nm"),
                ("Centre Lock disc rotor lockring", "40 Nm"),
                ("Six-bolt disc rotor bolts", "6 Nm"),
                ("Brake caliper mounting bolts", "6 to 8 Nm"),
                ("Brake lever clamp bolt", "3 to 4 Nm"),
                ("Rear derailleur mounting bolt", "8 to 10 Nm"),
                ("Gear cable pinch bolt", "5 Nm"),
                ("Thru-axles without a lever", "12 to 15 Nm"),
                ("Bottle cage bolts", "2 to 3 Nm"),
                ("Volt E-Pro motor mounting bolts", "16 Nm"),
            ]),
            H("Checking the wrenches"),
            P("A torque wrench that reads more than 4% out on the calibration block is taken out of service and "
              "sent away for recalibration. Never use a wrench below 20% of its scale."),
        ]),
        ("tuneup", "5. Procedure: Basic Tune-Up and Full Service", [
            P("A basic tune-up keeps a bike safe and running smoothly. A full service adds a strip-down of the "
              "drivetrain and a full bearing check. Work through the steps in order and tick each one on the job "
              "card."),
            H("Basic tune-up"),
            OL("Check the frame and fork for cracks, dents and bubbling paint around welds and joints.",
               "Inflate tyres to the pressure on the sidewall, check for cuts and wear, and check that the "
               "wheels are straight and the spokes evenly tensioned.",
               "Adjust the gears: set the limit screws and cable tension, and check the derailleur hanger "
               "alignment with the hanger gauge.",
               "Adjust the brakes and check pad wear; replace pads with less than 1.5 mm of material left. "
               "Check cables and hoses for damage.",
               "Check the headset, hubs and bottom bracket for play.",
               "Measure chain wear with the chain checker. Recommend a new chain at 0.5% wear on 11- and "
               "12-speed chains, and at 0.75% on 10-speed and below.",
               "Torque-check every bolt listed in section 4.",
               "Clean and lubricate the chain and wipe down the frame."),
            H("Full service: additional steps"),
            OL("Remove the chain, cassette and chainset and clean them in the parts washer.",
               "Service or replace hub and headset bearings as needed; regrease the bottom bracket threads.",
               "Replace the gear and brake inner cables. New outer cables are charged only if needed.",
               "True both wheels (section 7).",
               "Road test the bike and complete the quality check (section 9).", start=9),
        ]),
        ("bleed", "6. Procedure: Hydraulic Brake Bleed", [
            P("Bleed a hydraulic brake when the lever feels spongy, when the lever pulls to the bar, after a hose "
              "has been cut, and as routine every 12 months on e-bikes and every 2 years on other bikes."),
            H("Identify the fluid first"),
            P("Shimano, Tektro and Volt brakes use mineral oil. SRAM and some other brands use DOT brake fluid. "
              "The fluid type is printed on the lever reservoir cap or on the caliper. Never mix the two: the "
              "wrong fluid destroys the seals and the whole brake must be replaced. Use the blue-labelled kit for "
              "mineral oil and the red-labelled kit for DOT fluid."),
            H("Steps"),
            OL("Remove the wheel and the pads, and fit the bleed block in the caliper.",
               "Level the lever so that the reservoir port is the highest point of the system.",
               "Attach the syringe to the caliper port and the funnel or second syringe to the lever port.",
               "Push fresh fluid up from the caliper to the lever until no more bubbles appear. On DOT systems, "
               "push and pull gently to draw out trapped air.",
               "Close the caliper port first, then flick the lever and hose gently to release bubbles trapped "
               "at the lever.",
               "Close the lever port, clean off all fluid with isopropyl alcohol, and refit the pads and wheel.",
               "Pump the lever until the pads meet the rotor, and check that the lever is firm and does not "
               "pull to the bar.",
               "Check pad alignment and caliper position as shown in Figure 6.1 on the next page."),
            H("Contaminated pads"),
            P("If fluid touches the pads they cannot be cleaned and must be replaced. A contaminated rotor can be "
              "cleaned with isopropyl alcohol and bedded in again."),
        ]),
        ("figure", None, None),  # image-only page (Figure 6.1), no text layer
        ("wheels", "7. Procedure: Wheel Truing and Spoke Tension", [
            P("True a wheel when it rubs the brake or frame, after any crash, and as part of every full service. "
              "Always true on the truing stand, never in the frame."),
            H("Tolerances"),
            UL("Lateral (side-to-side) runout: no more than 0.5 mm.",
               "Radial (up-and-down) runout: no more than 0.5 mm; up to 1 mm is acceptable on wheels older than "
               "5 years.",
               "Dish: the rim must be centred between the locknuts within 0.5 mm; check it with the dishing "
               "tool.",
               "Spoke tension: every spoke on the same side within 10% of the average for that side."),
            H("Method"),
            OL("Check the hub bearings and spokes first: truing a wheel with a broken spoke or a loose hub is "
               "wasted work.",
               "Correct radial runout first, then lateral runout, then dish.",
               "Make small adjustments of a quarter turn or less, and stress-relieve the spokes by squeezing "
               "pairs together after every few rounds.",
               "Measure tension with the tension meter and record the average on the job card."),
            H("When not to true"),
            P("If a rim is cracked, has a flat spot deeper than 1 mm, or the brake track on a rim-brake wheel is "
              "worn past its wear indicator, do not true it. Recommend a rebuild or a replacement wheel and "
              "explain why to the customer."),
            H("Tubeless wheels"),
            P("On tubeless wheels, remove the tyre before truing if sealant has dried inside it; dried sealant "
              "unbalances the wheel and hides the spoke holes."),
        ]),
        ("ebike", "8. Procedure: E-Bike Service and Battery Handling", [
            P("E-bikes are heavier, faster and more complex than other bikes. Only certified technicians work on "
              "the drive system; any mechanic may work on the ordinary bicycle parts of an e-bike."),
            H("Before you start"),
            OL("Remove the battery and put it in the charging cabinet. Do not charge it unless the customer asked "
               "us to.",
               "Connect the bike to the Volt diagnostic tablet and save the diagnostic report to the job.",
               "Record the battery's charge cycles and remaining capacity from the report."),
            H("Firmware"),
            P("Install firmware updates only with the customer's consent, recorded on the job card. Some updates "
              "change how the motor feels, and customers should know in advance."),
            H("Batteries in the workshop"),
            UL("Never open a battery pack or attempt cell-level repairs. Faulty batteries go back to the "
               "manufacturer.",
               "Store batteries at 30 to 60% charge. If a customer's bike will be with us for more than a week, "
               "bring its battery to that level.",
               "Damaged batteries are quarantined as described in the Employee Handbook."),
            H("Cleaning"),
            P("Never use the pressure washer or a hose on an e-bike. Clean it with a damp cloth and bike cleaner, "
              "with the battery removed and the contacts covered by the rubber cap."),
            H("Speed limiter"),
            P("Volt e-bikes assist up to 20 mph. We never remove or alter the speed limiter, even on request. If "
              "you find a bike that has been tuned beyond its limit, stop work, tell the Workshop Supervisor and "
              "record it on the job card."),
        ]),
        ("qc", "9. Quality Check and Handover", [
            H("Quality check"),
            P("Before a bike is marked as ready, a second person who did not work on it carries out the quality "
              "check. This is mandatory for all brake work and for every e-bike. The checker signs the job card."),
            OL("Test ride in the rear yard: gears shift cleanly across the whole range, brakes are firm and "
               "quiet, and nothing rattles.",
               "Check tyre pressures, and check that quick-release levers and thru-axles are closed.",
               "Confirm every item on the job card is ticked, and that any extra work was approved by the "
               "customer.",
               "Wipe down the bike, refit the customer's accessories and hang it in the ready rack with the tag "
               "visible."),
            H("Handover"),
            P("At collection, walk the customer through the work done and any advice, such as parts that will "
              "need replacing soon. After brake work or on a new bike, remind them that new pads need bedding "
              "in: 20 firm stops from walking pace on a quiet road."),
            H("Workshop guarantee"),
            P("Our labour is guaranteed for 30 days. If an adjustment we made goes out of line within 30 days of "
              "collection, we put it right free of charge. The guarantee does not cover crash damage or new "
              "problems unrelated to the work we did."),
            H("When a customer is unhappy"),
            P("Apologise, book the bike back in as a priority job, and tell the Workshop Supervisor the same day."),
        ]),
    ]


def draw_brake_diagram() -> Image.Image:
    """A 'scanned' diagram page: grey-scale, slightly rotated, a few specks; text only as pixels."""
    w, h = 1240, 1754  # A4 at 150 dpi
    img = Image.new("L", (w, h), 250)
    d = ImageDraw.Draw(img)
    big = ImageFont.load_default(size=40)
    mid = ImageFont.load_default(size=30)
    small = ImageFont.load_default(size=24)
    ink = 30

    d.text((110, 90), "Figure 6.1  Disc brake caliper alignment", font=big, fill=ink)
    d.text((110, 150), "Check after every bleed or pad change", font=mid, fill=ink)
    d.line((110, 200, 1130, 200), fill=ink, width=3)

    # Side view: rotor with caliper at the top.
    cx, cy, r = 620, 640, 300
    d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=ink, width=6)
    d.ellipse((cx - r + 45, cy - r + 45, cx + r - 45, cy + r - 45), outline=ink, width=3)
    d.ellipse((cx - 70, cy - 70, cx + 70, cy + 70), outline=ink, width=5)
    for k in range(6):  # six rotor bolts
        a = math.radians(60 * k + 30)
        bx, by = cx + 105 * math.cos(a), cy + 105 * math.sin(a)
        d.ellipse((bx - 14, by - 14, bx + 14, by + 14), outline=ink, width=4)
        for j in range(8):  # cooling holes in the braking track
            b = math.radians(60 * k + 7.5 * j)
            hx, hy = cx + (r - 22) * math.cos(b), cy + (r - 22) * math.sin(b)
            d.ellipse((hx - 7, hy - 7, hx + 7, hy + 7), fill=ink)
    d.rounded_rectangle((cx - 170, cy - r - 70, cx + 170, cy - r + 90), radius=28, outline=ink, width=6)
    d.rectangle((cx - 150, cy - r - 20, cx + 150, cy - r + 10), outline=ink, width=3)  # pad
    for bx in (cx - 120, cx + 120):  # mounting bolts
        d.ellipse((bx - 22, cy - r - 55, bx + 22, cy - r - 11), outline=ink, width=5)
    d.ellipse((cx - 16, cy - r - 62, cx + 16, cy - r - 30), fill=ink)  # bleed port

    def label(x1, y1, x2, y2, text):
        d.line((x1, y1, x2, y2), fill=ink, width=3)
        d.ellipse((x1 - 7, y1 - 7, x1 + 7, y1 + 7), fill=ink)
        if x2 < x1:  # label on the left: text ends where the leader line starts
            d.text((x2 - 10 - d.textlength(text, font=small), y2 - 14), text, font=small, fill=ink)
        else:
            d.text((x2 + 10, y2 - 14), text, font=small, fill=ink)

    label(cx + 120, cy - r - 33, 960, 250, "Mounting bolts 6-8 Nm")
    label(cx, cy - r - 46, 300, 250, "Bleed port")
    label(cx + 150, cy - r - 5, 960, 330, "Pad (min 1.5 mm)")
    label(cx + r - 20, cy, 990, 700, "Rotor")
    label(cx + 70, cy + 60, 900, 900, "Six-bolt spider 6 Nm")

    # Top view: correct vs incorrect pad alignment.
    y0 = 1110
    d.text((110, y0 - 70), "View from above", font=mid, fill=ink)
    for i, (ox, ok) in enumerate(((180, True), (700, False))):
        d.rectangle((ox, y0, ox + 360, y0 + 260), outline=ink, width=5)  # caliper body
        tilt = 0 if ok else 28
        d.line((ox + 180, y0 - 40, ox + 180, y0 + 300), fill=ink, width=10)  # rotor edge
        d.polygon([(ox + 120, y0 + 40), (ox + 160, y0 + 40 + tilt),
                   (ox + 160, y0 + 220 + tilt), (ox + 120, y0 + 220)], outline=ink, width=4)
        d.polygon([(ox + 200, y0 + 40 + tilt), (ox + 240, y0 + 40),
                   (ox + 240, y0 + 220), (ox + 200, y0 + 220 + tilt)], outline=ink, width=4)
        d.text((ox, y0 + 290), "CORRECT: equal gap" if ok else "WRONG: pad drags", font=mid, fill=ink)
        if ok:
            d.text((ox, y0 + 335), "0.2-0.4 mm each side", font=small, fill=ink)
        else:
            d.text((ox, y0 + 335), "Loosen bolts, squeeze lever,", font=small, fill=ink)
            d.text((ox, y0 + 365), "retighten evenly", font=small, fill=ink)
    d.text((850, 1650), "Checked: S.W.  rev 7", font=small, fill=60)

    rng = random.Random(6)  # a few scanner specks, seeded
    for _ in range(140):
        x, y = rng.randrange(w), rng.randrange(h)
        d.point((x, y), fill=rng.randrange(90, 200))
    img = img.rotate(0.6, resample=Image.BICUBIC, fillcolor=250)
    return img


# ---------------------------------------------------------------------------
# PDF rendering
# ---------------------------------------------------------------------------

class DocPDF(FPDF):
    def __init__(self, footer_text: str):
        super().__init__(format="A4")
        self.footer_text = footer_text
        self.bare_pages: set[int] = set()
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(True, margin=20)

    def footer(self):
        if self.page_no() in self.bare_pages:
            return
        self.set_y(-14)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 5, f"{self.footer_text} - Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


BODY = 10.5
LINE = 5.1


def _ascii(text: str) -> str:
    if not text.isascii():
        bad = sorted({c for c in text if not c.isascii()})
        raise SystemExit(f"non-ASCII characters {bad!r} in: {text[:60]}")
    return text


def render_block(pdf: DocPDF, block) -> None:
    kind = block[0]
    full = pdf.w - pdf.l_margin - pdf.r_margin
    if kind == "h":
        pdf.ln(1.5)
        pdf.set_font("Helvetica", "B", 11.5)
        pdf.multi_cell(0, 6, _ascii(block[1]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(0.6)
    elif kind == "p":
        pdf.set_font("Helvetica", "", BODY)
        pdf.multi_cell(0, LINE, _ascii(block[1]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.6)
    elif kind in ("ul", "ol"):
        pdf.set_font("Helvetica", "", BODY)
        start = block[2] if kind == "ol" else 1
        for i, item in enumerate(block[1]):
            marker = "-" if kind == "ul" else f"{start + i}."
            pdf.set_x(pdf.l_margin + 2)
            pdf.cell(7, LINE, marker)
            pdf.multi_cell(full - 9, LINE, _ascii(item), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(0.7)
        pdf.ln(1.0)
    elif kind == "sec":
        _, number, title, text = block
        pdf.set_font("Helvetica", "", BODY)
        pdf.multi_cell(0, LINE, f"**{_ascii(number)} {_ascii(title)}** {_ascii(text)}", markdown=True,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.8)
    elif kind == "table":
        _, widths, header, rows = block
        pdf.set_font("Helvetica", "", BODY - 0.5)
        has_header = any(header)
        with pdf.table(col_widths=widths, width=sum(widths), align="LEFT", line_height=LINE,
                       first_row_as_headings=has_header, padding=1.2) as table:
            for row in ([header] if has_header else []) + list(rows):
                r = table.row()
                for cell in row:
                    r.cell(_ascii(cell))
        pdf.ln(2.5)
    else:
        raise ValueError(kind)


def build_pdf(path: Path, title: str, footer: str, pages, images=None) -> dict:
    """Write a PDF with exactly one physical page per planned page; return {page key: page number}."""
    pdf = DocPDF(footer)
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title(title)
    pdf.set_author("Northwind Cycles")
    pdf.set_creator("sample_docs/make_samples.py")
    keys = {}
    for number, (key, heading, blocks) in enumerate(pages, start=1):
        pdf.add_page()
        keys[key] = number
        if heading is None:  # image-only page
            pdf.bare_pages.add(number)
            pdf.image(images[key], x=0, y=0, w=pdf.w, h=pdf.h)
        else:
            pdf.set_font("Helvetica", "B", 16)
            pdf.multi_cell(0, 8, _ascii(heading), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_draw_color(40, 90, 140)
            pdf.set_line_width(0.6)
            pdf.line(pdf.l_margin, pdf.get_y() + 1, pdf.w - pdf.r_margin, pdf.get_y() + 1)
            pdf.set_draw_color(0, 0, 0)
            pdf.set_line_width(0.2)
            pdf.ln(4)
            for block in blocks:
                render_block(pdf, block)
        if pdf.page_no() != number:
            raise SystemExit(f"{path.name}: content planned for page {number} ({key}) overflowed onto "
                             f"page {pdf.page_no()}; shorten it")
    pdf.output(str(path))
    return keys


# ---------------------------------------------------------------------------
# 5. DOCX documents
# ---------------------------------------------------------------------------

def new_docx(title: str, subject: str) -> Document:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    for section in doc.sections:
        section.page_height = Cm(29.7)
        section.page_width = Cm(21.0)
        section.top_margin = section.bottom_margin = Cm(2.2)
        section.left_margin = section.right_margin = Cm(2.2)
    cp = doc.core_properties
    cp.title = title
    cp.subject = subject
    cp.author = "Northwind Cycles"
    cp.last_modified_by = "Northwind Cycles"
    cp.created = FIXED_DATE.replace(tzinfo=None)
    cp.modified = FIXED_DATE.replace(tzinfo=None)
    cp.last_printed = FIXED_DATE.replace(tzinfo=None)
    cp.revision = 1
    cp.keywords = "Northwind Cycles; sample"
    cp.comments = "Fictional sample document generated by sample_docs/make_samples.py"
    return doc


def add_table(doc: Document, header, rows, widths_cm):
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    hdr = table.rows[0]
    # repeat the header row on each printed page
    trPr = hdr._tr.get_or_add_trPr()
    el = trPr.makeelement(qn("w:tblHeader"), {})
    trPr.append(el)
    for cell, text in zip(hdr.cells, header):
        cell.text = ""
        run = cell.paragraphs[0].add_run(_ascii(text))
        run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = _ascii(text)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm):
            cell.width = Cm(w)
    return table


def page_break(doc: Document):
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def para(doc: Document, text: str, style: str | None = None):
    return doc.add_paragraph(_ascii(text), style=style)


def heading(doc: Document, text: str, level: int):
    return doc.add_heading(_ascii(text), level=level)


def save_docx(doc: Document, path: Path) -> None:
    """Save with fixed zip timestamps so the bytes are the same on every run."""
    buf = io.BytesIO()
    doc.save(buf)
    buf.seek(0)
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zout.writestr(zi, zin.read(info.filename))


def build_price_list(path: Path) -> int:
    doc = new_docx("Northwind Cycles Price List 2026", "Bikes, e-bikes and workshop prices")
    adult = "Frame lifetime; components 2 years"
    kids = "Frame 5 years; components 2 years"
    volt = "Frame lifetime; motor 2 years; battery 2 years or 500 cycles"

    # Page 1: bicycles
    heading(doc, "Northwind Cycles Price List 2026", 1)
    para(doc, "Prices are valid from January 1 to December 31, 2026 in both stores and online, unless a "
              "change is announced in store. All prices are in dollars and include sales tax. Warranty terms "
              "are summarised here; the Returns and Warranty Policy has the full conditions.")
    heading(doc, "Bicycles", 2)
    add_table(doc, ("Model", "Category", "Price", "Warranty"), [
        ("Trail 500", "Hardtail mountain bike", "$1,249", adult),
        ("Trail 700", "Hardtail mountain bike, upgraded fork and brakes", "$1,690", adult),
        ("Summit 900", "Full-suspension mountain bike", "$3,450", adult),
        ("Tempo Road 2", "Road bike, aluminium frame", "$1,590", adult),
        ("Tempo Road 4", "Road bike, carbon frame", "$2,890", adult),
        ("Gravel Roam", "Gravel and touring bike", "$1,780", adult),
        ("City Glide", "Hybrid commuter bike", "$689", adult),
        ("City Glide ST", "Hybrid commuter bike, step-through frame", "$709", adult),
        ("Harbour Cruiser", "Cruiser with 3-speed hub", "$549", adult),
        ("Sprout 16", "Kids' bike, 16 inch wheels", "$279", kids),
        ("Sprout 20", "Kids' bike, 20 inch wheels", "$329", kids),
        ("Sprout 24", "Kids' bike, 24 inch wheels, 8 gears", "$419", kids),
    ], (3.2, 6.0, 2.0, 5.4))
    para(doc, "Every adult bike is available in sizes S, M, L and XL; the Tempo Road 4 also comes in XS. "
              "Colours vary by size and season.")
    page_break(doc)

    # Page 2: electric bikes
    heading(doc, "Electric bikes (Volt range)", 2)
    para(doc, "All Volt e-bikes use our pedal-assist drive system and come with a standard 4 A charger.")
    add_table(doc, ("Model", "Category", "Price", "Warranty"), [
        ("Volt City", "Electric hybrid commuter, 500 Wh battery", "$2,650", volt),
        ("Volt E-Pro", "Electric full-suspension mountain bike, 625 Wh battery", "$4,299", volt),
        ("Volt Cargo", "Electric longtail cargo bike, 625 Wh battery", "$5,190", volt),
        ("Volt Fold", "Folding electric bike, 400 Wh battery", "$1,990", volt),
    ], (3.0, 6.4, 2.0, 5.2))
    heading(doc, "Spare batteries and chargers", 2)
    add_table(doc, ("Item", "Fits", "Price"), [
        ("Volt 400 Wh battery", "Volt Fold", "$599"),
        ("Volt 500 Wh battery", "Volt City", "$749"),
        ("Volt 625 Wh battery", "Volt E-Pro, Volt Cargo", "$869"),
        ("Standard 4 A charger", "All Volt models", "$129"),
        ("Fast 6 A charger", "All Volt models except Volt Fold", "$189"),
    ], (5.5, 7.0, 3.0))
    para(doc, "Spare batteries bought separately carry the same warranty as a battery supplied with a bike, "
              "counted from the date the spare was bought.")
    page_break(doc)

    # Page 3: workshop services
    heading(doc, "Workshop services", 1)
    para(doc, "Labour prices below include the work described; parts are extra unless stated. We always "
              "give you a quote before starting work.")
    add_table(doc, ("Service", "What is included", "Price"), [
        ("Safety check", "Brakes, tyres, bolts and gears checked; written report", "$25"),
        ("Basic tune-up", "Gears and brakes adjusted, wheels checked, chain cleaned and lubricated, bolts "
                          "torqued", "$75"),
        ("Full service", "Basic tune-up plus drivetrain strip and clean, bearing check, new inner cables, "
                         "wheels trued", "$149"),
        ("Premium overhaul", "Full service plus complete strip-down, all bearings serviced, new cables and "
                             "outers, frame cleaned and polished", "$259"),
        ("Brake bleed", "Per hydraulic brake, fluid included", "$35"),
        ("Wheel true", "Per wheel, on the truing stand", "$28"),
        ("Puncture repair", "Labour per wheel; inner tube extra", "$15"),
        ("Tubeless setup", "Per wheel; sealant and valve included", "$40"),
        ("Chain and cassette fitting", "Labour only", "$30"),
        ("Suspension fork lower-leg service", "Seals cleaned, oil replaced", "$70"),
        ("E-bike diagnostic", "Diagnostic report and firmware check", "$55"),
        ("E-bike full service", "Full service plus drive system diagnostic and firmware update", "$179"),
        ("Bike build from box", "For bikes bought elsewhere", "$95"),
        ("Bike fit session", "By appointment at Eastbridge", "$120"),
    ], (4.6, 9.6, 2.2))
    para(doc, "Work that is not listed is charged at $70 per hour, in 15-minute units.")
    page_break(doc)

    # Page 4: plans, finance, price promise
    heading(doc, "Service plans, finance and price promise", 1)
    heading(doc, "Northwind Care service plan", 2)
    para(doc, "Northwind Care costs $99 per year per bike. It includes two basic tune-ups, one safety check, "
              "10% off workshop parts and priority booking. Plans start on the day you buy them and do not "
              "renew automatically.")
    heading(doc, "Free with every new bike", 2)
    para(doc, "Every new bike includes a free 6-week check, when we re-tension the gear cables after they have "
              "settled and check the brakes and bolts. Road and mountain bikes over $1,000 also come with free "
              "pedals, and accessories bought on the same day as the bike are 15% off.")
    heading(doc, "Finance", 2)
    para(doc, "We offer 0% finance over 12 months on purchases over $800, subject to status, with a 10% "
              "deposit. Longer terms of 24 or 36 months are available at 9.9% APR.")
    heading(doc, "Price promise", 2)
    para(doc, "If you find the same new bike, in the same model year and size, for less at another local store "
              "within 25 miles, we will match the price. Online-only retailers are excluded, and we need to see "
              "proof of the price.")
    heading(doc, "Business and club orders", 2)
    para(doc, "Businesses buying 5 or more bikes, and members of local cycling clubs, can ask for a quote from "
              "Daniel Reyes at the Eastbridge store.")
    save_docx(doc, path)
    return 4


FAQ = [
    ("Buying a bike", [
        ("Can I test ride a bike before I buy it?",
         "Yes. Any bike on the shop floor can be test ridden for up to 30 minutes. We ask for photo ID and keep "
         "it at the till while you ride. At Millbrook, demo rides on the trails can be booked for Saturday "
         "mornings for $20, which is refunded if you buy the bike within 30 days."),
        ("How do I know what size bike I need?",
         "Size depends on your height and inside leg more than on the number on the frame. We measure you in "
         "store in about five minutes and put you on two sizes to compare. As a rough guide, riders between "
         "5 ft 5 in and 5 ft 9 in usually ride a medium."),
        ("Can you hold a bike for me while I decide?",
         "We can hold a bike for up to 7 days with a deposit of 10% of the price. The deposit is fully refunded "
         "if you change your mind within those 7 days."),
        ("Do you offer a student discount?",
         "Yes. Students with a valid student ID get 10% off accessories and clothing and 5% off bikes. The "
         "student discount cannot be combined with other offers."),
        ("Which payment methods do you accept?",
         "Cash, all major debit and credit cards, Apple Pay and Google Pay, Northwind gift cards and "
         "cycle-to-work scheme certificates. We do not accept cheques."),
    ]),
    ("Repairs and servicing", [
        ("Do you repair bikes that were not bought from you?",
         "Absolutely. Our workshop services any make and model of bicycle. For e-bikes from other brands, we "
         "can work on the drive system only if we have the maker's diagnostic software, so please call first."),
        ("Can I learn to fix my own bike?",
         "Yes. Our Fix-It Basics class runs on the second Tuesday of every month from 6:30 pm to 8:30 pm at "
         "Eastbridge. It costs $20, covers puncture repair, brake adjustment and chain care, and is limited to "
         "8 people."),
        ("Do you offer professional bike fitting?",
         "Yes. Bike fits are done at Eastbridge by appointment on Wednesdays. A fit covers saddle height and "
         "position, reach, handlebar height and cleat setup, and you leave with a printed record of your "
         "measurements."),
        ("Can you store my bike over the winter?",
         "Yes. Winter storage at Millbrook runs from November 1 to March 31 and costs $15 per month per bike. "
         "Bikes are stored indoors, and we can tune yours up before you collect it in spring."),
        ("Can you collect my bike for a repair?",
         "Our workshop van collects bikes for repair on Tuesdays and Fridays within 10 miles of Eastbridge. "
         "Collection and return together cost $30."),
    ]),
    ("Electric bikes", [
        ("How far can I ride on one charge?",
         "Range depends on the battery, the assist level, hills, temperature and rider weight. As a guide, a "
         "Volt City covers 35 to 60 miles on a charge, and a Volt E-Pro covers 25 to 45 miles on hilly trails."),
        ("How long does an e-bike battery take to charge?",
         "About 4.5 hours from empty to full with the standard charger, and about 2.5 hours to reach 80%."),
        ("How should I look after my battery over the winter?",
         "Keep it indoors somewhere cool and dry, away from radiators, and top it up every two to three months "
         "so that it never sits completely flat."),
        ("What should I do with an old e-bike battery?",
         "Bring it to either store. We take back e-bike batteries of any brand free of charge and send them for "
         "recycling. If it is damaged or swollen, call ahead so that we can prepare a safe container."),
        ("Can I ride my e-bike in the rain?",
         "Yes, light rain and wet roads are fine. Avoid deep puddles, and if the battery contacts get wet, dry "
         "them before you charge."),
    ]),
    ("Rewards, rides and community", [
        ("Do you have a loyalty scheme?",
         "Yes, Northwind Miles. You earn 1 point for every $1 spent in store or online, and 200 points can be "
         "swapped for a $10 voucher. Points expire after 24 months without a purchase."),
        ("Do gift cards expire?",
         "Gift cards are valid for 3 years from the date of purchase and can be used in both stores and "
         "online. They can be topped up at the till."),
        ("Do you organise group rides?",
         "Every Saturday at 8:30 am from the Eastbridge store: a 25-mile no-drop social ride at a relaxed pace, "
         "with a coffee stop. Millbrook runs a trail ride for intermediate riders on the first Sunday of each "
         "month at 9:00 am. Both are free, and helmets are required."),
        ("What can I do with my old bike?",
         "Donate it to Second Spin, our bike recycling scheme. Volunteers refurbish donated bikes and we give "
         "them to local people who need affordable transport. Drop it at either store during opening hours."),
        ("Can anyone enter the Millbrook Enduro?",
         "Yes. The Millbrook Enduro is held on the second weekend of September and is open to riders aged 14 "
         "and over. Entry costs $45 and includes timing and a post-race meal."),
    ]),
    ("Kids, access and everything else", [
        ("Which Sprout bike suits my child?",
         "As a guide, the Sprout 16 suits ages 4 to 6, the Sprout 20 ages 6 to 9, and the Sprout 24 ages 8 to "
         "12. Height matters more than age, so bring your child in to try them."),
        ("Do you have bikes for riders with disabilities?",
         "We can order adaptive bikes, including adult tricycles and hand cycles, from specialist partners. "
         "Book a free consultation at Eastbridge; Aisha Mensah leads our adaptive cycling service."),
        ("Do you run lessons for people learning to ride?",
         "Learn to Ride sessions for children aged 5 to 10 run at the Millbrook pump track on Saturday "
         "afternoons during school holidays, at $15 per child per session. Adults who never learned can book a "
         "private one-hour lesson for $35."),
        ("Can I bring my dog into the store?",
         "Well-behaved dogs on a lead are welcome in both stores, but not in the workshop. There is a water bowl "
         "by the Eastbridge entrance."),
        ("Do you ship parts and accessories?",
         "Yes. Online orders of parts and accessories ship anywhere in the country. Shipping is free on orders "
         "over $75; below that it costs $6.95. Complete bikes are delivered locally only."),
    ]),
]


def build_faq(path: Path) -> int:
    doc = new_docx("Northwind Cycles Customer FAQ", "Frequently asked questions")
    heading(doc, "Northwind Cycles: Frequently Asked Questions", 0)
    para(doc, "Can't find your answer here? Ask us in store or email hello@northwindcycles.example.")
    for i, (topic, qas) in enumerate(FAQ):
        if i:
            page_break(doc)
        heading(doc, topic, 1)
        for q, a in qas:
            heading(doc, q, 2)
            para(doc, a)
    save_docx(doc, path)
    return len(FAQ)


STORE_OPS = [
    ("Store Locations", [
        "Eastbridge: 14 Harbour Street, Eastbridge. Our flagship store, with the main sales floor of about 220 "
        "bikes, the workshop, and city bike and e-bike rentals. Phone 555-0130.",
        "Millbrook: Unit 3, Station Yard, Millbrook, at the trailhead. The rental hub, with a fleet of 60 bikes, "
        "mountain bike sales and a bike wash station. Phone 555-0140.",
    ]),
    ("Opening Hours: Eastbridge", [
        "Monday to Wednesday and Friday: 9:00 am to 6:00 pm. Thursday: 9:00 am to 8:00 pm (late opening). "
        "Saturday: 9:00 am to 5:00 pm. Sunday: 10:00 am to 4:00 pm.",
        "The Eastbridge workshop is open Monday to Saturday from 9:00 am to 5:30 pm and is closed on Sundays. "
        "The last express repair is accepted 30 minutes before the workshop closes.",
    ]),
    ("Opening Hours: Millbrook", [
        "Summer season, April 1 to October 31: open every day from 8:00 am to 6:00 pm.",
        "Winter season, November 1 to March 31: Wednesday to Sunday from 9:00 am to 4:00 pm; closed Monday and "
        "Tuesday.",
    ]),
    ("Holiday Closures", [
        "Both stores are closed on December 25, December 26 and January 1. On December 24 and December 31 both "
        "stores close at 2:00 pm.",
        "On other public holidays Eastbridge opens from 10:00 am to 4:00 pm, and Millbrook keeps its normal "
        "seasonal hours.",
    ]),
    ("Opening Procedure", [
        "Two people open each store, arriving 30 minutes before opening time. Before unlocking, walk round the "
        "outside of the building and check for signs of forced entry.",
        "Disarm the alarm within 45 seconds of opening the door. Check that the temperature display on the "
        "charging cabinet reads below 30 C, count the till float, switch on the workshop compressor and put out "
        "the pavement display. At Eastbridge our street licence allows no more than 8 bikes on the pavement.",
    ]),
    ("Cash Handling", [
        "Each till starts the day with a float of $200 in mixed notes and coins. When notes in a till exceed "
        "$600, make a safe drop and record it in the safe log.",
        "Cash is banked on Tuesdays and Fridays by two people together, varying the route and the time. Any "
        "till difference over $10 is reported to the store manager the same day.",
    ]),
    ("Closing Procedure", [
        "A store is never closed by one person alone; two members of staff must be present until the alarm is "
        "set. At Millbrook, new rentals stop one hour before closing time, and at Eastbridge the last workshop "
        "collection is 15 minutes before closing.",
        "Bring in the pavement display, lock the display bikes with the security cable, and check that no "
        "batteries are left charging in the cabinet. Cash up and put the takings in the safe. Switch off the "
        "compressor and the lights, check the toilets and changing rooms are empty, set the alarm and lock up. "
        "Both closers sign the closing log.",
    ]),
    ("Security, Keys and Alarms", [
        "Eastbridge has four key holders (Daniel Reyes, Aisha Mensah, Sam Whitaker and Maggie Okafor) and "
        "Millbrook has three (Hannah Cole and two senior rental staff). Keys are never lent to anyone else.",
        "Both alarms are monitored by Sentinel Alarms, who phone the key holders in order. A key holder "
        "attending an alarm takes a second person, and if there are signs of a break-in they wait outside "
        "for the police and do not go in.",
        "Report a lost key to your manager immediately; the locks are changed at the company's cost. CCTV "
        "footage is kept for 31 days and may be viewed only by managers. Police requests for footage are "
        "recorded in the CCTV log.",
    ]),
    ("Deliveries and Stock Receiving", [
        "Supplier deliveries arrive at the Eastbridge rear door on Mill Lane on Tuesday and Thursday mornings, "
        "before 11:00 am. Count the cartons against the delivery note before signing, and note any visible "
        "damage on the courier's device.",
        "Boxed bikes are booked into stock the same day and kept in the upper stock room until they are built.",
    ]),
    ("Parking and Access", [
        "Eastbridge has 6 customer parking spaces behind the store, reached from Mill Lane, a step-free entrance "
        "and an accessible toilet. There are bike racks for 12 bikes at the front of the store.",
        "At Millbrook customers use the trailhead car park next to the store. Rental customers can use the "
        "changing rooms and showers free of charge.",
    ]),
    ("Shoplifting and Incidents", [
        "Never chase or physically restrain a suspected shoplifter. Note a description, the time and what was "
        "taken, tell the manager on duty and write it up in the incident log before the end of the shift.",
        "If a customer is injured on our premises, give first aid, record it in the accident book and tell the "
        "store manager.",
    ]),
]


def build_store_ops(path: Path) -> int:
    doc = new_docx("Northwind Cycles Store Operations", "Locations, hours and store procedures")
    heading(doc, "Northwind Cycles Store Operations Manual", 0)
    para(doc, "For all store staff. Keep a printed copy behind each till. Questions about this manual go to "
              "your store manager.")
    for title, paragraphs in STORE_OPS:
        heading(doc, title, 1)
        for text in paragraphs:
            para(doc, text)
    save_docx(doc, path)
    return len(STORE_OPS)


# ---------------------------------------------------------------------------
# Questions. Sources are (file, page key or section heading, evidence phrase).
# ---------------------------------------------------------------------------

HB = "Employee_Handbook.pdf"
RW = "Returns_and_Warranty_Policy.pdf"
RA = "Rental_Agreement_Terms.pdf"
WS = "Workshop_Service_Manual.pdf"
PL = "Price_List_2026.docx"
FQ = "Customer_FAQ.docx"
SO = "Store_Operations.docx"

ANSWERABLE = [
    # Employee handbook
    ("How often do we get paid, and on which day of the week?", [(HB, "pay", "paid every two weeks, on a Friday")]),
    ("Christmas Day is a Friday this year - when will payroll go out?",
     [(HB, "pay", "moves to Thursday, December 24")]),
    ("How many days of vacation does a full-time employee get each year?",
     [(HB, "vacation", "22 days of paid vacation")]),
    ("Can I take two weeks off in the middle of May?", [(HB, "vacation", "between april 1 and june 30")]),
    ("How long is the lunch break on an eight-hour shift, and is it paid?",
     [(HB, "hours", "30-minute unpaid lunch break")]),
    ("Do I need a doctor's note if I'm off sick for two days?",
     [(HB, "absence", "up to 3 calendar days you can self-certify")]),
    ("What discount do employees get when they buy a new bike?", [(HB, "discounts", "25% off the ticket price")]),
    ("Can I use my staff discount on top of sale prices?",
     [(HB, "discounts", "cannot be combined with sale prices")]),
    ("Does the company pay for steel toe boots for the workshop?",
     [(HB, "dress", "up to $80 towards safety footwear")]),
    ("A customer's battery looks swollen. What should I do with it?",
     [(HB, "safety2", "sand-filled quarantine bin")]),
    ("When do I have to wear eye protection in the workshop?",
     [(HB, "safety1", "safety glasses are required when using compressed air")]),
    ("What's the mileage allowance if I use my own car for a work errand?", [(HB, "expenses", "$0.68 per mile")]),
    ("How much notice do I have to give if I resign after my probation?",
     [(HB, "leaving", "the notice period is 4 weeks")]),
    ("What is the phone extension for the Millbrook store manager?",
     [(HB, "contacts", "ext. 230")]),
    ("Is working on a bank holiday paid extra?", [(HB, "overtime", "double time")]),
    ("How many paid days off do I get if a parent dies?", [(HB, "otherleave", "up to 5 paid days")]),
    ("What year did the company start?", [(HB, "welcome", "founded in 2009")]),
    ("How much can I spend on training courses each year?", [(HB, "training", "$600 a year")]),
    ("Do staff get a day off for their birthday?",
     [(HB, "vacation", "extra paid day off in the month of their birthday")]),
    ("Is there extra pay if the alarm company calls me out at night?",
     [(HB, "overtime", "$40 call-out fee")]),
    # Returns and warranty policy
    ("Can a customer return a bike after 45 days?", [(RW, "returns", "for store credit only")]),
    ("I bought a jacket ten days ago and don't like it. Can I get my money back?",
     [(RW, "returns", "for any reason, for a full refund")]),
    ("Is there a fee for returning a bike that has been ridden a lot?",
     [(RW, "returns", "15% restocking fee")]),
    ("How long can I use store credit before it expires?",
     [(RW, "intro", "valid for 12 months from the date it is issued")]),
    ("I lost my receipt. Can I still return something?",
     [(RW, "proof", "look up purchases made with a card")]),
    ("How long until a card refund shows up on my statement?", [(RW, "proof", "5 to 10 business days")]),
    ("What is the warranty on an e-bike battery?",
     [(RW, "warranty", "2 years or 500 full charge cycles"), (PL, 2, "battery 2 years or 500 cycles")]),
    ("Is the frame on a Trail 500 covered for life?",
     [(RW, "warranty", "lifetime warranty against defects"), (PL, 1, "frame lifetime; components 2 years")]),
    ("Are worn brake pads and tyres covered by the warranty?",
     [(RW, "exclusions", "normal wear and tear of tyres")]),
    ("Will derestricting my e-bike affect the warranty?",
     [(RW, "exclusions", "derestriction voids the motor, battery and frame warranties")]),
    ("How long does it take you to decide on a warranty claim?",
     [(RW, "claims", "assess the claim within 5 working days")]),
    ("I crashed my own-brand road bike last year. Is there any discount on a new frame?",
     [(RW, "claims", "replacement frame at 40% off")]),
    ("Can you pick up a bike I ordered online and want to send back?",
     [(RW, "online", "the collection fee is $25")]),
    ("Can I return a set of custom-built wheels?", [(RW, "returns", "custom-built wheels")]),
    # Rental terms
    ("How much is it to rent a Volt E-Pro for a full day?", [(RA, "rates", "Volt E-Pro ... $95")]),
    ("What is the security deposit for renting an e-bike?", [(RA, "deposit", "$400 per e-bike")]),
    ("Can I leave a cash deposit for a rental?", [(RA, "deposit", "cash deposits are not accepted")]),
    ("What ID do I need to bring to rent a bike?",
     [(RA, "booking", "valid photo id: a driving licence, passport or national identity card")]),
    ("How old must you be to ride one of the rental e-bikes?",
     [(RA, "booking", "e-bike riders must be at least 16")]),
    ("What happens if I bring my rental back two hours late?", [(RA, "returning", "$15 per bike for each hour")]),
    ("If I cancel a rental the morning of my booking, do I get my money back?",
     [(RA, "booking", "charged 50% of the rental price")]),
    ("How much will I be charged if I bend the derailleur hanger on a rental?",
     [(RA, "damage", "bent derailleur hanger")]),
    ("Can I pay extra to cover accidental damage on a rental bike?", [(RA, "deposit", "$6 per bike per day")]),
    ("My locked rental bike was stolen. Do I have to pay for the whole bike?",
     [(RA, "damage", "your liability is limited to the deposit")]),
    ("Who do I call if my rental bike breaks down on the trail?", [(RA, "returning", "555-0142")]),
    # Workshop manual
    ("What torque should pedals be tightened to?", [(WS, "torque", "35 nm")]),
    ("How tight can I do up a carbon seatpost clamp?", [(WS, "torque", "5 nm maximum")]),
    ("How many working days should we quote for a full service?", [(WS, "turnaround", "3 working days")]),
    ("Do turnaround times change in spring?", [(WS, "turnaround", "add 2 working days")]),
    ("What extra details do we record when checking in an e-bike?",
     [(WS, "intake", "odometer reading and the battery serial number")]),
    ("Do we charge customers who leave their bike with us for weeks after it's fixed?",
     [(WS, "intake", "$5 per day")]),
    ("Which brake brands use mineral oil instead of DOT fluid?",
     [(WS, "bleed", "shimano, tektro and volt brakes use mineral oil")]),
    ("How much side-to-side wobble is acceptable after truing a wheel?",
     [(WS, "wheels", "no more than 0.5 mm")]),
    ("Can we hose down an e-bike in the workshop?",
     [(WS, "ebike", "never use the pressure washer or a hose on an e-bike")]),
    ("Is repair work guaranteed, and for how long?", [(WS, "qc", "labour is guaranteed for 30 days")]),
    ("When should I recommend a new chain on a 12-speed drivetrain?",
     [(WS, "tuneup", "0.5% wear on 11- and 12-speed chains")]),
    # Price list (DOCX pages counted by stored page breaks)
    ("How much does the Trail 500 cost?", [(PL, 1, "$1,249")]),
    ("What's the price of a basic tune-up?", [(PL, 3, "Basic tune-up ... $75")]),
    ("How much do you charge to bleed a hydraulic brake?", [(PL, 3, "per hydraulic brake, fluid included")]),
    ("How much is a spare 625 Wh battery?", [(PL, 2, "$869")]),
    ("Can I pay for a bike in monthly instalments?", [(PL, 4, "0% finance over 12 months")]),
    ("Will you match a cheaper price from another bike shop?", [(PL, 4, "we will match the price")]),
    ("What do I get with the Northwind Care plan?", [(PL, 4, "two basic tune-ups")]),
    ("What is your hourly workshop labour rate?", [(PL, 3, "$70 per hour")]),
    # Customer FAQ
    ("Can I try a bike out before buying it?", [(FQ, 1, "test ridden for up to 30 minutes")]),
    ("Could you put a bike aside for me for a few days?", [(FQ, 1, "hold a bike for up to 7 days")]),
    ("Do students get money off?", [(FQ, 1, "students with a valid student id")]),
    ("Do you run classes on basic bike maintenance?", [(FQ, 2, "fix-it basics class")]),
    ("How long does it take to charge a Volt battery?", [(FQ, 3, "about 4.5 hours")]),
    ("Do you have a points or rewards programme?", [(FQ, 4, "1 point for every $1")]),
    ("Is there a weekend group ride I can join?", [(FQ, 4, "every saturday at 8:30 am")]),
    ("What size Sprout should I get for my 7-year-old?", [(FQ, 5, "sprout 20 ages 6 to 9")]),
    ("Are dogs allowed in the shop?", [(FQ, 5, "well-behaved dogs on a lead")]),
    ("How much is shipping on an accessories order?", [(FQ, 5, "free on orders over $75")]),
    # Store operations (DOCX without page breaks: cited by section heading)
    ("What time does the Eastbridge store close on Thursdays?",
     [(SO, "Opening Hours: Eastbridge", "thursday: 9:00 am to 8:00 pm")]),
    ("Is the Millbrook shop open on Mondays in January?",
     [(SO, "Opening Hours: Millbrook", "closed monday and tuesday")]),
    ("Are you open the day after Christmas?", [(SO, "Holiday Closures", "december 26")]),
    ("How much cash goes in each till at the start of the day?", [(SO, "Cash Handling", "float of $200")]),
    ("Can I lock up the store on my own at night?",
     [(SO, "Closing Procedure", "never closed by one person alone")]),
    ("The alarm went off overnight and the door looks forced. What should the key holder do?",
     [(SO, "Security, Keys and Alarms", "wait outside for the police")]),
    ("Is there customer parking at the Eastbridge store?", [(SO, "Parking and Access", "6 customer parking spaces")]),
    ("What's the address of the Millbrook store?", [(SO, "Store Locations", "unit 3, station yard")]),
]

# Near-topic questions the documents cannot answer; the words listed must appear nowhere.
UNANSWERABLE = [
    ("What is the CEO's salary?", ["salary", "salaries"]),
    ("Do you sell skateboards?", ["skateboard"]),
    ("Do you sell or repair electric scooters?", ["scooter"]),
    ("Does the company match contributions to a pension or 401(k)?", ["pension", "401", "retirement"]),
    ("How much will you give me if I trade in my old road bike?", ["trade-in", "trade in", "part-exchange"]),
    ("Is Northwind Cycles opening a third store in Riverton?", ["riverton", "third store", "new store"]),
    ("What is the wifi password in the staff room?", ["wifi", "wi-fi", "password for the"]),
    ("What was Northwind Cycles' revenue last year?", ["revenue", "turnover", "profit"]),
    ("When does the summer sale start?", ["summer sale", "black friday"]),
    ("Which insurance company covers the rental fleet?", ["insurance", "insurer"]),
]

# Written later to tune the relevance gate (issue 11): appended after the first 92 questions so their
# ids stay the same. Several are near misses: most of their words are in the documents, the fact is not.
MORE_UNANSWERABLE = [
    ("Do you sell unicycles?", ["unicycle"]),
    ("When is the staff Christmas party?", ["christmas party"]),
    ("Is there maternity or paternity leave?", ["maternity", "paternity"]),
    ("Can I pay with bitcoin?", ["bitcoin", "crypto"]),
    ("Do you repair wheelchairs?", ["wheelchair"]),
    ("How much is a tandem bike?", ["tandem"]),
    ("Can staff work from home on admin days?", ["work from home", "remote work"]),
    ("Do you offer gift wrapping?", ["gift wrap"]),
    ("How do I switch the Volt display from miles to kilometres?", ["kilometre"]),
    ("Who won the Millbrook Enduro last year?", ["winner", "won"]),
    ("What is the minimum age to work at Northwind?", ["minimum age", "years old"]),
    ("Do you have a shop in London?", ["london"]),
    ("What is Northwind's VAT number?", ["vat number"]),
    ("Which chain lube does the workshop use?", ["lube"]),
    ("Do you buy second-hand bikes?", ["second-hand", "second hand", "used bikes"]),
]


# ---------------------------------------------------------------------------
# A scanned delivery note and a stock spreadsheet (read by OCR and row by row)
# ---------------------------------------------------------------------------

SC = "Kestrel_Delivery_Note_Scan.pdf"
SL = "Stock_List_March_2026.xlsx"

DELIVERY_NOTE = [
    ("B", 15, "KESTREL CYCLE PARTS LTD"),
    ("", 11, "Unit 9, Harrow Lane Trading Estate, Millbrook"),
    ("B", 13, "Delivery note KCP-20466"),
    ("", 11, "Delivered to: Northwind Cycles, Eastbridge store"),
    ("", 11, "Delivery date: 12 March 2026"),
    ("", 11, ""),
    ("B", 11, "Qty   Item"),
    ("", 11, "20   Brake pad set, resin, type B05"),
    ("", 11, "6   Chain, 12-speed, 126 links"),
    ("", 11, "10   Inner tube 29 x 2.2-2.6, presta valve 48 mm"),
    ("", 11, "4   Tubeless sealant, 1 litre bottle"),
    ("", 11, ""),
    ("", 11, "Back-ordered: 2 rear derailleurs, to follow on 19 March 2026."),
    ("", 11, "Received in good condition by Ruth Adeyemi, workshop lead."),
]


def build_delivery_scan(path: Path) -> None:
    """One A4 page printed, then scanned: the PDF holds only a picture of it, no text layer."""
    import pypdfium2 as pdfium

    pdf = FPDF(format="A4")
    pdf.set_margins(22, 22, 22)
    pdf.add_page()
    for style, size, text in DELIVERY_NOTE:
        pdf.set_font("Helvetica", style, size)
        pdf.cell(0, size * 0.7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc = pdfium.PdfDocument(bytes(pdf.output()))
    page = doc[0].render(scale=150 / 72, grayscale=True).to_pil().convert("L")  # 150 dpi
    doc.close()
    rng = random.Random(12)
    page = page.rotate(-0.8, resample=Image.BICUBIC, fillcolor=255).point(lambda v: int(35 + v * 0.82))
    draw = ImageDraw.Draw(page)
    for _ in range(500):
        x, y = rng.randrange(page.width), rng.randrange(page.height)
        draw.point((x, y), fill=rng.randrange(70, 190))
    jpeg = io.BytesIO()
    page.save(jpeg, format="JPEG", quality=55, optimize=True)
    scan = FPDF(format="A4")
    scan.set_creation_date(FIXED_DATE)
    scan.add_page()
    scan.image(io.BytesIO(jpeg.getvalue()), x=0, y=0, w=210, h=297)
    scan.output(str(path))


STOCK_SHEETS = {
    # sheet: rows of (part, size, brand, in stock, reorder at, unit cost, supplier)
    "Tyres and Tubes": [
        ("Trail tyre", "29 x 2.4", "Ridgeline Grip", 7, 4, 38.5, "Kestrel Cycle Parts"),
        ("Trail tyre", "27.5 x 2.4", "Ridgeline Grip", 3, 4, 36.0, "Kestrel Cycle Parts"),
        ("Road tyre", "700 x 28c", "Swiftline", 12, 6, 29.0, "Harbour Wholesale"),
        ("Gravel tyre", "700 x 40c", "Dustrunner", 5, 4, 33.0, "Harbour Wholesale"),
        ("Inner tube", "29 x 2.2-2.6", "Kestrel", 26, 15, 6.2, "Kestrel Cycle Parts"),
        ("Inner tube", "700 x 25-32c", "Swiftline", 40, 20, 5.1, "Harbour Wholesale"),
        ("Kids tyre", "16 x 1.95", "Little Loop", 9, 4, 14.0, "Harbour Wholesale"),
    ],
    "Brakes and Drivetrain": [
        ("Brake pads resin", "B05", "Kestrel", 34, 15, 11.0, "Kestrel Cycle Parts"),
        ("Brake pads sintered", "B05S", "Kestrel", 8, 10, 14.5, "Kestrel Cycle Parts"),
        ("Disc rotor", "180 mm six-bolt", "Ironspin", 6, 4, 27.0, "Harbour Wholesale"),
        ("Chain 12-speed", "126 links", "Linkwell", 11, 6, 32.0, "Kestrel Cycle Parts"),
        ("Cassette 12-speed", "10-51", "Linkwell", 2, 3, 89.0, "Kestrel Cycle Parts"),
        ("Brake fluid mineral oil", "100 ml", "Ironspin", 14, 6, 9.5, "Harbour Wholesale"),
    ],
}
STOCK_HEADER = ("Part", "Size", "Brand", "In stock", "Reorder at", "Unit cost", "Stock value", "Supplier")
STOCK_FIRST_ROW = 4  # row 1 title, row 2 empty, row 3 header


def build_stock_list(path: Path) -> None:
    """Two sheets; a title merged across the top; "Stock value" is a formula whose result is saved
    in the file, as Excel or LibreOffice save it (openpyxl itself writes formulas without results)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    results: dict[str, dict[str, str]] = {}
    for n, (sheet, rows) in enumerate(STOCK_SHEETS.items(), start=1):
        ws = wb.create_sheet(sheet)
        ws["A1"] = f"Northwind Cycles stock count, 31 March 2026 - {sheet}"
        ws.merge_cells("A1:H1")
        ws.append([])
        ws.append(list(STOCK_HEADER))
        cached = results.setdefault(f"xl/worksheets/sheet{n}.xml", {})
        for r, (part, size, brand, stock, reorder, cost, supplier) in enumerate(rows, start=STOCK_FIRST_ROW):
            ws.append([part, size, brand, stock, reorder, cost, f"=D{r}*F{r}", supplier])
            ws[f"F{r}"].number_format = ws[f"G{r}"].number_format = "#,##0.00"
            cached[f"G{r}"] = repr(round(stock * cost, 2))
    raw = io.BytesIO()
    wb.properties.created = wb.properties.modified = FIXED_DATE.replace(tzinfo=None)
    wb.save(raw)
    src = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving: fix it
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-05T09:00:00Z", data)
            for cell, value in results.get(info.filename, {}).items():
                data, hits = re.subn(rb'(<c r="' + cell.encode() + rb'"[^>]*>\s*<f>[^<]*</f>)\s*<v>\s*</v>',
                                     lambda m: m.group(1) + b"<v>" + value.encode() + b"</v>", data)
                assert hits == 1, cell
            info.date_time = ZIP_DATE
            dst.writestr(info, data)


def stock_row(part: str, size: str) -> int:
    """The spreadsheet row number of a stock line (as Excel shows it)."""
    for rows in STOCK_SHEETS.values():
        for r, row in enumerate(rows, start=STOCK_FIRST_ROW):
            if row[0] == part and row[1] == size:
                return r
    raise KeyError((part, size))


# Questions that need the scan or the spreadsheet; appended after the others (their ids stay put).
# A source is (file, place, evidence); place is a page number for the scan, (sheet, part, size) for the stock list.
PAPERWORK_QUESTIONS = [
    ("What did Kestrel Cycle Parts deliver to Eastbridge on 12 March 2026?",
     [(SC, 1, "Delivery note KCP-20466 ... Brake pad set, resin, type B05")]),
    ("Who signed for the Kestrel delivery, and what is still to come?",
     [(SC, 1, "Ruth Adeyemi ... 2 rear derailleurs")]),
    ("How many 29 x 2.4 trail tyres do we have in stock, and when do we reorder?",
     [(SL, ("Tyres and Tubes", "Trail tyre", "29 x 2.4"), "Size: 29 x 2.4 · Brand: Ridgeline Grip · In stock: 7 · Reorder at: 4")]),
    ("Are we running low on 12-speed cassettes?",
     [(SL, ("Brakes and Drivetrain", "Cassette 12-speed", "10-51"), "In stock: 2 · Reorder at: 3")]),
    ("What is the stock value of our resin brake pads?",
     [(SL, ("Brakes and Drivetrain", "Brake pads resin", "B05"), "Part: Brake pads resin ... Stock value: 374.00")]),
]


def paperwork_locations() -> tuple[dict, dict, list[str]]:
    """Read the scan and the spreadsheet back as Groundwork reads them (OCR, rows with headers)."""
    sys.path.insert(0, str(OUT.parent))
    from core.documents import read_document
    from core.settings import load_settings

    settings = load_settings(environ={}, data_dir=OUT / ".verify")
    problems: list[str] = []
    locations: dict[tuple, str] = {}
    rows: dict[tuple, tuple[int, int]] = {}
    scan = read_document(SC, (OUT / SC).read_bytes(), settings)
    if scan.triage.ocr_pages != [1] or (PdfReader(str(OUT / SC)).pages[0].extract_text() or "").strip():
        problems.append(f"{SC} should be one scanned page with no text layer, read by OCR")
    for segment in scan.segments:
        locations[(SC, segment.page)] = norm(segment.text)
    stock = read_document(SL, (OUT / SL).read_bytes(), settings)
    for segment in stock.segments:
        for offset, line in enumerate(segment.text.split("\n")):
            number = segment.rows[0] + offset
            locations[(SL, segment.section, number)] = norm(line)
    return locations, rows, problems


def paperwork_records(corpus: dict[tuple, str], locations: dict[tuple, str], problems: list[str]) -> list[dict]:
    records = []
    everything = {**corpus, **locations}
    for question, sources in PAPERWORK_QUESTIONS:
        srcs, evidence = [], []
        for file, where, phrase in sources:
            if file == SC:
                loc = (SC, where)
                srcs.append({"file": SC, "page": where})
            else:
                sheet, part, size = where
                row = stock_row(part, size)
                loc = (SL, sheet, row)
                srcs.append({"file": SL, "page": None, "section": sheet, "rows": [row, row]})
            parts = [norm(x) for x in phrase.split(" ... ")]
            if not all(x in locations.get(loc, "") for x in parts):
                problems.append(f"{question!r}: {phrase!r} not found at {loc}")
            elsewhere = [k for k, t in everything.items() if k != loc and all(x in t for x in parts)]
            if elsewhere:
                problems.append(f"{question!r}: {phrase!r} also appears at {elsewhere}")
            evidence.append(phrase)
        records.append({"question": question, "sources": srcs, "answerable": True, "evidence": evidence})
    return records


# ---------------------------------------------------------------------------
# Verification: read the files back the way an ingester would
# ---------------------------------------------------------------------------

def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def pdf_page_texts(path: Path) -> dict[int, str]:
    reader = PdfReader(str(path))
    return {i: (page.extract_text() or "") for i, page in enumerate(reader.pages, start=1)}


def docx_locations(path: Path):
    """Return (page texts by stored page breaks, section texts by nearest heading, number of breaks)."""
    doc = Document(str(path))
    pages: dict[int, list[str]] = {1: []}
    sections: dict[str | None, list[str]] = {}
    page, section, breaks = 1, None, 0
    for block in doc.iter_inner_content():
        if isinstance(block, Paragraph):
            style = block.style.name if block.style is not None else ""
            if style.startswith("Heading") and block.text.strip():
                section = block.text.strip()
            buf = []
            for el in block._p.iter():
                if el.tag == qn("w:t"):
                    buf.append(el.text or "")
                elif el.tag == qn("w:tab"):
                    buf.append(" ")
                elif el.tag == qn("w:br") and el.get(qn("w:type")) == "page":
                    pages.setdefault(page, []).append("".join(buf))
                    sections.setdefault(section, []).append("".join(buf))
                    buf = []
                    page += 1
                    breaks += 1
            text = "".join(buf)
        elif isinstance(block, Table):
            rows = []
            for row in block.rows:
                seen, cells = set(), []
                for cell in row.cells:
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        cells.append(cell.text)
                rows.append("; ".join(cells))
            text = "\n".join(rows)
        else:
            continue
        pages.setdefault(page, []).append(text)
        sections.setdefault(section, []).append(text)
    return ({k: "\n".join(v) for k, v in pages.items()},
            {k: "\n".join(v) for k, v in sections.items()}, breaks)


def main() -> int:
    OUT.mkdir(exist_ok=True)
    docs = {}  # file -> page count (None when unpaginated)
    keymaps = {}

    keymaps[HB] = build_pdf(OUT / HB, "Northwind Cycles Employee Handbook",
                            "Northwind Cycles Employee Handbook - Version 4.0, January 2026", handbook_pages())
    keymaps[RW] = build_pdf(OUT / RW, "Northwind Cycles Returns and Warranty Policy",
                            "Northwind Cycles Returns and Warranty Policy - Version 3.1, effective February 1, 2026",
                            returns_pages())
    keymaps[RA] = build_pdf(OUT / RA, "Northwind Cycles Rental Agreement Terms",
                            "Northwind Cycles Rental Agreement Terms - April 2026 edition", rental_pages())
    keymaps[WS] = build_pdf(OUT / WS, "Northwind Cycles Workshop Service Manual",
                            "Northwind Cycles Workshop Service Manual - Internal - Rev. 7, March 2026",
                            workshop_pages(), images={"figure": draw_brake_diagram()})
    build_price_list(OUT / PL)
    build_faq(OUT / FQ)
    build_store_ops(OUT / SO)
    build_delivery_scan(OUT / SC)
    build_stock_list(OUT / SL)

    # ---- read everything back -------------------------------------------
    locations: dict[tuple, str] = {}  # (file, page or section) -> normalised text
    raw: dict[tuple, str] = {}  # same keys, whitespace collapsed but case kept (to quote evidence)
    problems: list[str] = []
    for name in (HB, RW, RA, WS):
        texts = pdf_page_texts(OUT / name)
        docs[name] = len(texts)
        for n, t in texts.items():
            locations[(name, n)] = norm(t)
            raw[(name, n)] = re.sub(r"\s+", " ", t)
    # the diagram page must look scanned: no text layer, one image
    fig = keymaps[WS]["figure"]
    reader = PdfReader(str(OUT / WS))
    if (reader.pages[fig - 1].extract_text() or "").strip() or not reader.pages[fig - 1].images:
        problems.append(f"{WS} page {fig} should be image-only")
    for n, t in pdf_page_texts(OUT / WS).items():
        if n != fig and len(t.split()) < 150:
            problems.append(f"{WS} page {n} has too little text")

    section_docs = set()
    for name in (PL, FQ, SO):
        pages, sections, breaks = docx_locations(OUT / name)
        if breaks:
            docs[name] = breaks + 1
            for n, t in pages.items():
                locations[(name, n)] = norm(t)
                raw[(name, n)] = re.sub(r"\s+", " ", t)
        else:
            docs[name] = None
            section_docs.add(name)
            for s, t in sections.items():
                if s is not None:
                    locations[(name, s)] = norm(t)
                    raw[(name, s)] = re.sub(r"\s+", " ", t)

    # ---- questions --------------------------------------------------------
    records = []
    u_iter = iter(UNANSWERABLE)
    for i, (question, sources) in enumerate(ANSWERABLE):
        srcs, evidence = [], []
        for file, where, phrase in sources:
            if file in keymaps:
                page = keymaps[file][where]
                loc = (file, page)
                srcs.append({"file": file, "page": page})
            elif file in section_docs:
                loc = (file, where)
                srcs.append({"file": file, "page": None, "section": where})
            else:
                loc = (file, where)
                srcs.append({"file": file, "page": where})
            parts = [norm(x) for x in phrase.split(" ... ")]  # "A ... B": both on the same page
            if loc not in locations:
                problems.append(f"{question!r}: no such location {loc}")
                continue
            quoted = [re.search(re.escape(x), raw[loc], re.I) for x in parts]  # as the document spells it
            evidence.append(" ... ".join(m.group(0) if m else x for m, x in zip(quoted, parts)))
            if not all(x in locations[loc] for x in parts):
                problems.append(f"{question!r}: {phrase!r} not found at {loc}")
            elsewhere = [k for k, t in locations.items() if k != loc and all(x in t for x in parts)]
            if elsewhere:
                problems.append(f"{question!r}: {phrase!r} also appears at {elsewhere}")
        records.append({"question": question, "sources": srcs, "answerable": True, "evidence": evidence})
        if i % 7 == 6:
            u = next(u_iter, None)
            if u:
                records.append({"question": u[0], "sources": [], "answerable": False, "absent": u[1]})
    for u in list(u_iter) + MORE_UNANSWERABLE:
        records.append({"question": u[0], "sources": [], "answerable": False, "absent": u[1]})
    paper_locations, _, paper_problems = paperwork_locations()
    problems.extend(paper_problems)
    records.extend(paperwork_records(locations, paper_locations, problems))

    corpus = " \n".join(list(locations.values()) + list(paper_locations.values()))
    for r in records:
        for word in r.pop("absent", []):
            if re.search(r"\b" + re.escape(norm(word)) + r"\b", corpus):
                problems.append(f"unanswerable {r['question']!r}: {word!r} appears in the documents")

    with open(OUT / "questions.jsonl", "w", encoding="utf-8", newline="\n") as f:
        for n, r in enumerate(records, start=1):
            out = {"id": f"q{n:02d}", "question": r["question"], "sources": r["sources"],
                   "answerable": r["answerable"]}
            if r["answerable"]:
                out["evidence"] = r["evidence"]
            f.write(json.dumps(out, ensure_ascii=True) + "\n")

    # ---- summary ----------------------------------------------------------
    n_q = len(records)
    n_u = sum(1 for r in records if not r["answerable"])
    paged_total = sum(v for v in docs.values() if v)
    size = sum(p.stat().st_size for p in OUT.iterdir() if p.is_file())
    if paged_total < 40:
        problems.append(f"only {paged_total} pages")
    if n_q < 45 or n_u < 8:
        problems.append(f"{n_q} questions, {n_u} unanswerable")
    if size > 2_000_000:
        problems.append(f"sample_docs is {size} bytes")

    print("Northwind Cycles sample documents")
    for name in (SC, SL):
        print(f"  {name:34s}   - read by {'text recognition (1 scanned page)' if name == SC else 'rows (2 sheets)'}"
              f"   {(OUT / name).stat().st_size / 1024:6.1f} KB")
    for name in (HB, RW, RA, WS, PL, FQ, SO):
        kb = (OUT / name).stat().st_size / 1024
        if docs[name]:
            how = "pages" if name.endswith(".pdf") else "pages by stored page breaks"
            print(f"  {name:34s} {docs[name]:3d} {how:28s} {kb:6.1f} KB")
        else:
            n_sec = len([k for k in locations if k[0] == name])
            print(f"  {name:34s}   - no page breaks; {n_sec} sections   {kb:6.1f} KB")
    print(f"documents: {len(docs)}  total pages: {paged_total} (plus {SO}, unpaginated)")
    print(f"image-only page: {WS} page {fig}")
    print(f"questions: {n_q}  answerable: {n_q - n_u}  unanswerable: {n_u}")
    print(f"sample_docs size: {size / 1024:.0f} KB")
    if problems:
        print("\nVERIFICATION FAILED:")
        for p in problems:
            print("  - " + p)
        return 1
    print("verification: OK (every evidence phrase found on its cited page/section and nowhere else)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

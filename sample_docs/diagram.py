"""Figure 6.1 of the workshop manual: a diagram page that looks scanned (a picture, no text layer)."""
from __future__ import annotations

import math
import random

from PIL import Image, ImageDraw, ImageFont


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
    for ox, ok in ((180, True), (700, False)):
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

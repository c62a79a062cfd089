"""A spreadsheet cell's value as the spreadsheet shows it: "1,450.00", "12%", "€ 89.00", "2026-01-05".

openpyxl gives the stored value and the cell's number format code but does not
apply the code; no maintained library does that for Python, so this covers the
common cases (decimals, thousands separators, percentages, currency symbols,
dates) and falls back to the plain number for anything unusual (fractions,
conditions, custom colours).
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

_QUOTED = re.compile(r'"([^"]*)"')
_LOCALE_CURRENCY = re.compile(r"\[\$([^\]-]*)(?:-[^\]]*)?\]")
_BRACKETS = re.compile(r"\[[^\]]*\]")  # colours, conditions, locale codes
_PADDING = re.compile(r"[_*\\].")  # "_-" space as wide as "-", "*-" fill with "-", "\ " escaped space
_NUMBER_PART = re.compile(r"[#0?][#0?,]*(?:\.[#0?]+)?")
_SYMBOLS = "$€£¥₹₽₩¤"


def format_value(value, number_format: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat(timespec="minutes") if isinstance(value, dt.time) else value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, (int, float)):
        try:
            return _format_number(float(value), number_format or "General")
        except (ValueError, OverflowError):
            return _general(float(value))
    return str(value)


def _general(number: float) -> str:
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return f"{number:.10g}"


def _format_number(number: float, code: str) -> str:
    sections = code.split(";")
    section = sections[1] if number < 0 and len(sections) > 1 else sections[0]
    negative_section = number < 0 and len(sections) > 1
    if section.strip().lower() in ("general", "", "@"):
        return _general(number)
    literals = "".join(_QUOTED.findall(section)) + "".join(_LOCALE_CURRENCY.findall(section))
    bare = _PADDING.sub(" ", _BRACKETS.sub("", _QUOTED.sub("", _LOCALE_CURRENCY.sub("", section))))
    match = _NUMBER_PART.search(bare)
    if not match or re.search(r"[eE][+-]|/", bare):
        return _general(number)
    digits = match.group(0)
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    percent = "%" in bare
    scaled = abs(number) * (100 if percent else 1) if negative_section else number * (100 if percent else 1)
    shown = Decimal(repr(scaled)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)  # as Excel rounds
    text = f"{shown:,.{decimals}f}" if "," in digits else f"{shown:.{decimals}f}"
    prefix = _symbols(bare[: match.start()]) or ""
    suffix = _symbols(bare[match.end():])
    if literals and not (prefix or suffix):
        where_literal = section.find('"') if '"' in section else section.find("[$")
        prefix, suffix = (literals, "") if where_literal < section.find(digits[0]) else ("", literals)
    out = f"{prefix.strip()} {text}".strip() if prefix and prefix.strip() not in "$£¥" else f"{prefix.strip()}{text}"
    if suffix.strip():
        out = f"{out} {suffix.strip()}" if suffix.strip() != "%" else out + "%"
    if negative_section and "(" in bare:
        return f"({out})"
    if negative_section and "-" in bare[: match.start()]:
        return f"-{out}"
    return out


def _symbols(part: str) -> str:
    """Currency signs and a percent sign written outside quotes."""
    return "".join(ch for ch in part if ch in _SYMBOLS or ch == "%")

"""Small wording helpers shared by the advisor's modules (numbers, money, dates, plurals)."""
from __future__ import annotations

from datetime import datetime
from typing import Optional


def plural(n: int, one: str, many: Optional[str] = None) -> str:
    """'1 page', '2 pages', '1,200 questions'."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def money(x: float) -> str:
    """Dollars with as many decimals as a small amount needs: $1,200 / $3.50 / $0.006."""
    if x >= 100:
        return f"${x:,.0f}"
    if x >= 1:
        return f"${x:,.2f}"
    if x >= 0.01:
        return f"${x:.2f}"
    if x >= 0.001:
        return f"${x:.3f}"
    return f"${x:.4f}"


def about(x: float) -> str:
    """'about $0.006', or 'less than $0.0001' when the amount is too small to show."""
    return f"about {money(x)}" if x >= 0.0001 else "less than $0.0001"


def percent(share: float) -> str:
    return f"{share:.0%}"


def day(iso: Optional[str]) -> str:
    """'2026-05-12T09:30:00+00:00' -> '12 May 2026'; anything unreadable is shown as given."""
    if not iso:
        return ""
    try:
        when = datetime.fromisoformat(str(iso).replace("Z", "+00:00"))
    except ValueError:
        return str(iso)
    return f"{when.day} {when:%B %Y}"


def sentence(text: str) -> str:
    """'measured from your library: …' -> 'Measured from your library: …'."""
    return text[:1].upper() + text[1:] if text else text


def examples_phrase(typed: int, approved: int, imported: int = 0) -> str:
    """The owner's own count, the answers approved in the chat and the past replies imported, always named apart."""
    if imported:
        parts = [f"{plural(imported, 'past reply', 'past replies')} you imported"]
        parts += [f"{plural(typed, 'good example')} you counted"] if typed else []
        parts += [f"{plural(approved, 'answer')} you approved in the chat"] if approved else []
        if len(parts) == 1:
            return parts[0]
        return ", ".join(parts[:-1]) + f" and {parts[-1]}, {typed + approved + imported:,} in all"
    if typed and approved:
        return (f"{plural(typed, 'good example')} you counted plus {plural(approved, 'answer')} you approved in "
                f"the chat, {typed + approved:,} in all")
    if typed:
        return f"{plural(typed, 'good example')} you counted"
    if approved:
        return f"{plural(approved, 'answer')} you approved in the chat"
    return "no good examples yet"


def big_number(n: float) -> str:
    """3_750_000_000 -> '3.8 billion'; 750_000 -> '750,000'."""
    for size, name in ((1_000_000_000, "billion"), (1_000_000, "million")):
        if n >= size:
            return f"{n / size:,.1f}".rstrip("0").rstrip(".") + f" {name}"
    return f"{int(n):,}"

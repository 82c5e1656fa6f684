"""The recommendation for a terminal (text) and for other tools (JSON)."""

from __future__ import annotations

import json

from .ranking import RULE, Listed, Recommendation


def render_text(rec: Recommendation, hints: list[str] | None = None) -> str:
    """Each type with its reasons and, when joining, the initiatives that fit, may fit and are excluded.

    `hints` are lines the caller adds (the CLI names its options there; the recommendation itself
    is in plain words)."""
    who = "; ".join(rec.person) if rec.person else "anyone"
    out = [f"{rec.view.label}: recommendation for {who}\n", f"Rule: {RULE}.\n"]
    out += [f"Note: {n}\n" for n in rec.notes]
    out += [f"Hint: {h}\n" for h in hints or []]
    for t in rec.types:
        out.append(f"\n{t.rank}. {t.label}  (score {t.score:+d})\n")
        out.extend(f"   {r}\n" for r in t.reasons)
        if not t.offers_initiatives:
            continue
        out.append(f"   Initiatives that fit ({len(t.fits)}):\n")
        out.extend(f"     - {p.label}" + _notes(p) + "\n" for p in t.fits)
        if not t.fits:
            out.append("     (none for what you said)\n" if t.maybe or t.excluded else "     (none in the graph)\n")
        for title, listed in (("May fit", t.maybe), ("Excluded", t.excluded), ("Not one to join", t.collective)):
            if listed:
                out.append(f"   {title} ({len(listed)}):\n")
                out.extend(f"     - {e.label}: {'; '.join(e.why)}" + _notes(e) + "\n" for e in listed)
    return "".join(out)


def _notes(listed: Listed) -> str:
    return f"  [{'; '.join(listed.notes)}]" if listed.notes else ""


def render_json(rec: Recommendation) -> str:
    """The recommendation as JSON (the rule included)."""
    return json.dumps(rec.as_dict(), ensure_ascii=False, indent=2) + "\n"

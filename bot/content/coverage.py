"""How much of the pack has Hindi: `content validate` prints it as counts, never as problems.

A missing translation is not an error (the member simply reads the English), but moderators
should see what is left to translate.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.content.models import TRANSLATED_FIELDS, ContentPack


@dataclass(frozen=True)
class Coverage:
    what: str
    translated: int
    total: int

    @property
    def missing(self) -> int:
        return self.total - self.translated


def translation_coverage(pack: ContentPack, language: str = "hi") -> list[Coverage]:
    """Per kind of entry: how many have every translatable field in `language`."""
    have: dict[tuple[str, str], set[str]] = {}
    for tr in pack.translations:
        if tr.locale == language:
            have.setdefault((tr.kind, tr.ref), set()).add(tr.field)
    refs = {
        "season": [str(s.number) for s in pack.seasons],
        "character": [c.id for c in pack.characters],
        "arc": [f"{c.id}:{a.season}" for c in pack.characters for a in c.arcs],
        "fact": [f.id for f in pack.facts],
        "question": [q.id for q in pack.questions],
    }
    labels = {"season": "season recaps", "character": "character descriptions", "arc": "character arcs",
              "fact": "facts", "question": "trivia questions"}
    out = []
    for kind, ids in refs.items():
        needed = set(TRANSLATED_FIELDS[kind])
        done = sum(1 for ref in ids if needed <= have.get((kind, ref), set()))
        out.append(Coverage(labels[kind], done, len(ids)))
    return out


def coverage_line(pack: ContentPack, language: str = "hi") -> str:
    parts = translation_coverage(pack, language)
    missing = sum(c.missing for c in parts)
    listed = ", ".join(f"{c.translated}/{c.total} {c.what}" for c in parts)
    return f"{language}: {listed}; {missing} entries without a translation are shown in English"

"""Turning checked TOML tables into models, with the checks that span fields, entries and files.

Type and key checks live in `fields`; here are the rules about meaning: ranges, duplicates, wrong
choices, references between files. Each check reports and carries on so one run shows everything.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from bot.content import schema
from bot.content.fields import Field, check_id, check_table
from bot.content.models import (
    DIFFICULTIES,
    FACT_TOPICS,
    MAX_SEASON,
    PERSON_ROLES,
    Arc,
    Character,
    ContentPack,
    Episode,
    Fact,
    Person,
    Question,
    Release,
    Season,
    Show,
    Translation,
    normalize_text,
)
from bot.content.problems import Problem, Reporter

WRONG_CHOICES = 3


class PackBuilder:
    """Builds one pack; holds the id registry that makes duplicates visible across files."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        self._ids: dict[str, dict[str, str]] = {}
        self.translations: list[Translation] = []

    def build(self, docs: Mapping[str, dict[str, Any]], trivia_files: list[str]) -> ContentPack | None:
        version, show = self._show(docs.get("show.toml", {}))
        seasons = self._seasons(docs.get("seasons.toml", {}))
        people, characters = self._cast(docs.get("cast.toml", {}), seasons)
        facts = self._facts(docs.get("facts.toml", {}), seasons)
        questions = [q for rel in sorted(trivia_files) for q in self._questions(rel, docs[rel])]
        releases = self._releases(docs.get("releases.toml", {}))
        if self.problems or version is None or show is None:
            return None
        return ContentPack(
            version=version,
            show=show,
            seasons=tuple(sorted(seasons.values(), key=lambda s: s.number)),
            people=tuple(people),
            characters=tuple(characters),
            facts=tuple(facts),
            questions=tuple(questions),
            releases=tuple(releases),
            translations=tuple(self.translations),
        )

    # -- show.toml ---------------------------------------------------------------------------

    def _show(self, doc: dict[str, Any]) -> tuple[str | None, Show | None]:
        file = "show.toml"
        version: str | None = None
        if "pack" in doc:
            values, ok = check_table(doc["pack"], schema.PACK, Reporter(self.problems, file, "pack"))
            version = values["version"].strip() if ok else None
        show: Show | None = None
        if "show" in doc:
            values, ok = check_table(doc["show"], schema.SHOW, Reporter(self.problems, file, "show"))
            if ok:
                show = Show(
                    title=values["title"],
                    studio=values["studio"],
                    platforms=tuple(values["platforms"]),
                    created_by=values["created_by"],
                    language=values["language"],
                    premise=values["premise"],
                    description=values["description"],
                    producers=tuple(values.get("producers", ())),
                    sources=tuple(values["sources"]),
                )
        return version, show

    # -- seasons.toml ------------------------------------------------------------------------

    def _seasons(self, doc: dict[str, Any]) -> dict[int, Season]:
        seasons: dict[int, Season] = {}
        for index, table in enumerate(doc.get("season", []), start=1):
            number = table.get("number")
            label = f"season {number}" if _is_int(number) else f"season #{index}"
            report = Reporter(self.problems, "seasons.toml", label)
            values, ok = check_table(table, schema.SEASON, report)
            if _is_int(number):
                if not 1 <= number <= MAX_SEASON:
                    report(f"season {number} is out of range (1-{MAX_SEASON})")
                    ok = False
                elif number in seasons:
                    report(f"season {number} is listed twice")
                    ok = False
            year, released = values.get("year"), values.get("release_date")
            if year is not None and released is not None and released.year != year:
                report(f"'year' {year} does not match release_date {released.isoformat()}")
                ok = False
            count = values.get("episode_count")
            if count is not None and count < 1:
                report(f"'episode_count' must be at least 1, got {count}")
                ok = False
            episodes = self._episodes(report, values.get("episode", []), number, count)
            if ok and episodes is not None:
                self._translate("season", str(number), values, recap="recap_hi", tagline="tagline_hi")
                seasons[number] = Season(
                    number=number,
                    year=values["year"],
                    platform=values["platform"],
                    release_date=values["release_date"],
                    episode_count=values["episode_count"],
                    runtime=values["runtime"],
                    tagline=values["tagline"],
                    settings=tuple(values["settings"]),
                    directors=tuple(values["directors"]),
                    directors_note=values.get("directors_note"),
                    writers=tuple(values["writers"]),
                    writers_note=values.get("writers_note"),
                    recap=values["recap"].strip(),
                    sources=tuple(values["sources"]),
                    episodes=episodes,
                )
        return seasons

    def _episodes(
        self, season_report: Reporter, tables: list[dict[str, Any]], season: Any, count: int | None
    ) -> tuple[Episode, ...] | None:
        if count is not None and count >= 1 and len(tables) != count:
            season_report(f"lists {len(tables)} episodes but 'episode_count' is {count}")
        before = len(self.problems)
        episodes: dict[int, Episode] = {}
        for index, table in enumerate(tables, start=1):
            number = table.get("number")
            label = f"{season_report.entry_id} episode {number if _is_int(number) else f'#{index}'}"
            report = season_report.for_entry(label)
            values, ok = check_table(table, schema.EPISODE, report)
            if not ok:
                continue
            number = values["number"]
            if count is not None and count >= 1 and not 1 <= number <= count:
                report(f"episode {number} is out of range (1-{count})")
                continue
            if number in episodes:
                report(f"episode {number} is listed twice")
                continue
            if ("title" in values or "summary" in values) and "source" not in values:
                report("an episode with a title or summary needs a 'source'")
                continue
            episodes[number] = Episode(
                season=season, number=number, title=values.get("title"),
                summary=values.get("summary"), source=values.get("source"),
            )
        if len(self.problems) != before:
            return None
        return tuple(episodes[n] for n in sorted(episodes))

    # -- cast.toml ---------------------------------------------------------------------------

    def _cast(self, doc: dict[str, Any], seasons: Mapping[int, Season]) -> tuple[list[Person], list[Character]]:
        people = [p for report, values in self._entries("cast.toml", doc, "person", schema.PERSON)
                  if (p := self._person(report, values)) is not None]
        known = {p.id for p in people} | {
            t["id"] for t in doc.get("person", []) if isinstance(t, dict) and isinstance(t.get("id"), str)
        }
        characters = [c for report, values in self._entries("cast.toml", doc, "character", schema.CHARACTER)
                      if (c := self._character(report, values, known)) is not None]
        return people, characters

    def _person(self, report: Reporter, values: dict[str, Any]) -> Person | None:
        for role in values.get("roles", []):
            if role not in PERSON_ROLES:
                report(f"role '{role}' is not one of {', '.join(PERSON_ROLES)}")
                return None
        return Person(
            id=values["id"],
            name=values["name"],
            aliases=tuple(values.get("aliases", ())),
            roles=tuple(values["roles"]),
            facts=tuple(values.get("facts", ())),
            sources=tuple(values["sources"]),
        )

    def _character(self, report: Reporter, values: dict[str, Any], people: set[str]) -> Character | None:
        ok = True
        played_by = values.get("played_by")
        if played_by is not None and played_by not in people:
            report(f"played_by '{played_by}' is not the id of a [[person]] in cast.toml")
            ok = False
        seasons = values["seasons"]
        ok = self._season_list(report, "seasons", seasons) and ok
        arcs: list[Arc] = []
        for index, table in enumerate(values.get("arc", []), start=1):
            arc_report = report.for_entry(f"{report.entry_id} arc #{index}")
            arc_values, arc_ok = check_table(table, schema.ARC, arc_report)
            if not arc_ok:
                ok = False
                continue
            if arc_values["season"] not in seasons:
                listed = ", ".join(str(s) for s in seasons)
                arc_report(f"arc season {arc_values['season']} is not among the character's seasons ({listed})")
                ok = False
                continue
            arcs.append(Arc(season=arc_values["season"], text=arc_values["text"].strip()))
            self._translate("arc", f"{values['id']}:{arc_values['season']}", arc_values, text="text_hi")
        if not ok:
            return None
        self._translate("character", values["id"], values, description="description_hi")
        return Character(
            id=values["id"],
            name=values["name"],
            aliases=tuple(values.get("aliases", ())),
            played_by=played_by,
            seasons=tuple(seasons),
            description=values["description"].strip(),
            note=values.get("note"),
            arcs=tuple(arcs),
            sources=tuple(values["sources"]),
        )

    def _season_list(self, report: Reporter, name: str, seasons: list[int]) -> bool:
        ok = True
        for season in seasons:
            if not 1 <= season <= MAX_SEASON:
                report(f"'{name}' has season {season}, out of range (1-{MAX_SEASON})")
                ok = False
        if len(set(seasons)) != len(seasons):
            report(f"'{name}' lists a season twice")
            ok = False
        return ok

    # -- facts.toml --------------------------------------------------------------------------

    def _facts(self, doc: dict[str, Any], seasons: Mapping[int, Season]) -> list[Fact]:
        facts = []
        for report, values in self._entries("facts.toml", doc, "fact", schema.FACT):
            ok = True
            if values["topic"] not in FACT_TOPICS:
                report(f"topic '{values['topic']}' is not one of {', '.join(FACT_TOPICS)}")
                ok = False
            season, episode = values.get("season"), values.get("episode")
            if season is not None and not 1 <= season <= MAX_SEASON:
                report(f"season {season} is out of range (1-{MAX_SEASON}; leave it out for the whole show)")
                ok = False
            if episode is not None:
                if season is None:
                    report("'episode' needs a 'season'")
                    ok = False
                elif season in seasons and not 1 <= episode <= seasons[season].episode_count:
                    report(f"episode {episode} is out of range (1-{seasons[season].episode_count}) for season {season}")
                    ok = False
            if ok:
                self._translate("fact", values["id"], values, text="text_hi")
                text = values["text"].strip()
                facts.append(Fact(values["id"], values["topic"], text, values["source"], season, episode))
        return facts

    # -- trivia/*.toml -----------------------------------------------------------------------

    def _questions(self, file: str, doc: dict[str, Any]) -> list[Question]:
        questions = []
        for report, values in self._entries(file, doc, "question", schema.QUESTION):
            question = self._question(report, values)
            if question is not None:
                questions.append(question)
        return questions

    def _question(self, report: Reporter, values: dict[str, Any]) -> Question | None:
        before = report.count
        season = values.get("season", 0)
        if not 0 <= season <= MAX_SEASON:
            report(f"season {season} is out of range (0-{MAX_SEASON}; 0 or no season = the whole show)")
        if values["difficulty"] not in DIFFICULTIES:
            report(f"difficulty '{values['difficulty']}' is not one of {', '.join(DIFFICULTIES)}")
        wrong: list[str] = values["wrong"]
        if len(wrong) != WRONG_CHOICES:
            report(f"needs exactly {WRONG_CHOICES} wrong choices, got {len(wrong)}")
        seen: set[str] = set()
        for choice in wrong:
            key = normalize_text(choice)
            if key in seen:
                report(f"wrong choice '{choice}' is listed twice")
            seen.add(key)
        if normalize_text(values["answer"]) in seen:
            report(f"answer '{values['answer']}' is also among the wrong choices")
        for alias in values.get("aliases", []):
            if normalize_text(alias) in seen:
                report(f"alias '{alias}' is also among the wrong choices")
        self._check_hindi_question(report, values, seen)
        if report.count != before:
            return None
        self._translate("question", values["id"], values, question="question_hi", answer="answer_hi",
                        wrong="wrong_hi", aliases="aliases_hi")
        return Question(
            id=values["id"],
            season=season,
            difficulty=values["difficulty"],
            question=values["question"].strip(),
            answer=values["answer"].strip(),
            aliases=tuple(values.get("aliases", ())),
            wrong=tuple(wrong),
            source=values["source"],
        )

    def _check_hindi_question(self, report: Reporter, values: dict[str, Any], wrong_keys: set[str]) -> None:
        """A Hindi question is shown whole or not at all: question, answer and wrong choices together."""
        parts = [k for k in ("question_hi", "answer_hi", "wrong_hi") if k in values]
        if parts and len(parts) != 3:
            missing = ", ".join(k for k in ("question_hi", "answer_hi", "wrong_hi") if k not in values)
            report(f"a Hindi question needs question_hi, answer_hi and wrong_hi together (missing: {missing})")
        wrong_hi: list[str] = values.get("wrong_hi", [])
        if "wrong_hi" in values and len(wrong_hi) != len(values["wrong"]):
            report(f"'wrong_hi' has {len(wrong_hi)} choices but 'wrong' has {len(values['wrong'])}")
        hindi_wrong = {normalize_text(w) for w in wrong_hi}
        for accepted in [values.get("answer_hi", ""), *values.get("aliases_hi", [])]:
            if accepted and normalize_text(accepted) in hindi_wrong | wrong_keys:
                report(f"Hindi answer '{accepted}' is also among the wrong choices")

    def _translate(self, kind: str, ref: str, values: dict[str, Any], **fields: str) -> None:
        """Record the Hindi fields an entry has (field name → its `*_hi` key)."""
        for field, key in fields.items():
            value = values.get(key)
            if isinstance(value, str) and value.strip():
                self.translations.append(Translation(kind, ref, field, "hi", value.strip()))
            elif isinstance(value, list) and value:
                self.translations.append(Translation(kind, ref, field, "hi", tuple(v.strip() for v in value)))

    # -- releases.toml -----------------------------------------------------------------------

    def _releases(self, doc: dict[str, Any]) -> list[Release]:
        releases = []
        for report, values in self._entries("releases.toml", doc, "release", schema.RELEASE):
            season = values.get("season", 0)
            if not 0 <= season <= MAX_SEASON:
                report(f"season {season} is out of range (0-{MAX_SEASON}; 0 or no season = the whole show)")
                continue
            releases.append(Release(
                id=values["id"], season=season, title=values["title"], date=values["date"],
                platform=values.get("platform"), source=values["source"], note=values.get("note"),
            ))
        return releases

    # -- shared ------------------------------------------------------------------------------

    def _entries(
        self, file: str, doc: dict[str, Any], key: str, table_schema: Mapping[str, Field]
    ) -> Iterator[tuple[Reporter, dict[str, Any]]]:
        """Yields (reporter, values) for each entry with an id whose keys and types all passed."""
        namespace = "cast" if key in ("person", "character") else key
        for index, table in enumerate(doc.get(key, []), start=1):
            raw_id = table.get("id")
            label = raw_id if isinstance(raw_id, str) and raw_id.strip() else f"{key} #{index}"
            report = Reporter(self.problems, file, label)
            values, ok = check_table(table, table_schema, report)
            if "id" in values:
                ok = check_id(values["id"], report) and self._claim(namespace, values["id"], report) and ok
            if ok:
                yield report, values

    def _claim(self, namespace: str, entry_id: str, report: Reporter) -> bool:
        seen = self._ids.setdefault(namespace, {})
        if entry_id in seen:
            where = "earlier in this file" if seen[entry_id] == report.file else f"in {seen[entry_id]}"
            report(f"duplicate id '{entry_id}' (already used {where})")
            return False
        seen[entry_id] = report.file
        return True


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)

"""The pack's tables, their keys, and the length limits Discord imposes on where they are shown.

Limits follow Discord's caps: embed title 256, embed description 4096, field value 1024, button label
80, autocomplete choice name 100. A field that would not fit is rejected here rather than cut off in
a command.
"""

from __future__ import annotations

from bot.content.fields import Field

TITLE = 256
DESCRIPTION = 4096
FIELD_VALUE = 1024
BUTTON_LABEL = 80
CHOICE_NAME = 100
FACT_TEXT = 1000
SOURCE = 1024

PACK = {"version": Field("str", max_len=40)}

SHOW = {
    "title": Field("str", max_len=TITLE),
    "studio": Field("str", max_len=CHOICE_NAME),
    "platforms": Field("str_list", max_len=CHOICE_NAME),
    "created_by": Field("str", max_len=CHOICE_NAME),
    "language": Field("str", max_len=CHOICE_NAME),
    "premise": Field("str", max_len=FIELD_VALUE),
    "description": Field("str", max_len=DESCRIPTION),
    "producers": Field("str_list", required=False, max_len=CHOICE_NAME),
    "sources": Field("str_list", max_len=SOURCE),
}

SEASON = {
    "number": Field("int"),
    "year": Field("int"),
    "platform": Field("str", max_len=CHOICE_NAME),
    "release_date": Field("date"),
    "episode_count": Field("int"),
    "runtime": Field("str", max_len=CHOICE_NAME),
    "tagline": Field("str", max_len=TITLE),
    "settings": Field("str_list", max_len=CHOICE_NAME),
    "directors": Field("str_list", max_len=CHOICE_NAME),
    "directors_note": Field("str", required=False, max_len=FIELD_VALUE),
    "writers": Field("str_list", max_len=CHOICE_NAME),
    "writers_note": Field("str", required=False, max_len=FIELD_VALUE),
    "recap": Field("str", max_len=DESCRIPTION),
    "sources": Field("str_list", max_len=SOURCE),
    "episode": Field("tables", required=False),
    # Optional Hindi (`*_hi`): shown to members whose Discord is in Hindi; missing ones fall back to English.
    "recap_hi": Field("str", required=False, max_len=DESCRIPTION),
    "tagline_hi": Field("str", required=False, max_len=TITLE),
}

EPISODE = {
    "number": Field("int"),
    "title": Field("str", required=False, max_len=CHOICE_NAME),
    "summary": Field("str", required=False, max_len=FIELD_VALUE),
    "source": Field("str", required=False, max_len=SOURCE),
}

PERSON = {
    "id": Field("str"),
    "name": Field("str", max_len=CHOICE_NAME),
    "aliases": Field("str_list", required=False, max_len=CHOICE_NAME),
    "roles": Field("str_list"),
    "facts": Field("str_list", required=False, max_len=FIELD_VALUE),
    "sources": Field("str_list", max_len=SOURCE),
}

CHARACTER = {
    "id": Field("str"),
    "name": Field("str", max_len=CHOICE_NAME),
    "aliases": Field("str_list", required=False, max_len=CHOICE_NAME),
    "played_by": Field("str", required=False),
    "seasons": Field("int_list"),
    "description": Field("str", max_len=FIELD_VALUE),
    "note": Field("str", required=False, max_len=FIELD_VALUE),
    "sources": Field("str_list", max_len=SOURCE),
    "arc": Field("tables", required=False),
    "description_hi": Field("str", required=False, max_len=FIELD_VALUE),
}

ARC = {
    "season": Field("int"),
    "text": Field("str", max_len=FIELD_VALUE),
    "text_hi": Field("str", required=False, max_len=FIELD_VALUE),
}

FACT = {
    "id": Field("str"),
    "topic": Field("str"),
    "season": Field("int", required=False),
    "episode": Field("int", required=False),
    "text": Field("str", max_len=FACT_TEXT),
    "source": Field("str", max_len=SOURCE),
    "text_hi": Field("str", required=False, max_len=FACT_TEXT),
}

QUESTION = {
    "id": Field("str"),
    "season": Field("int", required=False),
    "difficulty": Field("str"),
    "question": Field("str", max_len=TITLE),
    "answer": Field("str", max_len=BUTTON_LABEL),
    "aliases": Field("str_list", required=False, max_len=BUTTON_LABEL),
    "wrong": Field("str_list", max_len=BUTTON_LABEL),
    "source": Field("str", max_len=SOURCE),
    # Hindi: the question, its answer and wrong choices together (all or none), and Hindi spellings
    # of the answer accepted in typed games (Devanagari or romanised), which need no Hindi question.
    "question_hi": Field("str", required=False, max_len=TITLE),
    "answer_hi": Field("str", required=False, max_len=BUTTON_LABEL),
    "wrong_hi": Field("str_list", required=False, max_len=BUTTON_LABEL),
    "aliases_hi": Field("str_list", required=False, max_len=BUTTON_LABEL),
}

RELEASE = {
    "id": Field("str"),
    "season": Field("int", required=False),
    "title": Field("str", max_len=TITLE),
    "date": Field("when"),
    "platform": Field("str", required=False, max_len=CHOICE_NAME),
    "note": Field("str", required=False, max_len=FIELD_VALUE),
    "source": Field("str", max_len=SOURCE),
}

# Top-level keys of each file.
SHOW_FILE = {"pack": Field("table"), "show": Field("table")}
SEASONS_FILE = {"season": Field("tables")}
CAST_FILE = {"person": Field("tables"), "character": Field("tables")}
FACTS_FILE = {"fact": Field("tables")}
RELEASES_FILE = {"release": Field("tables")}
TRIVIA_FILE = {"question": Field("tables")}

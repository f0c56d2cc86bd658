"""The vault's `.base` file: Obsidian's core Bases plugin shows people, meetings and
organisations as tables from the notes' own properties, with no community plugin.

The definition follows Obsidian's Bases syntax (YAML with `filters`, `formulas`, `properties`
and `views`); every property it names is one the note templates write, or a file property.
Backlinks answer what the notes do not hold themselves: when a person was last met, how many
people and meetings an organisation has.
"""

from __future__ import annotations

from typing import Any

# Front matter of the meetings that link to this note, as File objects.
_MEETINGS = 'file.backlinks.map(file(value)).filter(value.properties.type == "meeting")'
_HELD = 'value.properties.status != "cancelled"'
_DAY = "date(value.properties.date)"

FORMULAS = {
    "meetings": f"{_MEETINGS}.filter({_HELD})",
    "last_contact": f"formula.meetings.filter({_DAY} <= today()).map({_DAY}).sort().reverse()[0]",
    "next_meeting": f"formula.meetings.filter({_DAY} > today()).map({_DAY}).sort()[0]",
    "next_contact": "if(next_contact, next_contact, formula.next_meeting)",
    # The stage set by hand, else as vaulttools works it out from the meetings.
    "stage": (
        'if(status, status, if(formula.last_contact, "met", '
        'if(formula.next_meeting, "scheduled", "prospect")))'
    ),
    "people": ('file.backlinks.map(file(value)).filter(value.properties.type == "contact").length'),
    "meetings_held": f"{_MEETINGS}.filter({_HELD} && {_DAY} <= today()).length",
}

DISPLAY_NAMES = {
    "file.name": "Name",
    "organisation": "Organisation",
    "role": "Role",
    "how_we_met": "How we met",
    "formula.stage": "Stage",
    "formula.last_contact": "Last contact",
    "formula.next_contact": "Next contact",
    "formula.people": "People",
    "formula.meetings_held": "Meetings",
    "contact": "With",
    "date": "Date",
    "time": "Time",
    "mode": "How",
    "location": "Where",
    "objective": "Objective",
    "industry": "Industry",
    "website": "Website",
}


def _of_type(kind: str) -> str:
    return f'type == "{kind}"'


def _sorted(*properties: str, direction: str = "ASC") -> list[dict[str, str]]:
    return [{"property": name, "direction": direction} for name in properties]


def _views() -> list[dict[str, Any]]:
    people = {
        "type": "table",
        "name": "People by stage",
        "filters": {"and": [_of_type("contact")]},
        "groupBy": {"property": "formula.stage", "direction": "ASC"},
        "order": [
            "file.name",
            "organisation",
            "role",
            "formula.last_contact",
            "formula.next_contact",
            "how_we_met",
        ],
        "sort": _sorted("file.name"),
    }
    upcoming = {
        "type": "table",
        "name": "Upcoming meetings",
        "filters": {"and": [_of_type("meeting"), 'status == "planned"', "date >= today()"]},
        "order": ["date", "time", "contact", "mode", "location", "objective"],
        "sort": _sorted("date", "time"),
    }
    past = {
        "type": "table",
        "name": "Past meetings",
        "filters": {"and": [_of_type("meeting"), "date < today()"]},
        "order": ["date", "contact", "status", "mode", "location", "objective"],
        "sort": _sorted("date", direction="DESC"),
    }
    organisations = {
        "type": "table",
        "name": "Organisations",
        "filters": {"and": [_of_type("organisation")]},
        "order": ["file.name", "industry", "formula.people", "formula.meetings_held", "website"],
        "sort": _sorted("file.name"),
    }
    return [people, upcoming, past, organisations]


def base_definition() -> dict[str, Any]:
    """The base as data, in the order Obsidian writes its sections."""
    kinds = [_of_type(kind) for kind in ("contact", "meeting", "organisation")]
    return {
        "filters": {"or": kinds},
        "formulas": dict(FORMULAS),
        "properties": {name: {"displayName": shown} for name, shown in DISPLAY_NAMES.items()},
        "views": _views(),
    }


def base_text() -> str:
    """The `.base` file's YAML."""
    import yaml

    return yaml.safe_dump(base_definition(), sort_keys=False, allow_unicode=True, width=1000)

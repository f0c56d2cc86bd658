"""`vault check`: one line per problem with the note's path; exit 1 when there are any."""

from __future__ import annotations

import json
from pathlib import Path

from vaulttools.checks import note_problems, vault_problems
from vaulttools.followups import VaultFacts
from vaulttools.links import Resolver, names_of
from vaulttools.notes import parse_note

from .conftest import RunVault
from .vaultbuilders import contact, meeting, write


def problems_of(text: str, path: str = "n.md") -> list[str]:
    return note_problems(parse_note(text, path))


def test_bad_property_types_are_problems() -> None:
    text = (
        "---\ntype: meeting\ncontact: Jane\ndate: 2026-13-45\ntime: half past\n"
        "duration: long\nstatus: postponed\n---\n"
    )
    assert problems_of(text) == [
        "has a 'date' that is not a date (YYYY-MM-DD): '2026-13-45'",
        "has a 'time' that is not a time (HH:MM): 'half past'",
        "has a 'duration' that is not a number of minutes: 'long'",
        "has a 'status' 'postponed' that is not one of planned, done, cancelled",
    ]


def test_an_impossible_date_is_a_bad_date_not_unreadable_front_matter() -> None:
    note = parse_note("---\ntype: contact\nname: Jane\nnext_contact: 2026-02-30\n---\n", "n.md")
    assert note.properties["name"] == "Jane"
    assert note_problems(note) == [
        "has a 'next_contact' that is not a date (YYYY-MM-DD): '2026-02-30'"
    ]


def test_a_name_that_is_not_text_and_a_contact_status_out_of_the_list() -> None:
    text = "---\ntype: contact\nname: [Jane, Doe]\nstatus: friend\nstay_in_touch: -3\n---\n"
    assert problems_of(text) == [
        "has a 'name' that is not text",
        "has a 'status' 'friend' that is not one of "
        "prospect, contacted, scheduled, met, thanked, declined",
        "has a 'stay_in_touch' that is not a number of days: -3",
    ]


def test_a_task_date_that_is_no_date() -> None:
    text = (
        "---\ntype: contact\nname: Jane\n---\n# Jane\n"
        "- [ ] Call 📅 2026-02-30\n- [ ] Write [due:: 2026-13-01]\n- [ ] Fine 📅 2026-02-28\n"
        "Not a task 📅 2026-02-31\n"
        "- [ ] Two 📅 2026-04-31 ⏳ 2026-06-31, not 2026-09-31 in the words\n"
    )
    assert problems_of(text) == [
        "has a task on line 6 with 📅 2026-02-30, which is not a date (YYYY-MM-DD)",
        "has a task on line 7 with [due:: 2026-13-01], which is not a date (YYYY-MM-DD)",
        "has a task on line 10 with 📅 2026-04-31, which is not a date (YYYY-MM-DD)",
        "has a task on line 10 with ⏳ 2026-06-31, which is not a date (YYYY-MM-DD)",
    ]


def test_a_meeting_without_a_contact() -> None:
    assert problems_of("---\ntype: meeting\ndate: 2026-12-01\n---\n") == [
        "is a meeting with no 'contact'"
    ]


def test_a_good_note_has_no_problems() -> None:
    text = "---\ntype: meeting\ncontact: '[[Jane]]'\ndate: 2026-12-01\ntime: 10:30\n---\n"
    assert problems_of(text) == []


def test_across_notes_links_to_nothing_duplicates_and_repeated_ids() -> None:
    notes = [
        parse_note(contact("Jane Doe"), "Contacts/Jane Doe.md"),
        parse_note(contact("jane doe"), "Old/Jane.md"),
        parse_note(contact("Janet", aliases="[Jane Doe]"), "Contacts/Janet.md"),
        parse_note("---\ntype: organisation\nname: Acme\n---\n", "Orgs/Acme.md"),
        parse_note(meeting("[[Nobody]]", "2026-12-01", "- [ ] a 📅 2026-12-01 ^fu-1\n"), "M/1.md"),
        parse_note(meeting("[[Acme]]", "2026-12-01", "- [ ] b 📅 2026-12-01 ^fu-1\n"), "M/2.md"),
    ]
    facts = VaultFacts.from_notes(notes)
    links = Resolver.from_entries(e for n in notes for e in names_of(n.path, n.aliases))
    found = [str(p) for p in vault_problems(facts.people, facts.meetings, facts.tasks, links)]
    assert found == [
        "Contacts/Janet.md: may be the same person as Contacts/Jane Doe.md: both go by 'Jane Doe'",
        "M/1.md: links its contact to [[Nobody]], which is no note",
        "M/2.md: has a follow-up on line 8 with the id fu-1, already used on M/1.md line 8",
        "M/2.md: links its contact to Orgs/Acme.md, which is not a contact",
        "Old/Jane.md: may be the same person as Contacts/Jane Doe.md: both go by 'jane doe'",
    ]


def test_vault_check_lists_problems_and_exits_1(in_vault: RunVault, vault: Path) -> None:
    write(vault, "Broken.md", "---\ntitle: [oops\n---\n")
    write(vault, "List.md", "---\n- a\n---\n")
    (vault / "Bad bytes.md").write_bytes(b"caf\xe9\n")
    write(vault, "Meetings/m.md", meeting("[[Nobody]]", "2026-12-01"))
    result = in_vault("check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[:-1] == [
        "Bad bytes.md: is not valid UTF-8 (byte 3)",
        "Broken.md: has front matter that is not valid YAML at line 3: "
        "did not find expected ',' or ']'",
        "List.md: has front matter that is a list, not a set of properties",
        "Meetings/m.md: links its contact to [[Nobody]], which is no note",
    ]
    assert lines[-1] == "4 problems in 4 notes."


def test_vault_check_json_and_a_clean_vault(in_vault: RunVault, vault: Path) -> None:
    write(vault, "Contacts/Jane Doe.md", contact("Jane Doe"))
    clean = in_vault("check")
    assert (clean.exit_code, clean.stdout) == (0, "No problems found.\n")
    write(vault, "Meetings/m.md", meeting("[[Nobody]]", "2026-12-01"))
    result = in_vault("check", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {"note": "Meetings/m.md", "message": "links its contact to [[Nobody]], which is no note"}
    ]

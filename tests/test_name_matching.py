"""One name matcher for every command: case, accents and spacing aside, unique words and
word starts where nothing is lost, "Did you mean" when nothing fits, duplicates refused."""

from __future__ import annotations

from pathlib import Path

import frontmatter

from .conftest import RunVault


def test_new_contact_refuses_the_same_person_without_accents(
    in_vault: RunVault, vault: Path
) -> None:
    assert in_vault("new-contact", "José Álvarez").exit_code == 0
    result = in_vault("new-contact", "jose  alvarez")
    assert result.exit_code == 1
    assert "already exists" in result.stderr and "José Álvarez.md" in result.stderr
    assert [p.name for p in (vault / "Contacts").iterdir()] == ["José Álvarez.md"]


def test_new_contact_refuses_a_name_an_existing_contact_has_as_alias(
    in_vault: RunVault, vault: Path
) -> None:
    (vault / "Contacts" / "Robert Tane.md").write_text(
        "---\ntype: contact\nname: Robert Tane\naliases: [Bob Tane]\n---\n", encoding="utf-8"
    )
    result = in_vault("new-contact", "bob tane")
    assert result.exit_code == 1
    assert "Robert Tane" in result.stderr


def test_new_org_refuses_the_same_organisation_without_macrons(
    in_vault: RunVault, vault: Path
) -> None:
    assert in_vault("new-org", "Kōwhai Analytics").exit_code == 0
    result = in_vault("new-org", "kowhai analytics")
    assert result.exit_code == 1
    assert "Kōwhai Analytics" in result.stderr
    assert [p.name for p in (vault / "Organisations").iterdir()] == ["Kōwhai Analytics.md"]


def test_referred_by_and_org_link_to_the_notes_they_mean(in_vault: RunVault, vault: Path) -> None:
    in_vault("new-contact", "Ben Carter")
    in_vault("new-org", "Kōwhai Analytics")
    result = in_vault("new-contact", "Ana Lee", "--referred-by", "ben", "--org", "Kowhai")
    assert result.exit_code == 0, result.output
    note = frontmatter.load(vault / "Contacts" / "Ana Lee.md")
    assert note["referred_by"] == "[[Ben Carter]]"
    assert note["organisation"] == "[[Kōwhai Analytics]]"


def test_referred_by_someone_without_a_note_keeps_what_was_typed(
    in_vault: RunVault, vault: Path
) -> None:
    in_vault("new-contact", "Ben Carter")
    assert in_vault("new-contact", "Ana Lee", "--referred-by", "Aunt Mere").exit_code == 0
    assert frontmatter.load(vault / "Contacts" / "Ana Lee.md")["referred_by"] == "[[Aunt Mere]]"


def test_every_command_finds_a_person_by_a_unique_word_or_start(in_vault: RunVault) -> None:
    in_vault("new-contact", "Priya Shah")
    in_vault("new-contact", "Tom Ngata")
    assert in_vault("new-meeting", "Priya", "--date", "2026-12-03").exit_code == 0
    assert in_vault("new-meeting", "pri sh", "--date", "2026-12-04").exit_code == 0
    assert in_vault("status", "tom", "contacted").exit_code == 0
    assert in_vault("draft", "request", "PRIYA").exit_code == 0


def test_an_ambiguous_start_is_refused_with_the_candidates(in_vault: RunVault, vault: Path) -> None:
    in_vault("new-contact", "Priya Shah")
    in_vault("new-contact", "Priscilla Wong")
    result = in_vault("new-meeting", "pri")
    assert result.exit_code == 1
    assert "Priya Shah" in result.stderr and "Priscilla Wong" in result.stderr
    assert list((vault / "Meetings").iterdir()) == []


def test_did_you_mean_everywhere(in_vault: RunVault) -> None:
    in_vault("new-contact", "José Álvarez")
    for args in (("new-meeting", "Jose Alvares"), ("status", "Jose Alvares", "met")):
        result = in_vault(*args)
        assert result.exit_code == 1
        assert "Did you mean José Álvarez?" in result.stderr

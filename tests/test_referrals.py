"""`vault referrals`: suggested names with no note, listed and created as contacts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from vaulttools.cli.app import AppState
from vaulttools.config import MeetingSettings
from vaulttools.followups import VaultFacts, build_records
from vaulttools.links import Resolver
from vaulttools.notes import parse_note
from vaulttools.referrals import how_we_met

from .conftest import RunVault

TODAY = dt.date(2026, 12, 3)

DURATION = MeetingSettings().default_duration


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(AppState, "today", property(lambda self: TODAY))


def created_path(output: str) -> Path:
    return Path(output.strip().splitlines()[-1])


@pytest.fixture
def suggested(vault: Path, in_vault: RunVault) -> Path:
    """A meeting made by `vault new-meeting` whose suggested names the user has filled in."""
    assert in_vault("new-contact", "Jane Doe", "--org", "Acme Ltd").exit_code == 0
    assert in_vault("new-contact", "Ann Lee").exit_code == 0
    result = in_vault("new-meeting", "Jane Doe", "--date", "2026-12-01")
    meeting = created_path(result.output)
    text = meeting.read_text(encoding="utf-8")
    filled = (
        "- [[Bob Smith]], runs the platform team at Globex\n"
        "- [[Contacts/Ann Lee|Ann]] (already in my contacts)\n"
        "- [[Cat Ng#Work|Cat]] and [[Bob Smith]] again\n"
        "- `[[Not A Link]]` in code\n"
    )
    assert "\n## Names they suggested\n" in text
    head, tail = text.split("\n## Next steps", 1)
    meeting.write_text(head.rstrip("-\n") + "\n" + filled + "\n## Next steps" + tail)
    return meeting


def test_lists_names_without_a_note(in_vault: RunVault, suggested: Path) -> None:
    result = in_vault("referrals")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines == [
        f"Bob Smith: suggested by Jane Doe on 2026-12-01 (Meetings/{suggested.name})",
        f"Cat Ng: suggested by Jane Doe on 2026-12-01 (Meetings/{suggested.name})",
    ]


def test_the_template_comment_example_is_not_a_referral(in_vault: RunVault, vault: Path) -> None:
    in_vault("new-contact", "Jane Doe")
    in_vault("new-meeting", "Jane Doe", "--date", "2026-12-01")
    result = in_vault("referrals")
    assert result.output.strip() == "No suggested names without a note."


def test_json_keys(in_vault: RunVault, suggested: Path) -> None:
    data = json.loads(in_vault("referrals", "--json").output)
    assert data[0] == {
        "name": "Bob Smith",
        "suggested_by": "Jane Doe",
        "meeting": f"Meetings/{suggested.name}",
        "date": "2026-12-01",
    }


def test_create_makes_contacts_with_referred_by_and_how_we_met(
    in_vault: RunVault, vault: Path, suggested: Path
) -> None:
    result = in_vault("referrals", "--create")
    assert result.exit_code == 0, result.output
    paths = [Path(line) for line in result.output.strip().splitlines()]
    assert paths == [vault / "Contacts" / "Bob Smith.md", vault / "Contacts" / "Cat Ng.md"]
    props = yaml.safe_load(paths[0].read_text(encoding="utf-8").split("---")[1])
    assert props["type"] == "contact" and props["name"] == "Bob Smith"
    assert props["referred_by"] == "[[Jane Doe]]"
    # what the user wrote beside the name is kept
    assert props["how_we_met"] == (
        "Suggested by Jane Doe (2026-12-01 meeting): runs the platform team at Globex"
    )
    assert in_vault("referrals").output.strip() == "No suggested names without a note."
    # and the meeting's step to add them is ticked
    assert "- [x] Add the people Jane Doe suggested" in suggested.read_text(encoding="utf-8")
    contacts = json.loads(in_vault("contacts", "--json").output)
    bob = next(c for c in contacts if c["name"] == "Bob Smith")
    assert bob["referred_by"] == "Jane Doe"


def test_create_with_json_reports_the_new_paths(
    in_vault: RunVault, vault: Path, suggested: Path
) -> None:
    data = json.loads(in_vault("referrals", "--create", "--json").output)
    assert [Path(item["created"]).name for item in data] == ["Bob Smith.md", "Cat Ng.md"]


def test_create_reports_a_name_it_cannot_use_and_creates_the_rest(
    in_vault: RunVault, vault: Path, suggested: Path
) -> None:
    with suggested.open("a", encoding="utf-8") as handle:
        # "Jane Doe?" has no note, but its file name would be Jane Doe's
        handle.write("\n## People suggested later\n\n- [[Jane Doe?]] and [[Dee Kay]]\n")
    result = in_vault("referrals", "--create")
    assert result.exit_code == 1
    assert "A contact named 'Jane Doe?' already exists" in result.stderr
    assert result.stderr.count("\n") == 1
    assert (vault / "Contacts" / "Dee Kay.md").exists()


def test_heading_variants_and_section_end() -> None:
    body = (
        "---\ntype: meeting\ncontact: Jane\ndate: 2026-12-01\n---\n"
        "## Notes\n[[Outside Before]]\n"
        "## Who else they SUGGESTED I talk to\n- [[One]]\n### Sub-heading\n- [[Two]]\n"
        "## Next steps\n- [[Outside After]]\n"
    )
    facts = VaultFacts.from_notes([parse_note(body, "Meetings/m.md")])
    found = build_records(facts, Resolver.from_entries([]), TODAY, DURATION).suggested
    assert [s.name for s in found] == ["One", "Two"]
    assert how_we_met(found[0]) == "Suggested by Jane (2026-12-01 meeting)"

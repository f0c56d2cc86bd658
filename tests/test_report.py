"""`vault report`: each figure checked on a vault built for the test, in text, JSON and Markdown."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from vaulttools.cli.app import AppState
from vaulttools.model import Meeting
from vaulttools.report import build_report

from .conftest import RunVault

TODAY = dt.date(2026, 12, 10)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(AppState, "today", property(lambda self: TODAY))


def write(vault: Path, relative: str, text: str) -> None:
    path = vault / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def contact(vault: Path, name: str, organisation: str = "", role: str = "") -> None:
    write(
        vault,
        f"Contacts/{name}.md",
        f"---\ntype: contact\nname: {name}\norganisation: {organisation}\nrole: {role}\n---\n",
    )


def meeting(vault: Path, day: str, name: str, status: str, body: str = "") -> None:
    front = f'---\ntype: meeting\ncontact: "[[{name}]]"\ndate: {day}\nstatus: {status}\n---\n'
    write(vault, f"Meetings/{day} {name}.md", front + body)


@pytest.fixture
def search(vault: Path) -> Path:
    """Three people met at two organisations, two planned, three names suggested."""
    contact(vault, "Jane Doe", "Acme Ltd", "Data Engineer")
    contact(vault, "Ravi Patel", '"[[Acme Ltd]]"', "Analyst")
    write(vault, "Organisations/Acme Ltd.md", "---\ntype: organisation\nname: Acme Ltd\n---\n")
    contact(vault, "Mei Chen", "Globex", "Product Manager")
    contact(vault, "Tom Hart", "Initech", "Designer")
    contact(vault, "Bob Smith")  # suggested, has a note, not contacted yet
    contact(vault, "Dan Roe", "Umbrella")  # suggested, and a conversation is planned
    meeting(
        vault,
        "2026-10-05",
        "Jane Doe",
        "done",
        "- [x] Send a thank-you to [[Jane Doe]] 📅 2026-10-06 ✅ 2026-10-06\n"
        "\n## Names they suggested\n\n- [[Bob Smith]]\n- [[Cat Ng]], her old manager\n",
    )
    meeting(vault, "2026-11-20", "Jane Doe", "cancelled")
    meeting(
        vault,
        "2026-11-12",
        "Ravi Patel",
        "planned",  # in the past, so it took place even though nobody marked it done
        "- [x] Send a thank-you to [[Ravi Patel]] 📅 2026-11-13 ✅ 2026-11-15\n",
    )
    meeting(
        vault,
        "2026-12-01",
        "Mei Chen",
        "done",
        "- [ ] Send a thank-you to [[Mei Chen]] 📅 2026-12-02\n"
        "- [ ] Read the annual report 📅 2026-12-12\n"
        "\n### People she suggested\n\n- [[Dan Roe]]\n",
    )
    meeting(vault, "2026-12-15", "Tom Hart", "planned")
    meeting(vault, "2026-12-20", "Dan Roe", "planned")
    write(
        vault,
        "Contacts/Tom Hart.md",
        "---\ntype: contact\nname: Tom Hart\norganisation: Initech\nrole: Designer\n---\n"
        "- [ ] Send my CV to [[Tom Hart]] 📅 2026-12-09\n"
        "- [x] Look up Initech 📅 2026-12-01 ✅ 2026-12-01\n",
    )
    return vault


def report_json(in_vault: RunVault) -> dict[str, Any]:
    result = in_vault("report", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_people_met_and_planned(in_vault: RunVault, search: Path) -> None:
    data = report_json(in_vault)
    assert [p["name"] for p in data["met"]] == ["Jane Doe", "Mei Chen", "Ravi Patel"]
    jane = data["met"][0]
    assert jane["conversations"] == 1  # the cancelled meeting does not count
    assert jane["date"] == "2026-10-05" and jane["role"] == "Data Engineer"
    assert [(p["name"], p["date"]) for p in data["planned"]] == [
        ("Dan Roe", "2026-12-20"),
        ("Tom Hart", "2026-12-15"),
    ]
    assert data["conversations"] == 3


def test_organisations_and_roles_covered(in_vault: RunVault, search: Path) -> None:
    data = report_json(in_vault)
    assert data["organisations"] == ["Acme Ltd", "Globex"]  # a link and plain text, once each
    assert data["roles"] == ["Analyst", "Data Engineer", "Product Manager"]


def test_conversations_per_month_include_quiet_months(in_vault: RunVault, search: Path) -> None:
    assert report_json(in_vault)["per_month"] == {"2026-10": 1, "2026-11": 1, "2026-12": 1}


def test_thank_yous_on_time_late_and_not_sent(in_vault: RunVault, search: Path) -> None:
    data = report_json(in_vault)
    assert data["thank_yous"] == {
        "on_time": 1,
        "late": 1,
        "undated": 0,
        "pending": 0,
        "not_sent": 1,
        "none": 0,
    }
    details = {t["contact"]: (t["status"], t["sent_on"]) for t in data["thank_you_details"]}
    assert details == {
        "Jane Doe": ("on_time", "2026-10-06"),
        "Ravi Patel": ("late", "2026-11-15"),
        "Mei Chen": ("not_sent", None),
    }


def test_names_suggested_and_followed_up(in_vault: RunVault, search: Path) -> None:
    data = report_json(in_vault)
    assert data["suggested_count"] == 3
    assert data["followed_up_count"] == 1
    by_name = {s["name"]: s for s in data["suggested"]}
    assert by_name["Dan Roe"]["followed_up"] and by_name["Dan Roe"]["suggested_by"] == "Mei Chen"
    assert not by_name["Bob Smith"]["followed_up"] and by_name["Bob Smith"]["note"]
    assert by_name["Cat Ng"]["note"] is None
    assert by_name["Cat Ng"]["meeting"] == "Meetings/2026-10-05 Jane Doe.md"


def test_overdue_followups(in_vault: RunVault, search: Path) -> None:
    overdue = report_json(in_vault)["overdue"]
    assert [(f["text"], f["due"]) for f in overdue] == [
        ("Send a thank-you to [[Mei Chen]]", "2026-12-02"),
        ("Send my CV to [[Tom Hart]]", "2026-12-09"),
    ]


def test_warns_under_three_organisations_and_not_at_three(in_vault: RunVault, search: Path) -> None:
    warnings = report_json(in_vault)["warnings"]
    assert len(warnings) == 1 and "2 organisations (Acme Ltd, Globex)" in warnings[0]
    meeting(search, "2026-12-08", "Tom Hart", "done")
    assert report_json(in_vault)["warnings"] == []


def test_text_report_shows_every_section(in_vault: RunVault, search: Path) -> None:
    result = in_vault("report")
    assert result.exit_code == 0, result.output
    text = result.output
    for heading in (
        "People met (3)",
        "Conversations planned (2)",
        "Organisations covered (2)",
        "Roles covered (3)",
        "Conversations per month (3 in all)",
        "Thank-yous",
        "Names suggested (3, followed up 1)",
        "Overdue follow-ups (2)",
    ):
        assert f"\n{heading}\n" in text
    assert "\n3 conversations with 3 people at 2 organisations; 2 more planned.\n" in text
    assert "Warning: Your conversations so far come from 2 organisations" in text
    assert "Tom Hart, Designer at Initech (on 2026-12-15)" in text
    assert "2026-12-09 Send my CV to Tom Hart (" in text  # links read as plain names
    assert "sent on time: 1" in text and "sent late: 1" in text
    assert "Mei Chen, 2026-12-01: not sent, and more than a day has passed" in text


def test_markdown_report_is_a_new_note(in_vault: RunVault, search: Path) -> None:
    result = in_vault("report", "--markdown")
    assert result.exit_code == 0, result.output
    path = Path(result.output.strip())
    assert path == search / "Informational Interviews Report 2026-12-10.md"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\ncreated: 2026-12-10\n")
    assert "> [!warning]" in text and "## People met (3)" in text
    assert "- [[Jane Doe]], Data Engineer at Acme Ltd (1 conversation, last 2026-10-05)" in text
    assert "[[Cat Ng]]" not in text  # no note yet: plain text, not an unresolved link
    again = in_vault("report", "--markdown")
    assert again.exit_code == 1 and "already exists" in again.stderr
    assert path.read_text(encoding="utf-8") == text


def test_markdown_and_json_together_is_a_usage_error(in_vault: RunVault, search: Path) -> None:
    assert in_vault("report", "--markdown", "--json").exit_code == 2


def test_empty_vault_reports_no_conversations(in_vault: RunVault) -> None:
    data = report_json(in_vault)
    assert data["conversations"] == 0 and data["per_month"] == {}
    assert data["warnings"] == [
        "No conversations yet: aim to talk to people at three or more organisations."
    ]


def test_thank_you_pending_untracked_and_undated() -> None:
    """The states a CLI vault above does not show, on records built by hand."""

    def held(day: str, note: str) -> Meeting:
        date = dt.date.fromisoformat(day)
        return Meeting(note, note, "A", ("A",), date, None, 30, "done", organisation="X")

    from vaulttools.model import FollowUp

    def task(note: str, done: bool, done_on: dt.date | None = None) -> FollowUp:
        return FollowUp(
            "i" + note, "Thank A", None, None, done, False, note, "A", "task", 1, done_on
        )

    meetings = [held("2026-12-10", "m1"), held("2026-12-01", "m2"), held("2026-12-02", "m3")]
    followups = [task("m1", False), task("m3", True)]
    report = build_report(meetings, [], followups, [], TODAY)
    assert [t.status for t in report.thank_yous] == ["pending", "none", "undated"]

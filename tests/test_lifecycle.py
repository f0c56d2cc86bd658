"""The workflow's life through the CLI, with "now" frozen in Auckland (a day ahead of UTC):
reaching out, booking, moving and cancelling meetings, ticking with the real day."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import frontmatter
import pytest

from .conftest import RunVault

TODAY = "2026-11-30"  # Monday in Auckland, while UTC is still on Sunday 29 November


def followups(in_vault: RunVault, *args: str) -> list[dict]:
    result = in_vault("followups", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def jane(in_vault: RunVault, auckland: Path) -> Path:
    assert in_vault("new-contact", "Jane Doe").exit_code == 0
    return auckland / "Contacts" / "Jane Doe.md"


def test_contacted_logs_sets_the_stage_and_chases(in_vault: RunVault, jane: Path) -> None:
    before = jane.read_text("utf-8")
    result = in_vault("contacted", "jane", "--via", "linkedin")
    assert result.exit_code == 0, result.output
    text = jane.read_text("utf-8")
    note = frontmatter.loads(text)
    assert note["status"] is None and note["contacted"].isoformat() == TODAY
    log = text.split("## Conversation log", 1)[1].split("## Follow-ups", 1)[0]
    assert f"- {TODAY}: reached out by LinkedIn message" in log
    chase = followups(in_vault)
    assert len(chase) == 1 and chase[0]["due"] == "2026-12-07"
    assert chase[0]["text"].startswith("Chase [[Jane Doe]]")
    # every line that was there is still there, in order
    old_lines = before.splitlines()
    remaining = iter(text.splitlines())
    assert all(line in remaining for line in old_lines)  # a subsequence: only lines added
    contacts = json.loads(in_vault("contacts", "--json").stdout)
    assert contacts[0]["status"] == "contacted" and contacts[0]["last_contact"] == TODAY


def test_chase_days_on_a_past_day_and_booking_settles_it(in_vault: RunVault, jane: Path) -> None:
    assert in_vault("contacted", "Jane Doe", "--on", "2 days ago", "--chase", "3").exit_code == 0
    assert [f["due"] for f in followups(in_vault)] == ["2026-12-01"]
    assert in_vault("new-meeting", "Jane", "--date", "friday").exit_code == 0
    assert not any(f["text"].startswith("Chase") for f in followups(in_vault))
    settled = [f for f in followups(in_vault, "--all") if f["text"].startswith("Chase")]
    assert settled[0]["settled"] == "a conversation is booked" and settled[0]["done"] is False


def test_contacted_in_the_future_is_refused(in_vault: RunVault, jane: Path) -> None:
    before = jane.read_bytes()
    result = in_vault("contacted", "Jane Doe", "--on", "tomorrow")
    assert result.exit_code == 2
    assert jane.read_bytes() == before


def test_reschedule_moves_the_meeting_and_its_followups(in_vault: RunVault, jane: Path) -> None:
    made = in_vault("new-meeting", "Jane Doe", "--date", "2026-12-04", "--time", "10:00")
    meeting = Path(made.stdout.strip())
    before = {f["id"]: f["due"] for f in followups(in_vault)}
    result = in_vault("reschedule", "jane", "+10d", "--time", "14:30")
    assert result.exit_code == 0, result.output
    props = frontmatter.load(meeting)
    assert props["date"].isoformat() == "2026-12-10" and props["time"] == "14:30"
    after = {f["id"]: f["due"] for f in followups(in_vault)}
    assert set(after) == set(before)
    for fid, due in before.items():  # every follow-up six days later, as the meeting
        assert (_day(after[fid]) - _day(due)).days == 6
    text = meeting.read_text("utf-8")
    assert "- **When:** 2026-12-10 at 14:30, 30 minutes" in text and "2026-12-04 at" not in text


def test_reschedule_keeps_a_when_line_the_user_rewrote(in_vault: RunVault, jane: Path) -> None:
    meeting = Path(in_vault("new-meeting", "Jane Doe", "--date", "2026-12-04").stdout.strip())
    text = meeting.read_text("utf-8").replace(
        "- **When:** 2026-12-04, 30 minutes", "- **When:** Friday, after her stand-up"
    )
    meeting.write_text(text + "\n```\n- **When:** 2026-12-04, 30 minutes\n```\n", "utf-8")
    assert in_vault("reschedule", "jane", "2026-12-08").exit_code == 0
    after = meeting.read_text("utf-8")
    assert "- **When:** Friday, after her stand-up" in after  # the user's words are theirs
    assert "```\n- **When:** 2026-12-04, 30 minutes\n```" in after  # code, not the meeting's


def test_reschedule_with_a_time_a_hand_written_meeting_never_had(
    in_vault: RunVault, jane: Path, auckland: Path
) -> None:
    """A `time` property added above the body: the follow-ups below still move, not the
    lines above them."""
    meeting = auckland / "Meetings" / "Coffee with Jane.md"
    meeting.write_text(
        "---\ntype: meeting\ncontact: '[[Jane Doe]]'\ndate: 2026-12-04\n---\n"
        "- **When:** 2026-12-04, 45 minutes\n"
        "- [ ] Thank Jane 📅 2026-12-05\n",
        "utf-8",
    )
    result = in_vault("reschedule", "Coffee with Jane", "2026-12-06", "--time", "09:30")
    assert result.exit_code == 0, result.output
    assert meeting.read_text("utf-8") == (
        "---\ntype: meeting\ncontact: '[[Jane Doe]]'\ndate: 2026-12-06\ntime: 09:30\n---\n"
        "- **When:** 2026-12-06 at 09:30, 45 minutes\n"
        "- [ ] Thank Jane 📅 2026-12-07\n"
    )


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_cancel_cancels_the_meeting_and_its_open_followups(in_vault: RunVault, jane: Path) -> None:
    meeting = Path(in_vault("new-meeting", "Jane Doe", "--date", "2026-12-04").stdout.strip())
    first = followups(in_vault)[0]
    assert in_vault("done", first["id"]).exit_code == 0
    result = in_vault("cancel", "Jane Doe")
    assert result.exit_code == 0, result.output
    text = meeting.read_text("utf-8")
    assert frontmatter.loads(text)["status"] == "cancelled"
    assert text.count(f"❌ {TODAY}") == 3 and text.count("- [-] ") == 3
    assert f"✅ {TODAY}" in text  # the done one stays done
    assert followups(in_vault) == []
    feed = in_vault("export-ics", "-o", "-").stdout
    assert "VTODO" not in feed and "Jane Doe" not in feed


def test_meeting_names_a_person_with_one_planned_meeting(in_vault: RunVault, jane: Path) -> None:
    in_vault("new-meeting", "Jane Doe", "--date", "2026-12-04")
    in_vault("new-meeting", "Jane Doe", "--date", "2026-12-14")
    result = in_vault("cancel", "Jane")
    assert result.exit_code == 1 and "2 planned meetings" in result.stderr
    assert in_vault("cancel", "2026-12-14 Jane Doe").exit_code == 0
    assert in_vault("cancel", "Jane").exit_code == 0


def test_a_meeting_cancelled_by_hand_takes_its_followups_out(
    in_vault: RunVault, jane: Path
) -> None:
    meeting = Path(in_vault("new-meeting", "Jane Doe", "--date", "2026-12-04").stdout.strip())
    text = meeting.read_text("utf-8")
    meeting.write_text(text.replace("status: planned", "status: cancelled"), "utf-8")
    assert followups(in_vault) == []
    assert "VTODO" not in in_vault("export-ics", "-o", "-").stdout
    assert meeting.read_text("utf-8").count("- [ ] ") > 0  # nothing was written to the note


def test_a_meeting_moved_by_hand_holds_back_what_falls_before_it(
    in_vault: RunVault, jane: Path
) -> None:
    meeting = Path(in_vault("new-meeting", "Jane Doe", "--date", "2026-12-04").stdout.strip())
    text = meeting.read_text("utf-8")
    meeting.write_text(text.replace("date: 2026-12-04", "date: 2026-12-09"), "utf-8")
    assert followups(in_vault) == []  # all four were due before the new day
    check = in_vault("check")
    assert check.exit_code == 1
    assert "due 2026-12-05, before its meeting on 2026-12-09" in check.stdout


def test_done_on_records_the_real_day(in_vault: RunVault, jane: Path) -> None:
    in_vault("new-meeting", "Jane Doe", "--date", "2026-11-27")
    thanks = next(f for f in followups(in_vault) if f["text"].startswith("Send a thank-you"))
    assert in_vault("done", thanks["id"], "--on", "2026-11-28").exit_code == 0
    assert "✅ 2026-11-28" in next((jane.parent.parent / "Meetings").iterdir()).read_text("utf-8")
    report = json.loads(in_vault("report", "--json").stdout)
    assert report["thank_yous"]["on_time"] == 1
    assert in_vault("done", "connect", "--on", "tomorrow").exit_code == 2


def test_overdue_within_lists_only_overdue_ones(in_vault: RunVault, jane: Path) -> None:
    with jane.open("a", encoding="utf-8") as handle:
        handle.write(
            "- [ ] Late one 📅 2026-11-28 ^fu-late\n- [ ] Soon one 📅 2026-12-01 ^fu-soon\n"
        )
    assert [f["id"] for f in followups(in_vault, "--overdue", "--within", "3")] == ["fu-late"]
    assert [f["id"] for f in followups(in_vault, "--within", "3")] == ["fu-late", "fu-soon"]


def test_unknown_stage_or_person_in_a_filter_is_a_usage_error(
    in_vault: RunVault, jane: Path
) -> None:
    stage = in_vault("contacts", "--status", "foo")
    assert stage.exit_code == 2 and "prospect" in stage.stderr and "thanked" in stage.stderr
    person = in_vault("meetings", "--contact", "Jane Dough")
    assert person.exit_code == 2 and "Did you mean Jane Doe?" in person.stderr
    assert in_vault("meetings", "--contact", "jane").exit_code == 0


def test_crlf_note_gets_crlf_lines(in_vault: RunVault, jane: Path) -> None:
    jane.write_bytes(jane.read_bytes().replace(b"\n", b"\r\n"))
    assert in_vault("contacted", "Jane Doe").exit_code == 0
    data = jane.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert f"- {TODAY}: reached out by email\r\n".encode() in data


def test_a_meeting_logged_after_the_fact_makes_nothing_overdue(
    in_vault: RunVault, jane: Path
) -> None:
    assert in_vault("new-meeting", "Jane Doe", "--date", "20 Nov").exit_code == 0
    assert followups(in_vault, "--overdue") == []
    due = {f["text"].split(" ")[0]: f["due"] for f in followups(in_vault, "--all")}
    assert due["Reflect"] == TODAY and due["Send"] == TODAY and due["Add"] == "2026-12-02"


def test_the_thank_you_stays_within_a_day_when_that_is_still_possible(
    in_vault: RunVault, jane: Path
) -> None:
    assert in_vault("new-meeting", "Jane Doe", "--date", "yesterday").exit_code == 0
    thanks = [f for f in followups(in_vault) if f["text"].startswith("Send a thank-you")]
    assert thanks[0]["due"] == TODAY  # the day after the conversation


def test_adding_suggested_people_is_settled_when_nobody_is_left_to_add(
    in_vault: RunVault, jane: Path
) -> None:
    in_vault("new-meeting", "Jane Doe", "--date", "2026-11-20")
    step = next(f for f in followups(in_vault, "--all") if f["text"].startswith("Add the people"))
    assert step["settled"] == "nobody was suggested" and step["done"] is False
    assert not any(f["text"].startswith("Add the people") for f in followups(in_vault))


def test_stay_in_touch_default_and_option(in_vault: RunVault, jane: Path) -> None:
    assert frontmatter.load(jane)["stay_in_touch"] == 90
    in_vault("new-contact", "Ben Carter", "--stay-in-touch", "30")
    ben = jane.parent / "Ben Carter.md"
    assert frontmatter.load(ben)["stay_in_touch"] == 30
    in_vault("new-meeting", "Ben", "--date", "2026-11-20")
    keep = [f for f in followups(in_vault) if f["text"] == "Stay in touch with Ben Carter"]
    assert keep[0]["due"] == "2026-12-20"


def test_tables_fit_a_60_column_terminal(
    in_vault: RunVault, jane: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_vault("new-contact", "Aroha Te Whānau-Kōwhai", "--org", "Kōwhai Analytics Partnership",
             "--role", "Principal Data Engineer")  # fmt: skip
    in_vault("new-meeting", "Aroha", "--date", "2026-12-04", "--time", "10:00")
    in_vault("contacted", "Jane Doe")
    monkeypatch.setenv("COLUMNS", "60")
    for listing in ("contacts", "meetings", "followups"):
        lines = in_vault(listing).stdout.splitlines()
        assert len(lines) > 2
        assert max(len(line) for line in lines) <= 60, (listing, lines)
    dates = in_vault("followups").stdout
    assert "2026-12-04" in dates and "2026-12-07" in dates  # dates are never clipped


def test_vault_and_debug_after_the_command(run: RunVault, jane: Path, auckland: Path) -> None:
    result = run("contacts", "--vault", auckland, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["name"] == "Jane Doe"
    assert run("contacts", f"--vault={auckland}", "--debug").exit_code == 0


def test_a_folder_inside_a_vault_is_never_advised_to_become_one(
    run: RunVault, auckland: Path
) -> None:
    result = run("--vault", auckland / "Contacts", "contacts")
    assert result.exit_code == 1
    assert "vault init" not in result.stderr and str(auckland) in result.stderr
    assert not (auckland / "Contacts" / ".vaulttools").exists()


def test_the_feed_keeps_past_meetings_for_the_history_days(in_vault: RunVault, jane: Path) -> None:
    config = jane.parent.parent / ".vaulttools" / "config.toml"
    text = config.read_text("utf-8")
    config.write_text(text.replace("history_days = 90", "history_days = 30"), "utf-8")
    for day in ("2026-10-01", "2026-11-10", "2026-12-10"):
        assert in_vault("new-meeting", "Jane Doe", "--date", day).exit_code == 0
    feed = in_vault("export-ics", "-o", "-").stdout
    assert "20261110" in feed
    assert "20261210" in feed
    assert "20261001" not in feed  # past the 30 days of history


def test_a_past_planned_meeting_shows_as_held(in_vault: RunVault, jane: Path) -> None:
    in_vault("new-meeting", "Jane Doe", "--date", "2026-11-20")
    in_vault("new-meeting", "Jane Doe", "--date", "2026-12-20")
    table = in_vault("meetings").stdout.splitlines()
    assert "held" in table[1] and "planned" in table[2]


def test_a_note_in_the_contacts_folder_is_a_contact_without_type(
    in_vault: RunVault, auckland: Path
) -> None:
    note = auckland / "Contacts" / "Mere Tane.md"
    note.write_text("---\norganisation: Acme\n---\n- [ ] Call Mere 📅 2026-12-02\n", "utf-8")
    contacts = json.loads(in_vault("contacts", "--json").stdout)
    assert [(c["name"], c["organisation"]) for c in contacts] == [("Mere Tane", "Acme")]
    assert [f["text"] for f in followups(in_vault)] == ["Call Mere"]
    assert in_vault("done", "call mere").exit_code == 0
    assert f"- [x] Call Mere 📅 2026-12-02 ✅ {TODAY}" in note.read_text("utf-8")
    assert in_vault("meetings").stdout.strip() == "No meetings."


def test_search_finds_the_users_words_not_the_templates(in_vault: RunVault, jane: Path) -> None:
    made = in_vault("new-meeting", "Jane Doe", "--date", "2026-12-04", "--questions", "industry")
    meeting = Path(made.stdout.strip())
    assert "Industry" in meeting.read_text("utf-8")  # the template's heading and questions
    assert in_vault("search", "industry").stdout.strip() == "Nothing matches 'industry'."
    with meeting.open("a", encoding="utf-8") as handle:
        handle.write("- She thinks the industry is consolidating.\n")
    found = in_vault("search", "industry").stdout
    assert meeting.name in found and "consolidating" in found


def test_org_filter_matches_loosely_and_refuses_the_unknown(in_vault: RunVault, jane: Path) -> None:
    in_vault("new-org", "Kōwhai Analytics")
    in_vault("new-contact", "Ben Carter", "--org", "Kōwhai Analytics")
    found = json.loads(in_vault("contacts", "--org", "kowhai", "--json").stdout)
    assert [c["name"] for c in found] == ["Ben Carter"]
    unknown = in_vault("contacts", "--org", "Globex")
    assert unknown.exit_code == 2 and "No organisation named 'Globex'" in unknown.stderr


def test_the_stage_moves_on_from_contacted_when_a_meeting_is_booked(
    in_vault: RunVault, jane: Path
) -> None:
    in_vault("contacted", "Jane Doe")
    stage = json.loads(in_vault("contacts", "--json").stdout)[0]["status"]
    assert stage == "contacted"
    in_vault("new-meeting", "Jane Doe", "--date", "friday")
    assert json.loads(in_vault("contacts", "--json").stdout)[0]["status"] == "scheduled"

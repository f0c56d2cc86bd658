"""Notes -> follow-ups, meetings and contacts, joined across notes. Pure: no index here."""

from __future__ import annotations

import datetime as dt

import pytest

from vaulttools.config import MeetingSettings
from vaulttools.followups import Records, VaultFacts, build_records, facts_of
from vaulttools.links import Resolver, names_of
from vaulttools.notes import parse_note
from vaulttools.stages import contact_stage, is_thank_you, meeting_status, took_place

TODAY = dt.date(2026, 12, 10)

DURATION = MeetingSettings().default_duration


def records(notes: dict[str, str], today: dt.date = TODAY) -> Records:
    parsed = [parse_note(text, path) for path, text in notes.items()]
    links = Resolver.from_entries(e for n in parsed for e in names_of(n.path, n.aliases))
    return build_records(VaultFacts.from_notes(parsed), links, today, DURATION)


JANE = "---\ntype: contact\nid: ct-jane\nname: Jane Doe\naliases: [Janey]\n---\n# Jane\n"
BOB = "---\ntype: contact\nid: ct-bob\nname: Bob Smith\n---\n"


def meeting(
    contact: str = "[[Jane Doe]]", day: str = "2026-12-01", body: str = "", **props: str
) -> str:
    extra = "".join(f"{key}: {value}\n" for key, value in props.items())
    return f'---\ntype: meeting\nid: mt-1\ncontact: "{contact}"\ndate: {day}\n{extra}---\n{body}'


def test_tasks_with_emoji_and_dataview_dates_are_follow_ups() -> None:
    body = (
        "- [ ] Send thank-you email 📅 2026-12-02 ^fu-7k2m\n"
        "- [x] Connect on LinkedIn 📅 2026-12-02 ✅ 2026-12-03\n"
        "- [ ] Ask about the graduate programme [due:: 2027-01-10]\n"
        "- [-] Send the article ⏳ 2026-12-05 ❌ 2026-12-04\n"
        "- [ ] Call back ⏰ 2026-12-06 14:30\n"
        "- [ ] A task with no date is no follow-up\n"
    )
    found = records({"Contacts/Jane Doe.md": JANE, "Meetings/m.md": meeting(body=body)})
    by_text = {f.text: f for f in found.followups}
    assert set(by_text) == {
        "Send thank-you email",
        "Connect on LinkedIn",
        "Ask about the graduate programme",
        "Send the article",
        "Call back",
    }
    assert by_text["Send thank-you email"].id == "fu-7k2m"
    assert by_text["Connect on LinkedIn"].done and by_text[
        "Connect on LinkedIn"
    ].done_on == dt.date(2026, 12, 3)
    assert by_text["Ask about the graduate programme"].due == dt.date(2027, 1, 10)
    assert by_text["Send the article"].cancelled
    assert by_text["Send the article"].due == dt.date(2026, 12, 5)  # scheduled stands in
    assert (by_text["Call back"].due, by_text["Call back"].time) == (dt.date(2026, 12, 6), "14:30")
    assert all(f.contact == "Jane Doe" and f.note == "Meetings/m.md" for f in found.followups)


def test_follow_ups_sort_by_due_date_then_note_then_line() -> None:
    notes = {
        "Contacts/Jane Doe.md": JANE + "- [ ] b 📅 2026-12-03\n- [ ] a 📅 2026-12-01\n",
        "Contacts/Bob Smith.md": BOB + "- [ ] c 📅 2026-12-03\n",
    }
    order = [(f.due.isoformat(), f.note, f.text) for f in records(notes).followups]
    assert order == [
        ("2026-12-01", "Contacts/Jane Doe.md", "a"),
        ("2026-12-03", "Contacts/Bob Smith.md", "c"),
        ("2026-12-03", "Contacts/Jane Doe.md", "b"),
    ]


def test_a_linked_contact_in_the_task_wins_over_the_notes_contact() -> None:
    body = "- [ ] Ask [[Bob Smith]] about the team 📅 2026-12-02\n- [ ] Plain 📅 2026-12-02\n"
    notes = {"Contacts/Jane Doe.md": JANE, "Contacts/Bob Smith.md": BOB, "M.md": meeting(body=body)}
    contacts = {f.text: (f.contact, f.contact_note) for f in records(notes).followups}
    assert contacts == {
        "Ask [[Bob Smith]] about the team": ("Bob Smith", "Contacts/Bob Smith.md"),
        "Plain": ("Jane Doe", "Contacts/Jane Doe.md"),
    }


def test_a_task_in_a_contact_note_concerns_that_contact() -> None:
    found = records({"People/Jane.md": JANE + "- [ ] Check in 📅 2026-12-20\n"})
    assert [(f.contact, f.contact_note) for f in found.followups] == [
        ("Jane Doe", "People/Jane.md")
    ]


def test_a_meeting_whose_contact_has_no_note_still_names_them() -> None:
    found = records({"M.md": meeting("[[Nobody Yet]]", body="- [ ] Thank 📅 2026-12-02\n")})
    assert found.meetings[0].contact == "Nobody Yet"
    assert found.meetings[0].contact_notes == ()
    assert found.followups[0].contact == "Nobody Yet"


def test_identical_task_texts_get_distinct_ids_that_survive_ticking() -> None:
    body = "- [ ] Email 📅 2026-12-02\n- [ ] Email 📅 2026-12-09\n"
    before = records({"Contacts/Jane Doe.md": JANE + body}).followups
    after = records({"Contacts/Jane Doe.md": JANE + body.replace("[ ]", "[x]", 1)}).followups
    assert len({f.id for f in before}) == 2
    assert [f.id for f in before] == [f.id for f in after]
    assert after[0].done and not before[0].done


def test_meeting_records_read_time_duration_status_and_group_contacts() -> None:
    text = (
        '---\ntype: meeting\nid: mt-2\ncontacts: ["[[Jane Doe]]", "[[Bob Smith]]"]\n'
        "date: 2026-12-12\ntime: 10:30\nduration: 45\nstatus: Done\nmode: video\n---\n"
    )
    found = records({"Contacts/Jane Doe.md": JANE, "Contacts/Bob Smith.md": BOB, "M.md": text})
    (record,) = found.meetings
    assert record.contacts == ("Jane Doe", "Bob Smith")
    assert record.contact_notes == ("Contacts/Jane Doe.md", "Contacts/Bob Smith.md")
    assert (record.time, record.duration, record.status, record.mode) == (
        "10:30",
        45,
        "done",
        "video",
    )


def test_a_meeting_without_status_or_duration_is_planned_for_the_default_length() -> None:
    (record,) = records({"M.md": meeting()}).meetings
    assert (record.status, record.duration, record.time) == ("planned", 30, None)


def test_meetings_find_their_contact_by_alias_and_case() -> None:
    notes = {
        "Contacts/Jane Doe.md": JANE,
        "a.md": meeting("[[janey]]"),
        "b.md": meeting("JANE DOE"),
    }
    assert [m.contact_notes for m in records(notes).meetings] == [("Contacts/Jane Doe.md",)] * 2


def test_next_contact_is_a_reminder_with_a_stable_id() -> None:
    text = JANE.replace("aliases: [Janey]", "next_contact: 2026-12-24")
    (reminder,) = records({"Contacts/Jane Doe.md": text}).followups
    assert (reminder.id, reminder.due, reminder.source) == (
        "ct-jane:next",
        dt.date(2026, 12, 24),
        "next_contact",
    )
    assert reminder.contact == "Jane Doe" and reminder.line is None and not reminder.done


def test_stay_in_touch_counts_from_the_last_meeting_that_took_place() -> None:
    text = JANE.replace("aliases: [Janey]", "stay_in_touch: 30")
    notes = {
        "Contacts/Jane Doe.md": text,
        "m1.md": meeting(day="2026-10-01", status="done"),
        "m2.md": meeting(day="2026-11-15", status="done"),
        "m3.md": meeting(day="2026-11-20", status="cancelled"),
        "m4.md": meeting(day="2027-01-05"),  # still to come
    }
    found = records(notes)
    (reminder,) = found.followups
    assert (reminder.id, reminder.due) == ("ct-jane:keep", dt.date(2026, 12, 15))
    (jane,) = found.contacts
    assert jane.last_met == dt.date(2026, 11, 15)
    assert jane.next_followup == dt.date(2026, 12, 15)


def test_next_contact_replaces_stay_in_touch_until_a_meeting_on_or_after_it() -> None:
    text = JANE.replace("aliases: [Janey]", "stay_in_touch: 30\nnext_contact: 2026-12-01")
    waiting = records({"Contacts/Jane Doe.md": text, "m.md": meeting(day="2026-11-01")})
    assert [(f.id, f.done) for f in waiting.followups] == [("ct-jane:next", False)]
    met = records({"Contacts/Jane Doe.md": text, "m.md": meeting(day="2026-12-05")})
    assert sorted((f.id, f.done) for f in met.followups) == [
        ("ct-jane:keep", False),
        ("ct-jane:next", True),
    ]


def test_stay_in_touch_without_any_meeting_gives_no_reminder() -> None:
    text = JANE.replace("aliases: [Janey]", "stay_in_touch: 30")
    assert records({"Contacts/Jane Doe.md": text}).followups == []


@pytest.mark.parametrize(
    ("notes", "stage"),
    [
        ({}, "prospect"),
        ({"m.md": meeting(day="2026-12-20")}, "scheduled"),
        ({"m.md": meeting(day="2026-12-01", status="done")}, "met"),
        ({"m.md": meeting(day="2026-12-01")}, "met"),  # planned for a day now past
        ({"m.md": meeting(day="2026-12-01", status="cancelled")}, "prospect"),
        (
            {
                "m.md": meeting(
                    day="2026-12-01",
                    status="done",
                    body="- [x] Send a thank-you to [[Jane Doe]] 📅 2026-12-02\n",
                )
            },
            "thanked",
        ),
        (
            {"m.md": meeting(day="2026-12-01", body="- [ ] Send a thank-you 📅 2026-12-02\n")},
            "met",
        ),
    ],
)
def test_a_contacts_stage_follows_from_the_facts(notes: dict[str, str], stage: str) -> None:
    (jane,) = records({"Contacts/Jane Doe.md": JANE, **notes}).contacts
    assert jane.status == stage


def test_an_explicit_status_always_wins() -> None:
    text = JANE.replace("aliases: [Janey]", "status: Declined")
    (jane,) = records({"Contacts/Jane Doe.md": text, "m.md": meeting(status="done")}).contacts
    assert jane.status == "declined"


def test_contacts_know_their_organisation_and_referrer() -> None:
    text = JANE.replace(
        "aliases: [Janey]", 'organisation: "[[Acme]]"\nreferred_by: "[[Bob Smith]]"\nrole: Analyst'
    )
    org = "---\ntype: organisation\nname: Acme Ltd\naliases: [Acme]\n---\n"
    notes = {"Contacts/Jane Doe.md": text, "Contacts/Bob Smith.md": BOB, "Orgs/Acme Ltd.md": org}
    found = records(notes)
    jane = next(c for c in found.contacts if c.name == "Jane Doe")
    assert (jane.organisation, jane.organisation_note) == ("Acme Ltd", "Orgs/Acme Ltd.md")
    assert (jane.referred_by, jane.role) == ("Bob Smith", "Analyst")
    assert [(i.introducer, i.person, i.suggested) for i in found.introductions] == [
        ("Bob Smith", "Jane Doe", False)
    ]


def test_an_organisation_as_plain_text_is_kept() -> None:
    text = JANE.replace("aliases: [Janey]", "organisation: Globex")
    (jane,) = records({"Contacts/Jane Doe.md": text}).contacts
    assert (jane.organisation, jane.organisation_note) == ("Globex", None)


def test_names_suggested_in_a_meeting_not_yet_contacted() -> None:
    body = (
        "## Names they suggested\n\n<!-- like `[[Their Name]]` -->\n"
        "- [[Carol King]], runs the data team\n- [[Bob Smith]]\n\n## Next steps\n\n- [[Dan]]\n"
    )
    notes = {
        "Contacts/Jane Doe.md": JANE,
        "Contacts/Bob Smith.md": BOB.replace("name: Bob Smith", "name: Bob Smith\nstatus: met"),
        "m.md": meeting(body=body),
    }
    found = records(notes)
    assert [(s.name, s.suggested_by, s.contact_note) for s in found.waiting] == [
        ("Carol King", "Jane Doe", None)
    ]
    assert [(i.introducer, i.person, i.suggested) for i in found.introductions] == [
        ("Jane Doe", "Bob Smith", True),
        ("Jane Doe", "Carol King", True),
    ]


def test_facts_of_an_ordinary_note_are_empty() -> None:
    facts = facts_of(parse_note("---\ntags: [x]\n---\n- [ ] A task 📅 2026-12-01\n", "n.md"))
    assert (facts.person, facts.meeting, facts.tasks) == (None, None, ())


def test_stage_helpers() -> None:
    assert is_thank_you("Send a thank-you to [[Jane]]")
    assert is_thank_you("send thank you note")
    assert not is_thank_you("Remember to send a thank-you")
    assert meeting_status(None) == "planned" and meeting_status(" Canceled ") == "cancelled"
    assert took_place("done", None, TODAY)
    assert not took_place("done", TODAY + dt.timedelta(days=1), TODAY)
    assert not took_place("planned", TODAY, TODAY)  # later today, maybe
    assert contact_stage("  ", scheduled=True, met=False, thanked=False) == "scheduled"


@pytest.mark.parametrize("value", ["  Met ", "", "   ", 3, 2.5, True, None, [1], {"a": 1}])
def test_stages_read_text_as_notes_does(value: object) -> None:
    from vaulttools import notes, stages

    assert stages.as_text(value) == notes.as_text(value)


def test_a_done_meeting_without_a_date_counts_as_met_but_dates_nothing() -> None:
    text = JANE.replace("aliases: [Janey]", "stay_in_touch: 30")
    undated = '---\ntype: meeting\ncontact: "[[Jane Doe]]"\nstatus: done\n---\n'
    found = records({"Contacts/Jane Doe.md": text, "m.md": undated})
    (jane,) = found.contacts
    assert (jane.status, jane.last_met) == ("met", None)
    assert found.followups == []  # no day to count stay_in_touch from

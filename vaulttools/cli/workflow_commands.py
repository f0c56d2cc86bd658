"""The workflow after a meeting: done, snooze, status, referrals, drafts and the report."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from ..errors import UsageError, VaultError
from ..lookup import describe, resolve_contact, resolve_followup, resolve_meeting
from ..model import FollowUp, Meeting, to_json
from ..notes import Note, as_int
from ..stages import APPROACHES, CONTACT_STATUSES
from ..vault import Snapshot, Vault, create_exclusive
from ..wikilinks import readable
from .app import AppState, pass_state
from .options import DATE, TIME

if TYPE_CHECKING:
    from ..index import Index
    from ..model import Suggested

AUTO = "auto"
REPORT_NOTE = "Informational Interviews Report {date}.md"
DERIVED_SOURCES = ("next_contact", "stay_in_touch")


@contextmanager
def _index(state: AppState) -> Iterator[Index]:
    """The vault's index, brought up to date, closed afterwards."""
    from ..index import fresh_index

    with fresh_index(state.vault) as index:
        yield index


def _read_note(vault: Vault, relative: str) -> tuple[Snapshot, str, Note]:
    """A note's bytes (to check before writing), its text and what it says."""
    from ..workflow import Editable

    editable = Editable.read(vault, relative)
    return editable.snapshot, editable.text, editable.note


def _write(snapshot: Snapshot, text: str) -> None:
    snapshot.replace(text.encode("utf-8"))


# done and snooze -------------------------------------------------------------------------


def _find_followup(state: AppState, query: str) -> FollowUp:
    with _index(state) as index:
        return resolve_followup(query, index.followups(include_closed=True, today=state.today))


def _refuse_closed(followup: FollowUp) -> None:
    if followup.done:
        when = f" on {followup.done_on.isoformat()}" if followup.done_on else ""
        raise VaultError(f"{describe(followup)} was already done{when}; nothing was changed.")
    if followup.cancelled:
        raise VaultError(f"{describe(followup)} was cancelled; nothing was changed.")


def _edit_task(state: AppState, followup: FollowUp, edit: Callable[[str, int], str]) -> str:
    """Apply `edit(text, line)` to the follow-up's task line, checked against a fresh read.

    Returns the line as it was, for what the command says afterwards.
    """
    from ..edit import locate_task

    snapshot, text, note = _read_note(state.vault, followup.note)
    task = locate_task(note, followup.id, followup.line, followup.text)
    _write(snapshot, edit(text, task.line))
    return text.removeprefix("\ufeff").split("\n")[task.line]


def _set_next_contact(state: AppState, followup: FollowUp, day: dt.date | None) -> None:
    from ..edit import set_property

    snapshot, text, _ = _read_note(state.vault, followup.note)
    _write(snapshot, set_property(text, "next_contact", day))


def _next_after_done(state: AppState, followup: FollowUp, done_on: dt.date) -> dt.date | None:
    """The day done plus the contact's `stay_in_touch` days; None (clear it) when not set."""
    _, _, note = _read_note(state.vault, followup.note)
    days = as_int(note.properties.get("stay_in_touch"))
    return done_on + dt.timedelta(days=days) if days and days > 0 else None


@click.command("done", short_help="Tick off a follow-up in its note.")
@click.argument("query", metavar="ID")
@click.option("--on", "day", type=DATE, help="The day it was really done (default: today).")
@pass_state
def done_command(state: AppState, query: str, day: dt.date | None) -> None:
    """Tick off a follow-up in its note: `- [x]` and the ✅ date, as Obsidian Tasks does.

    ID is an id that `vault followups` shows, a unique start of one, or words from the
    follow-up's text. Only that task's line changes. --on records the day it was really
    done (a thank-you sent on time and ticked later still counts as on time).

    For a contact's reminder (from `next_contact` or `stay_in_touch`), done sets the
    contact's `next_contact` to today plus its `stay_in_touch` days, or clears it when
    `stay_in_touch` is not set.
    """
    followup = _find_followup(state, query)
    _refuse_closed(followup)
    done_on = _not_in_future(state, day or state.today)
    if followup.source in DERIVED_SOURCES:
        day = _next_after_done(state, followup, done_on)
        _set_next_contact(state, followup, day)
        after = f"next contact {day.isoformat()}" if day else "next_contact cleared"
        click.echo(f"Done: {readable(followup.text)} ({after}, in {followup.note}).")
        return
    from ..edit import is_recurring, tick_task

    line = _edit_task(state, followup, lambda text, at: tick_task(text, at, done_on))
    click.echo(f"Done: {readable(followup.text)} ({followup.id}, in {followup.note}).")
    if is_recurring(line):
        click.echo(
            "vault: this task repeats; vaulttools ticked it but did not add the next "
            "occurrence (ticking it in Obsidian with the Tasks plugin does).",
            err=True,
        )


def _not_in_future(state: AppState, day: dt.date) -> dt.date:
    if day > state.today:
        raise UsageError(f"{day.isoformat()} is still to come; give the day it was done.")
    return day


@click.command("snooze", short_help="Move a follow-up to another day.")
@click.argument("query", metavar="ID")
@click.argument("day", metavar="DATE", type=DATE)
@pass_state
def snooze_command(state: AppState, query: str, day: dt.date) -> None:
    """Move a follow-up's due date to DATE (YYYY-MM-DD, today, tomorrow or a weekday).

    The task's 📅 or [due:: ] date changes (else its ⏳ date; one is added when it has
    neither), and a ⏰ reminder on the old day moves with it. For a contact's reminder,
    the contact's `next_contact` is set to DATE.
    """
    followup = _find_followup(state, query)
    _refuse_closed(followup)
    if followup.source in DERIVED_SOURCES:
        _set_next_contact(state, followup, day)
    else:
        from ..edit import snooze_task

        _edit_task(state, followup, lambda text, line: snooze_task(text, line, day))
    what = f"{readable(followup.text)} ({followup.id}, in {followup.note})"
    click.echo(f"Moved to {day.isoformat()}: {what}.")


# status ------------------------------------------------------------------------------------


@click.command("status", short_help="Set a contact's stage by hand, or back to auto.")
@click.argument("name")
@click.argument("stage", type=click.Choice([*CONTACT_STATUSES, AUTO], case_sensitive=False))
@pass_state
def status_command(state: AppState, name: str, stage: str) -> None:
    """Set the stage of the contact NAME, overriding the one worked out from the vault.

    `auto` empties the contact's `status` property, so that `vault contacts` works the
    stage out again from their meetings and follow-ups.
    """
    from ..edit import set_property

    with _index(state) as index:
        contact = resolve_contact(name, index.contacts(today=state.today))
    stage = stage.casefold()
    snapshot, text, _ = _read_note(state.vault, contact.note)
    _write(snapshot, set_property(text, "status", None if stage == AUTO else stage))
    if stage == AUTO:
        click.echo(f"{contact.name}'s stage will be worked out from the vault ({contact.note}).")
    else:
        click.echo(f"{contact.name} is now {stage} ({contact.note}).")


# referrals ---------------------------------------------------------------------------------


def _suggested(state: AppState, index: Index) -> list[Suggested]:
    """Every name suggested in a meeting note, as the index holds them."""
    return index.records(today=state.today).suggested


def _referral_json(referral: Suggested, created: str | None = None) -> dict[str, Any]:
    data = to_json(referral)
    data.pop("note", None)
    data.pop("contact_note", None)  # a referral has no note yet
    if created is not None:
        data["created"] = created
    return data


@click.command("referrals")
@click.option("--create", is_flag=True, help="Create a contact note for each of them.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array.")
@pass_state
def referrals_command(state: AppState, create: bool, as_json: bool) -> None:
    """Names suggested in meetings that have no note yet.

    A name counts when it is written as a link ([[Their Name]]) under a meeting note's
    heading about suggested names. --create makes their contact notes, with `referred_by`
    set to the person met and `how_we_met` to "Suggested by … (date meeting)".

    JSON keys: name, suggested_by, meeting, date, and created (the new note's path) with
    --create.
    """
    from ..referrals import referrals

    with _index(state) as index:
        found = referrals(_suggested(state, index))
    if create:
        _create_referrals(state, found, as_json)
    elif as_json:
        click.echo(json.dumps([_referral_json(r) for r in found], indent=2, ensure_ascii=False))
    else:
        _print_referrals(found)


def _print_referrals(found: list[Suggested]) -> None:
    if not found:
        click.echo("No suggested names without a note.")
    for referral in found:
        by = f" by {referral.suggested_by}" if referral.suggested_by else ""
        day = f" on {referral.date.isoformat()}" if referral.date else ""
        click.echo(f"{referral.name}: suggested{by}{day} ({referral.meeting})")


def _tick_added(state: AppState, found: list[Suggested], failures: list[str]) -> None:
    """Tick "Add the people … suggested" in each meeting whose names now all have a note."""
    from ..workflow import tick_add_suggested

    if failures:
        return  # which meeting a failure belongs to is not told apart: tick none
    for meeting in sorted({referral.meeting for referral in found}):
        try:
            tick_add_suggested(state.vault, meeting, state.today)
        except VaultError as error:
            click.echo(f"vault: {error}", err=True)


def _remark(state: AppState, referral: Suggested) -> str | None:
    """What the user wrote beside the name in the meeting note, to keep in the new note."""
    from ..referrals import remark_beside

    try:
        _, _, note = _read_note(state.vault, referral.meeting)
    except (OSError, VaultError):
        return None
    return remark_beside(note.body, referral.name)


def _create_referrals(state: AppState, found: list[Suggested], as_json: bool) -> None:
    """Create each contact; one that cannot be created is reported and the rest still are."""
    from ..referrals import contact_request
    from ..scaffold import Scaffolder

    scaffolder = Scaffolder(state.vault, state.today)
    created, failures = [], []
    for referral in found:
        try:
            path = scaffolder.new_contact(contact_request(referral, _remark(state, referral)))
        except VaultError as error:
            failures.append(str(error))
            continue
        created.append(_referral_json(referral, str(path)))
        if not as_json:
            click.echo(path)
    _tick_added(state, found, failures)
    if as_json:
        click.echo(json.dumps(created, indent=2, ensure_ascii=False))
    elif not found:
        click.echo("No suggested names without a note.")
    for failure in failures:
        click.echo(f"vault: {failure}", err=True)
    if failures:
        raise click.exceptions.Exit(1)


# drafts ------------------------------------------------------------------------------------


@click.group("draft", short_help="Draft a request for a conversation, or a thank-you.")
def draft_group() -> None:
    """Write a message from your templates: a request for a conversation, or a thank-you.

    Drafts use [me] in .vaulttools/config.toml and print to stdout; edit
    draft-request.txt.j2 and draft-thanks.txt.j2 in your templates folder to change them.
    """


_MAILTO = click.option(
    "--mailto", is_flag=True, help="Print a mailto: link with the subject and body filled in."
)


def _emit(rendered: str, template: str, to: str | None, mailto: bool) -> None:
    from ..drafts import parse_draft

    draft = parse_draft(rendered, template, to)
    click.echo(draft.mailto() if mailto else draft.text(), nl=mailto)


def _renderer(state: AppState) -> Any:
    from ..templates import Renderer

    return Renderer.for_dir(state.vault.path(state.vault.config.folders.templates))


def _warn_missing_me(values: dict[str, Any], needed: tuple[str, ...]) -> None:
    from ..drafts import missing_me

    missing = missing_me(values, needed)
    if missing:
        keys = ", ".join(missing)
        click.echo(
            f"vault: tip: set {keys} under [me] in .vaulttools/config.toml for a fuller draft.",
            err=True,
        )


@draft_group.command("request", short_help="Ask someone for a short conversation.")
@click.argument("name")
@_MAILTO
@pass_state
def draft_request_command(state: AppState, name: str, mailto: bool) -> None:
    """A message asking NAME for a 20–30 minute conversation about their work."""
    from ..drafts import REQUEST_NEEDS, REQUEST_TEMPLATE, request_values

    with _index(state) as index:
        contact = resolve_contact(name, index.contacts(today=state.today))
    _, _, note = _read_note(state.vault, contact.note)
    values = request_values(state.vault.config.me, note)
    _warn_missing_me(values, REQUEST_NEEDS)
    rendered = _renderer(state).render(REQUEST_TEMPLATE, values)
    _emit(rendered, REQUEST_TEMPLATE, values["contact"]["email"], mailto)
    click.echo(
        f"vault: once it is sent, 'vault contacted \"{contact.name}\"' logs it and reminds you "
        "to chase a non-reply.",
        err=True,
    )


@draft_group.command("thanks", short_help="Thank someone after a conversation.")
@click.argument("meeting")
@_MAILTO
@pass_state
def draft_thanks_command(state: AppState, meeting: str, mailto: bool) -> None:
    """A thank-you for MEETING (a meeting note's name, or the person met: their latest).

    It mentions the first points under the note's "Notes" heading, thanks them for the
    names they suggested, and asks to stay in touch.
    """
    from ..drafts import THANKS_NEEDS, THANKS_TEMPLATE, thanks_values

    with _index(state) as index:
        found = resolve_meeting(meeting, index.meetings(today=state.today), state.today)
    _, _, note = _read_note(state.vault, found.note)
    person = _read_note(state.vault, found.contact_notes[0])[2] if found.contact_notes else None
    me = state.vault.config.me
    values = thanks_values(me, note, person, found.contact or "", state.today)
    _warn_missing_me(values, THANKS_NEEDS)
    if found.date and found.date > state.today:
        click.echo(f"vault: note that this conversation is still to come ({found.note}).", err=True)
    rendered = _renderer(state).render(THANKS_TEMPLATE, values)
    _emit(rendered, THANKS_TEMPLATE, values["contact"]["email"], mailto)


# report ------------------------------------------------------------------------------------


@click.command("report")
@click.option("--markdown", is_flag=True, help="Write the report as a note and print its path.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@pass_state
def report_command(state: AppState, markdown: bool, as_json: bool) -> None:
    """What your search has covered so far, and what to do next.

    People met and planned, organisations and roles covered, conversations per month,
    thank-yous sent on time (ticked ✅ by the day after the conversation) or late, names
    suggested and followed up (their contact is past `prospect`), and overdue follow-ups.
    It warns when your conversations come from fewer than three organisations.

    Conversations are your meeting notes: one marked done, or still planned for a day
    that has passed, counts as held; cancelled ones do not count.

    --markdown writes "Informational Interviews Report YYYY-MM-DD.md" at the vault's top
    level (never over an existing note).

    JSON keys: today, conversations, met and planned (each person's name, note,
    organisation, role, conversations, date), organisations, roles, per_month
    (YYYY-MM: count), thank_yous (counts: on_time, late, undated, pending, not_sent,
    none), thank_you_details, suggested (name, suggested_by, meeting, date, note,
    followed_up), suggested_count, followed_up_count, overdue (follow-ups), warnings.
    """
    from ..report import build_report, render_markdown, render_text, report_json

    if markdown and as_json:
        raise UsageError("Choose one of --markdown and --json.")
    with _index(state) as index:
        report = build_report(
            index.meetings(today=state.today),
            index.contacts(today=state.today),
            index.followups(include_closed=True, today=state.today),
            _suggested(state, index),
            state.today,
        )
    if as_json:
        click.echo(json.dumps(report_json(report), indent=2, ensure_ascii=False))
    elif markdown:
        path = state.vault.path(REPORT_NOTE.format(date=state.today.isoformat()))
        create_exclusive(path, render_markdown(report))
        click.echo(path)
    else:
        click.echo(render_text(report), nl=False)


# reaching out, moving and cancelling meetings ----------------------------------------------


@click.command("contacted", short_help="Log that you reached out to someone.")
@click.argument("name")
@click.option("--via", type=click.Choice(APPROACHES), default="email", show_default=True,
              help="How you reached out.")  # fmt: skip
@click.option("--on", "day", type=DATE, help="When (default: today).")
@click.option("--chase", "chase_days", type=click.IntRange(min=0), metavar="DAYS",
              help="Days to wait for a reply before chasing (default 7, a setting).")  # fmt: skip
@pass_state
def contacted_command(
    state: AppState, name: str, via: str, day: dt.date | None, chase_days: int | None
) -> None:
    """Log an approach to NAME: a line in their conversation log, their stage set to
    contacted (with the date, in `contacted`) while they were a prospect, and a follow-up
    to chase a non-reply after --chase days. A reply is logged the same way, or by
    booking the conversation with `vault new-meeting` (which settles the chase).
    """
    from ..workflow import Approach, log_approach

    with _index(state) as index:
        contact = resolve_contact(name, index.contacts(today=state.today))
    days = state.vault.config.workflow.chase_days if chase_days is None else chase_days
    approach = Approach(via, _not_in_future(state, day or state.today), days)
    logged = log_approach(state.vault, contact, approach)
    stage = "now contacted" if logged.stage_set else f"still {contact.status}"
    click.echo(f"Logged: {logged.log_line} ({contact.note}); {contact.name} is {stage}.")
    if logged.chase:
        due = logged.chase.split("📅 ", 1)[1][:10]
        click.echo(f"A reminder to chase a non-reply is due {due}.")


@click.command("reschedule", short_help="Move a meeting and its follow-ups to another day.")
@click.argument("meeting")
@click.argument("day", metavar="DATE", type=DATE)
@click.option("--time", "time_", type=TIME, help="The new start time, HH:MM.")
@pass_state
def reschedule_command(state: AppState, meeting: str, day: dt.date, time_: str | None) -> None:
    """Move MEETING to DATE, and its open follow-ups by the same number of days.

    MEETING is the meeting note's name, or the name of a person you have one planned
    meeting with. The note's `date` (and `time`), its follow-ups' dates and its "When:"
    line (while it says the old date) change; its file name keeps the first date, so links
    to it still work.
    """
    from ..workflow import reschedule_meeting

    found = _planned_meeting(state, meeting)
    days, moved = reschedule_meeting(state.vault, found, day, time_)
    when = day.isoformat() + (f" at {time_}" if time_ else "")
    click.echo(f"Moved {found.note} to {when} ({days:+d} days), with {_plural(moved)}.")


@click.command("cancel", short_help="Cancel a meeting and its open follow-ups.")
@click.argument("meeting")
@pass_state
def cancel_command(state: AppState, meeting: str) -> None:
    """Cancel MEETING: its `status` becomes cancelled, and its open follow-ups are
    cancelled in the note (`- [-]` and today's ❌ date, as Obsidian Tasks does).

    MEETING is the meeting note's name, or the name of a person you have one planned
    meeting with.
    """
    from ..workflow import cancel_meeting

    found = _planned_meeting(state, meeting)
    cancelled = cancel_meeting(state.vault, found, state.today)
    click.echo(f"Cancelled {found.note}, with {_plural(cancelled)}.")


def _planned_meeting(state: AppState, query: str) -> Meeting:
    from ..lookup import resolve_planned_meeting

    with _index(state) as index:
        return resolve_planned_meeting(query, index.meetings(today=state.today))


def _plural(followups: list[str]) -> str:
    return f"{len(followups)} follow-up" + ("" if len(followups) == 1 else "s")


def register(group: click.Group) -> None:
    """Add this module's commands to the `vault` group."""
    for command in (
        contacted_command,
        reschedule_command,
        cancel_command,
        done_command,
        snooze_command,
        status_command,
        referrals_command,
        draft_group,
        report_command,
    ):
        group.add_command(command)

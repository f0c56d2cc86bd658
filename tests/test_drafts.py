"""`vault draft request` and `vault draft thanks`: what the messages say, and `--mailto`."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from pathlib import Path

import pytest

from vaulttools.cli.app import AppState
from vaulttools.drafts import Draft, discussed_points, join_names, when_phrase
from vaulttools.notes import parse_note

from .conftest import RunVault

TODAY = dt.date(2026, 12, 2)
ME = """
[me]
name = "Sam Rivers"
email = "sam@example.org"
about = "a final-year computer science student"
field = "data engineering"
"""


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(AppState, "today", property(lambda self: TODAY))


def set_me(vault: Path) -> None:
    config = vault / ".vaulttools" / "config.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.split("[me]")[0] + ME.lstrip(), encoding="utf-8")


@pytest.fixture
def people(vault: Path, in_vault: RunVault) -> Path:
    set_me(vault)
    in_vault("new-contact", "Ann Lee")
    in_vault(
        "new-contact", "Jane Doe", "--org", "Acme Ltd", "--role", "Data Engineer",
        "--email", "jane@acme.example", "--referred-by", "Ann Lee",
    )  # fmt: skip
    result = in_vault("new-meeting", "Jane Doe", "--date", "2026-12-01")
    meeting = Path(result.output.strip().splitlines()[-1])
    text = meeting.read_text(encoding="utf-8")
    text = text.replace(
        "## Notes\n\n",
        "## Notes\n\n- Most weeks go on [[dbt]] pipelines and reviews\n"
        "- The [[Graduate Scheme|graduate scheme]] opens in March.\n- SQL matters more than Spark\n"
        "- A fourth point that is left out\n\n",
    )
    text = text.replace("## Names they suggested\n", "## Names they suggested\n\n- [[Bob Smith]]\n")
    meeting.write_text(text, encoding="utf-8")
    return meeting


def test_request_does_what_the_workflow_asks(in_vault: RunVault, people: Path) -> None:
    result = in_vault("draft", "request", "jane")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("Subject: Could I ask you about your work in data engineering?\n\n")
    assert "Hello Jane," in text
    assert "My name is Sam Rivers, and I am a final-year computer science student." in text
    assert "Ann Lee suggested you" in text  # how I got their name
    assert "not asking about jobs" in text  # research, not a job request
    assert "20 to 30 minutes" in text and "whatever time suits you" in text
    assert "as Data Engineer at Acme Ltd" in text
    assert text.rstrip().endswith("Sam Rivers\nsam@example.org")
    # no tip about [me], only how to record the approach once it is sent
    assert result.stderr.splitlines() == [
        "vault: once it is sent, 'vault contacted \"Jane Doe\"' logs it and reminds you "
        "to chase a non-reply."
    ]


def test_request_uses_how_we_met_without_a_referrer(in_vault: RunVault, vault: Path) -> None:
    set_me(vault)
    in_vault("new-contact", "Kai Moana", "--how-met", "the Wellington data meetup")
    text = in_vault("draft", "request", "Kai Moana").stdout
    assert "I came across your name through the Wellington data meetup." in text


def test_request_without_me_settings_still_works_and_says_what_to_set(
    in_vault: RunVault,
) -> None:
    in_vault("new-contact", "Kai Moana")
    result = in_vault("draft", "request", "Kai Moana")
    assert result.exit_code == 0
    assert "My name is" not in result.stdout and "your field" in result.stdout
    assert "set name, about, field under [me]" in result.stderr


def test_thanks_mentions_what_was_discussed_and_asks_to_stay_in_touch(
    in_vault: RunVault, people: Path
) -> None:
    result = in_vault("draft", "thanks", "Jane Doe")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("Subject: Thank you for your time (Sam Rivers)\n\nHello Jane,\n")
    assert "talk with me yesterday" in text
    assert "- Most weeks go on dbt pipelines and reviews\n" in text
    assert "- The graduate scheme opens in March\n" in text
    assert "- SQL matters more than Spark\n" in text and "fourth point" not in text
    assert "suggesting I talk to Bob Smith" in text
    assert "stay in touch" in text


def test_thanks_by_meeting_note_name(in_vault: RunVault, people: Path) -> None:
    by_note = in_vault("draft", "thanks", people.stem)
    assert by_note.exit_code == 0 and "Hello Jane," in by_note.stdout


def test_thanks_for_an_unknown_meeting_is_one_sentence(in_vault: RunVault, people: Path) -> None:
    result = in_vault("draft", "thanks", "Nobody")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "No meeting note" in result.stderr


def test_mailto_has_address_subject_and_body(in_vault: RunVault, people: Path) -> None:
    text = in_vault("draft", "request", "Jane Doe").stdout
    link = in_vault("draft", "request", "Jane Doe", "--mailto").stdout.strip()
    parsed = urllib.parse.urlsplit(link)
    assert parsed.scheme == "mailto" and parsed.path == "jane@acme.example"
    assert " " not in link and "\n" not in link
    query = urllib.parse.parse_qs(parsed.query)
    subject, body = query["subject"][0], query["body"][0]
    assert f"Subject: {subject}\n\n{body.replace(chr(13), '')}\n" == text
    assert "%0D%0A" in link  # RFC 6068: line breaks in a body are CRLF


def test_mailto_without_an_email_address() -> None:
    link = Draft("Hi & bye?", "Line one\nLine two\n").mailto()
    assert link == "mailto:?subject=Hi%20%26%20bye%3F&body=Line%20one%0D%0ALine%20two"


def test_users_template_wins_and_a_broken_one_is_reported(
    in_vault: RunVault, vault: Path, people: Path
) -> None:
    template = vault / ".vaulttools" / "templates" / "draft-request.txt.j2"
    template.write_text("Subject: Coffee?\n\nHi {{ contact.first_name }} from {{ me.name }}\n")
    assert in_vault("draft", "request", "Jane Doe").stdout == (
        "Subject: Coffee?\n\nHi Jane from Sam Rivers\n"
    )
    template.write_text("Hi {{ contact.first_name }}\n")
    missing = in_vault("draft", "request", "Jane Doe")
    assert missing.exit_code == 1 and "must start with a 'Subject:' line" in missing.stderr
    template.write_text("Subject: x\n\n{{ nonsense }}\n")
    undefined = in_vault("draft", "request", "Jane Doe")
    assert undefined.exit_code == 1 and "nonsense" in undefined.stderr
    assert "Traceback" not in undefined.output


def test_discussed_points_skip_template_prompts() -> None:
    note = parse_note(
        "---\ntype: meeting\n---\n## Notes\n\n<!-- Jot down what you hear -->\n\n## Reflection\n",
        "m.md",
    )
    assert discussed_points(note) == []


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (TODAY, "today"),
        (TODAY - dt.timedelta(days=1), "yesterday"),
        (dt.date(2026, 11, 27), "on Friday 27 November"),
        (None, "recently"),
    ],
)
def test_when_phrase(day: dt.date | None, expected: str) -> None:
    assert when_phrase(day, TODAY) == expected


def test_join_names() -> None:
    assert [join_names(n) for n in ([], ["A"], ["A", "B"], ["A", "B", "C"])] == [
        "",
        "A",
        "A and B",
        "A, B and C",
    ]


def test_thanks_for_a_conversation_still_to_come_says_so(in_vault: RunVault, people: Path) -> None:
    in_vault("new-contact", "Lee Park")
    in_vault("new-meeting", "Lee Park", "--date", "2026-12-20")
    result = in_vault("draft", "thanks", "Lee Park")
    assert result.exit_code == 0
    assert "still to come" in result.stderr and "Hello Lee," in result.stdout

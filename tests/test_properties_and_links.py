"""Properties as Obsidian writes them, and links as Obsidian resolves them."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import RunVault

MEETING = "---\ntype: meeting\n{props}\n---\n# Conversation\n\n## Names they suggested\n\n{body}\n"


def write(vault: Path, relative: str, text: str) -> Path:
    path = vault / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def listed(in_vault: RunVault, *args: str) -> list[dict]:
    result = in_vault(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a_date_time_property_gives_a_timed_meeting(vault: Path, in_vault: RunVault) -> None:
    in_vault("new-contact", "Jane Doe")
    props = 'contact: "[[Jane Doe]]"\ndate: 2026-11-21T14:30:00'
    write(vault, "Meetings/Jane.md", MEETING.format(props=props, body=""))
    (meeting,) = listed(in_vault, "meetings")
    assert (meeting["date"], meeting["time"]) == ("2026-11-21", "14:30")
    props = 'contact: "[[Jane Doe]]"\ndate: 2026-11-22T09:05'  # as Obsidian writes it
    write(vault, "Meetings/Jane.md", MEETING.format(props=props, body=""))
    (meeting,) = listed(in_vault, "meetings")
    assert (meeting["date"], meeting["time"]) == ("2026-11-22", "09:05")


def test_list_properties_are_read_as_obsidian_writes_them(vault: Path, in_vault: RunVault) -> None:
    in_vault("new-contact", "Ana Lima")
    in_vault("new-org", "Acme Ltd")
    write(
        vault,
        "Contacts/Jane Doe.md",
        '---\ntype:\n  - contact\norganisation:\n  - "[[Acme Ltd]]"\nreferred_by:\n'
        '  - "[[Ana Lima]]"\n---\n- [ ] Call Jane 📅 2026-12-01\n',
    )
    jane = next(c for c in listed(in_vault, "contacts") if c["name"] == "Jane Doe")
    assert (jane["organisation"], jane["referred_by"]) == ("Acme Ltd", "Ana Lima")
    assert jane["next_followup"] == "2026-12-01"
    assert [f["text"] for f in listed(in_vault, "followups")] == ["Call Jane"]


def test_an_unquoted_link_property_is_the_link_and_check_shows_the_quoted_form(
    vault: Path, in_vault: RunVault
) -> None:
    in_vault("new-contact", "Jane Doe")
    write(
        vault,
        "Meetings/Jane.md",
        MEETING.format(props="contact: [[Jane Doe]]\ndate: 2026-12-01", body=""),
    )
    (meeting,) = listed(in_vault, "meetings")
    assert meeting["contact"] == "Jane Doe"
    result = in_vault("check")
    assert (
        "Meetings/Jane.md: has contact: [[Jane Doe]] without quotes, which YAML reads as a "
        'list in a list: write contact: "[[Jane Doe]]"'
    ) in result.output


def test_an_escaped_pipe_in_a_table_is_the_link_s_pipe(vault: Path, in_vault: RunVault) -> None:
    in_vault("new-contact", "Jane Doe")
    body = "| Name | Why |\n| --- | --- |\n| [[Sam Lee\\|Sam]] | data team |\n"
    write(vault, "Meetings/Jane.md", MEETING.format(props='contact: "[[Jane Doe]]"', body=body))
    assert [r["name"] for r in listed(in_vault, "referrals")] == ["Sam Lee"]
    result = in_vault("referrals", "--create")
    assert result.exit_code == 0, result.output
    assert (vault / "Contacts" / "Sam Lee.md").is_file()


def test_check_says_where_vaulttools_resolves_a_link_obsidian_does_not(
    vault: Path, in_vault: RunVault
) -> None:
    in_vault("new-contact", "Jane Doe")
    in_vault("new-contact", "José Álvarez")
    write(vault, "Contacts/Jane Doe.md", "---\ntype: contact\naliases: [JD]\n---\n")
    write(vault, "Meetings/A.md", MEETING.format(props='contact: "[[JD]]"', body=""))
    write(vault, "Meetings/B.md", MEETING.format(props='contact: "[[jane  doe]]"', body=""))
    write(
        vault, "Meetings/C.md", MEETING.format(props='contact: "[[Jose\u0301 Álvarez]]"', body="")
    )
    write(vault, "Meetings/D.md", MEETING.format(props='contact: "[[JANE DOE]]"', body=""))
    output = in_vault("check").output
    for note, target, name in (
        ("A", "JD", "Jane Doe"),
        ("B", "jane  doe", "Jane Doe"),
        ("C", "Jose\u0301 Álvarez", "José Álvarez"),
    ):
        assert (
            f"Meetings/{note}.md: links its contact to [[{target}]], which vaulttools finds in "
            f"Contacts/{name}.md but Obsidian does not: write [[{name}]]"
        ) in output
    assert "Meetings/D.md" not in output  # Obsidian ignores case too


def test_check_says_where_a_follow_up_links_its_person_only_as_vaulttools_reads_names(
    vault: Path, in_vault: RunVault
) -> None:
    in_vault("new-contact", "José Álvarez")
    tasks = (
        "- [ ] Thank [[jose alvarez]] 📅 2026-12-01\n"  # accents folded: Obsidian finds no note
        "- [ ] Call [[josé álvarez|José]] 📅 2026-12-02\n"  # case alone: Obsidian finds it
    )
    write(vault, "Contacts/Ana.md", "---\ntype: contact\nname: Ana\n---\n" + tasks)
    output = in_vault("check").output
    assert (
        "Contacts/Ana.md: has a task on line 5 that links [[jose alvarez]], which vaulttools "
        "finds in Contacts/José Álvarez.md but Obsidian does not: write [[José Álvarez]]"
    ) in output
    assert "line 6" not in output

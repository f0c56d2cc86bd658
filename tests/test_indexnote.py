"""The index note: regenerated between markers, the user's own text kept, written on change."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from vaulttools.errors import VaultError
from vaulttools.followups import Introduction
from vaulttools.index import fresh_index, write_index_note
from vaulttools.indexnote import END, START, mermaid_graph, splice

from .vaultbuilders import TODAY, contact, day, make_vault, meeting, write

pytestmark = pytest.mark.usefixtures("frozen_today")  # dates counted from TODAY


def test_splice_creates_a_new_note_with_a_heading() -> None:
    text = splice(None, "## Follow-ups\n\nnone", "Informational Interviews")
    assert text.startswith("# Informational Interviews\n\n" + START + "\n")
    assert text.endswith(f"## Follow-ups\n\nnone\n\n{END}\n")


def test_splice_replaces_only_between_the_markers() -> None:
    existing = f"My intro.\n\n{START}\nold stuff\n{END}\n\nMy own notes after.\n"
    text = splice(existing, "new stuff", "x")
    assert text.startswith(f"My intro.\n\n{START}\n")
    assert "old stuff" not in text and "new stuff" in text
    assert text.endswith(f"{END}\n\nMy own notes after.\n")


def test_splice_appends_to_a_note_without_markers_and_keeps_crlf_and_bom() -> None:
    existing = "\ufeffMy own heading\r\nSome text\r\n"
    text = splice(existing, "section", "x")
    assert text.startswith("\ufeffMy own heading\r\nSome text\r\n\r\n" + START + "\r\n")
    assert "\n" not in text.replace("\r\n", "")


def test_splice_keeps_the_users_text_byte_for_byte() -> None:
    before = "Mixed\r\nline\nendings  \n\n\n"
    after = "\nAfter, no final newline"
    existing = f"{before}{START}\nold\n{END}{after}"
    text = splice(existing, "new", "x")
    assert text.startswith(before) and text.endswith(END + after)
    assert "\r\nnew\r\n" in text  # the section takes the note's CRLF


def test_splice_refuses_markers_out_of_order() -> None:
    with pytest.raises(VaultError, match=r"Index\.md has its markers out of order"):
        splice(f"{END}\n{START}\n", "x", "x", where="Index.md")
    with pytest.raises(VaultError, match="markers"):
        splice(f"{START}\nno end\n", "x", "x")


def test_mermaid_labels_are_escaped_and_suggestions_dashed() -> None:
    graph = mermaid_graph(
        [Introduction('Ann "AJ" Lee', "Bob"), Introduction("Bob", "Cé <C>", suggested=True)]
    )
    assert graph.splitlines() == [
        "```mermaid",
        "flowchart LR",
        '    p1["Ann #quot;AJ#quot; Lee"]',
        '    p2["Bob"]',
        '    p3["Cé #lt;C#gt;"]',
        "    p1 --> p2",
        "    p2 -.-> p3",
        "```",
    ]


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    make_vault(root)
    write(root, "Orgs/Acme.md", "---\ntype: organisation\nname: Acme Ltd\n---\n")
    write(root, "Contacts/Jane Doe.md", contact("Jane Doe", organisation='"[[Acme]]"', role="Dev"))
    write(root, "Contacts/Bob.md", contact("Bob Smith", referred_by='"[[Jane Doe]]"'))
    body = (
        "## Names they suggested\n- [[Carol King]]\n\n## Next steps\n"
        f"- [ ] Send a thank-you to [[Jane Doe]] 📅 {day(-2)}\n"
        f"- [ ] Connect online 📅 {day(3)}\n"
    )
    write(root, "Meetings/past.md", meeting("[[Jane Doe]]", day(-3), body, status="done"))
    write(root, "Meetings/next.md", meeting("[[Bob]]", day(4), time="'14:00'"))
    return root


def test_the_index_note_shows_follow_ups_people_meetings_suggestions_and_introductions(
    vault_dir: Path,
) -> None:
    vault = make_vault(vault_dir)
    with fresh_index(vault) as index:
        assert write_index_note(vault, index, TODAY)
    text = (vault_dir / "Informational Interviews.md").read_text()
    assert f"- **{day(-2)}** (overdue) Send a thank-you to [[Jane Doe]] · Jane Doe" in text
    assert f"- **{day(3)}** Connect online · Jane Doe · [[Meetings/past|note]]" in text
    assert "2 people at 1 organisation." in text
    assert "### Acme Ltd" in text
    assert f"| [[Contacts/Jane Doe\\|Jane Doe]] | Dev | met | {day(-3)} |" in text
    assert "| [[Contacts/Bob\\|Bob Smith]] |  | scheduled |  |" in text
    assert f"- **{day(4)} 14:00** Bob Smith · planned · [[Meetings/next|note]]" in text
    assert f"- **{day(-3)}** Jane Doe at Acme Ltd · done · [[Meetings/past|note]]" in text
    assert "- **Carol King**, suggested by Jane Doe (no note yet)" in text
    assert "p3 --> p1" in text and "p3 -.-> p2" in text  # Jane introduced Bob; suggested Carol
    assert "- [ ]" not in text.split(START)[1]  # no tasks the Tasks plugin would list twice


def test_the_index_note_keeps_the_users_text_and_is_written_only_on_change(
    vault_dir: Path,
) -> None:
    vault = make_vault(vault_dir)
    note = vault_dir / "Informational Interviews.md"
    note.write_text(f"# Mine\n\nIntro I wrote.\n\n{START}\n{END}\n\nOutro I wrote.\n")
    with fresh_index(vault) as index:
        assert write_index_note(vault, index, TODAY)
        written = note.read_bytes()
        stat_before = note.stat().st_mtime_ns
        assert not write_index_note(vault, index, TODAY)
        assert note.stat().st_mtime_ns == stat_before
        report = index.sync()
        assert report.read == 0  # the note it wrote was indexed straight away
    text = written.decode()
    assert text.startswith("# Mine\n\nIntro I wrote.\n\n" + START)
    assert text.endswith(END + "\n\nOutro I wrote.\n")


def test_a_new_day_rewrites_what_is_overdue(vault_dir: Path) -> None:
    vault = make_vault(vault_dir)
    with fresh_index(vault) as index:
        write_index_note(vault, index, TODAY)
        assert write_index_note(vault, index, TODAY + dt.timedelta(days=5))
    assert (
        f"**{day(3)}** (overdue) Connect online"
        in (vault_dir / "Informational Interviews.md").read_text()
    )


def test_an_empty_vault_gets_a_friendly_index_note(tmp_path: Path) -> None:
    vault = make_vault(tmp_path / "v")
    with fresh_index(vault) as index:
        write_index_note(vault, index, TODAY)
    text = (tmp_path / "v" / "Informational Interviews.md").read_text()
    for line in ("_Nothing to follow up._", "_No contacts yet._", "_No meetings yet._"):
        assert line in text

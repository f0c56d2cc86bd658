"""`vault init` and `vault new-*`, driven through the real CLI over temporary vaults."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import frontmatter
import pytest

from vaulttools.config import Config, system_timezone_name
from vaulttools.notes import parse_note

from .conftest import RunVault
from .vaultbuilders import TODAY

pytestmark = pytest.mark.usefixtures("frozen_today")  # dates counted from TODAY

DATA = Path(__file__).parent / "data"


def created_path(output: str) -> Path:
    """The path a create command printed on its last line."""
    return Path(output.strip().splitlines()[-1])


def normalised(text: str) -> str:
    """A note with its random ids and today's date replaced, to compare with a reference file."""
    text = re.sub(r"^id: (ct|mt|org)-[a-z0-9]{6}$", r"id: \1-XXXXXX", text, flags=re.M)
    text = re.sub(r"\^fu-[a-z0-9]{4}$", "^fu-XXXX", text, flags=re.M)
    return text.replace(TODAY.isoformat(), "TODAY")


# --- vault init --------------------------------------------------------------------------------


def test_init_creates_config_templates_and_folders(vault: Path) -> None:
    for folder in ("Contacts", "Meetings", "Organisations"):
        assert (vault / folder).is_dir()
    templates = vault / ".vaulttools" / "templates"
    assert {p.name for p in templates.iterdir()} >= {
        "contact.md.j2",
        "meeting.md.j2",
        "organisation.md.j2",
        "questions.yaml",
    }


def test_config_has_every_setting_each_with_a_comment(vault: Path) -> None:
    text = (vault / ".vaulttools" / "config.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    defaults = Config()
    for setting, value in defaults._asdict().items():
        if hasattr(value, "_fields"):  # a section
            assert set(data[setting]) == set(value._fields)
        elif setting == "timezone":  # written out: this computer's zone
            assert data["timezone"] == system_timezone_name()
        else:
            assert data[setting] == value
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if re.match(r"^[a-z_]+ = ", line):
            assert lines[number - 1].startswith("#"), f"no comment above {line!r}"


def test_init_twice_changes_nothing(vault: Path, run: RunVault) -> None:
    before = snapshot(vault)
    result = run("init", vault)
    assert result.exit_code == 0
    assert "already a vault" in result.output
    assert snapshot(vault) == before


def test_init_adopts_obsidian_vault_without_touching_its_files(
    tmp_path: Path, run: RunVault
) -> None:
    root = tmp_path / "Obsidian"
    (root / ".obsidian").mkdir(parents=True)
    (root / ".obsidian" / "app.json").write_text('{"theme": "dark"}')
    (root / "Contacts").mkdir()
    (root / "Contacts" / "Old Friend.md").write_bytes(b"---\r\ntype: contact\r\n---\r\nhi")
    (root / "Daily.md").write_text("# my own note\n")
    before = snapshot(root)
    assert run("init", root).exit_code == 0
    after = snapshot(root)
    assert {path: data for path, data in after.items() if path in before} == before
    assert (root / ".vaulttools" / "config.toml").is_file()


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


# --- finding the vault -------------------------------------------------------------------------


def test_vault_is_found_by_walking_up(
    vault: Path, run: RunVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(vault / "Contacts")
    result = run("new-contact", "Walker")
    assert result.exit_code == 0, result.output
    assert (vault / "Contacts" / "Walker.md").is_file()


def test_vault_is_found_from_environment(
    vault: Path, run: RunVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VAULT_DIR", str(vault))
    monkeypatch.chdir(vault.parent)
    assert run("new-contact", "Env Person").exit_code == 0
    assert (vault / "Contacts" / "Env Person.md").is_file()


def test_no_vault_is_one_clear_sentence(
    tmp_path: Path, run: RunVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("new-contact", "Nobody")
    assert result.exit_code == 1
    assert result.stderr.startswith("vault: No vault here")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_vault_option_naming_a_plain_folder_is_an_error(tmp_path: Path, run: RunVault) -> None:
    result = run("--vault", tmp_path, "new-contact", "X")
    assert result.exit_code == 1
    assert "is not a vault" in result.stderr


# --- new-contact --------------------------------------------------------------------------------


def test_new_contact_matches_reference(in_vault: RunVault) -> None:
    result = in_vault(
        "new-contact", "Jane Doe", "--org", "Acme Ltd", "--role", "Data Engineer",
        "--email", "jane@example.org", "--how-met", "Wellington Python meetup", "--tag", "data",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    path = created_path(result.output)
    assert path.name == "Jane Doe.md"
    expected = (DATA / "contact-jane-doe.md").read_text(encoding="utf-8")
    assert normalised(path.read_text(encoding="utf-8")) == expected


def test_new_contact_front_matter_reads_back_as_obsidian_properties(in_vault: RunVault) -> None:
    result = in_vault(
        "new-contact", "Jane Doe", "--org", "Acme Ltd", "--tag", "data", "--tag", "ai"
    )
    post = frontmatter.load(created_path(result.output))
    assert post["type"] == "contact"
    assert post["name"] == "Jane Doe"
    assert post["organisation"] == "[[Acme Ltd]]"
    assert post["tags"] == ["data", "ai"]
    assert post["aliases"] == []
    assert post["created"] == TODAY
    assert re.fullmatch(r"ct-[a-z0-9]{6}", post["id"])
    assert post["status"] is None  # worked out from the facts until the user sets it


def test_tags_with_commas_and_odd_text_stay_whole(in_vault: RunVault) -> None:
    tags = ["a, b", "[x]", "yes", "0o17"]
    result = in_vault("new-contact", "Tagged", *[arg for tag in tags for arg in ("--tag", tag)])
    assert frontmatter.load(created_path(result.output))["tags"] == tags


def test_referred_by_links_the_existing_contact_note(in_vault: RunVault, vault: Path) -> None:
    in_vault("new-contact", "Ana Lima")
    result = in_vault("new-contact", "Sam Reid", "--referred-by", "ana lima")
    assert frontmatter.load(created_path(result.output))["referred_by"] == "[[Ana Lima]]"


def test_every_contact_gets_its_own_id(in_vault: RunVault) -> None:
    ids = {frontmatter.load(created_path(in_vault("new-contact", n).output))["id"] for n in "ABCD"}
    assert len(ids) == 4


@pytest.mark.parametrize("existing", ["Jane Doe", "jane doe", "JANE  DOE"])
def test_same_name_is_refused_and_file_untouched(
    in_vault: RunVault, vault: Path, existing: str
) -> None:
    in_vault("new-contact", "Jane Doe", "--role", "First")
    note = vault / "Contacts" / "Jane Doe.md"
    before = note.read_bytes()
    result = in_vault("new-contact", existing, "--role", "Second")
    assert result.exit_code == 1
    assert "already exists" in result.stderr and str(note) in result.stderr
    assert note.read_bytes() == before
    assert len(list((vault / "Contacts").iterdir())) == 1


def test_names_are_compared_after_unicode_normalisation(in_vault: RunVault, vault: Path) -> None:
    assert in_vault("new-contact", "José").exit_code == 0
    for same in ("Jose\u0301", "josé", "JOSÉ"):
        result = in_vault("new-contact", same)
        assert result.exit_code == 1, same
    assert [p.name for p in (vault / "Contacts").iterdir()] == ["José.md"]


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ('Ana/B: "Q" <x>|y?*', "Ana B Q x y"),
        ("[[Bob]] #1 ^a", "Bob 1 a"),
        ("..hidden", "hidden"),
        ("CON", "CON_"),
        ("lpt1.txt", "lpt1.txt_"),
        ("trailing dots...", "trailing dots"),
        ("a\\..\\..\\escape", "a .. .. escape"),
        ("../../outside", "outside"),
    ],
)
def test_odd_names_become_safe_file_names(
    in_vault: RunVault, vault: Path, name: str, stem: str
) -> None:
    result = in_vault("new-contact", name)
    assert result.exit_code == 0, result.output
    path = created_path(result.output)
    assert path == vault / "Contacts" / f"{stem}.md"
    assert frontmatter.load(path)["name"] == name


@pytest.mark.parametrize(
    "name",
    ["{{ 7*7 }}", "yes", "no", "null", "123", "2026-01-01", "a: b", "#x", "0\xa0", "0o17", "0E0"],
)
def test_names_are_data_not_code_or_yaml(in_vault: RunVault, name: str) -> None:
    result = in_vault("new-contact", name)
    assert result.exit_code == 0, result.output
    text = created_path(result.output).read_text(encoding="utf-8")
    assert frontmatter.loads(text)["name"] == name
    assert parse_note(text, "x.md").title == name.strip()  # the title trims, the property keeps
    assert f"\n# {name}\n" in text  # the heading shows the name as typed, never evaluated


def test_long_names_are_capped_but_kept_whole_in_front_matter(in_vault: RunVault) -> None:
    name = "Ngā " + "Wāhine " * 60
    path = created_path(in_vault("new-contact", name).output)
    assert len(path.name.encode("utf-8")) <= 200
    assert frontmatter.load(path)["name"] == name


@pytest.mark.parametrize("name", ["", "   ", "line\nbreak", "tab\there", "\x00"])
def test_unusable_names_are_refused(in_vault: RunVault, vault: Path, name: str) -> None:
    result = in_vault("new-contact", name)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert list((vault / "Contacts").iterdir()) == []


# --- new-meeting --------------------------------------------------------------------------------


def test_new_meeting_matches_reference(in_vault: RunVault) -> None:
    in_vault("new-contact", "Jane Doe", "--org", "Acme Ltd", "--role", "Data Engineer")
    result = in_vault(
        "new-meeting", "Jane Doe", "--date", "2026-12-04", "--time", "10:00",
        "--location", "Cuba St café", "--questions", "career,industry",
        "--objective", "Learn how people move from analysis into data engineering",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    path = created_path(result.output)
    assert path.name == "2026-12-04 Jane Doe.md"
    expected = (DATA / "meeting-jane-doe.md").read_text(encoding="utf-8")
    assert normalised(path.read_text(encoding="utf-8")) == expected


def test_new_meeting_properties_and_follow_ups(in_vault: RunVault) -> None:
    in_vault("new-contact", "Jane Doe")
    result = in_vault("new-meeting", "jane doe", "--date", "2026-12-04", "--time", "9:30")
    post = frontmatter.load(created_path(result.output))
    assert post["contact"] == "[[Jane Doe]]"
    assert post["date"] == dt.date(2026, 12, 4)
    assert post["time"] == "09:30"
    assert post["duration"] == 30
    assert post["mode"] == "in-person"
    assert post["status"] == "planned"
    note = parse_note(created_path(result.output).read_text(encoding="utf-8"), "m.md")
    dated = [t for t in note.tasks if t.due]
    assert [(t.text.split(" ")[0], t.due) for t in dated] == [
        ("Reflect", dt.date(2026, 12, 4)),
        ("Send", dt.date(2026, 12, 5)),
        ("Connect", dt.date(2026, 12, 5)),
        ("Add", dt.date(2026, 12, 6)),
    ]
    assert dated[1].text.startswith("Send a thank-you")
    assert all(re.fullmatch(r"fu-[a-z0-9]{4}", t.block_id or "") for t in dated)
    assert len({t.block_id for t in dated}) == 4
    assert not [t for t in note.tasks if t.due is None and t.block_id]


def test_default_questions_are_about_ten_from_across_categories(in_vault: RunVault) -> None:
    in_vault("new-contact", "Jane Doe")
    text = created_path(in_vault("new-meeting", "Jane Doe").output).read_text(encoding="utf-8")
    section = text.split("## Questions", 1)[1].split("\n## ", 1)[0]
    questions = [line for line in section.splitlines() if line.startswith("- ")]
    categories = [line for line in section.splitlines() if line.startswith("### ")]
    assert 8 <= len(questions) <= 12
    assert len(categories) >= 5


def test_question_categories_are_picked_by_key_or_title(in_vault: RunVault) -> None:
    in_vault("new-contact", "Jane Doe")
    result = in_vault("new-meeting", "Jane Doe", "--questions", "work-env,organization,general")
    text = created_path(result.output).read_text(encoding="utf-8")
    headings = re.findall(r"^### (.+)$", text, flags=re.M)
    assert headings == ["Work environment", "Organisation", "General"]


def test_unknown_question_category_is_a_usage_error(in_vault: RunVault) -> None:
    in_vault("new-contact", "Jane Doe")
    result = in_vault("new-meeting", "Jane Doe", "--questions", "salary")
    assert result.exit_code == 2
    assert "career" in result.stderr


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("today", TODAY),
        ("tomorrow", TODAY + dt.timedelta(days=1)),
        ("2027-03-01", dt.date(2027, 3, 1)),
        ("Friday", TODAY + dt.timedelta(days=(4 - TODAY.weekday() - 1) % 7 + 1)),
    ],
)
def test_meeting_dates_in_words(in_vault: RunVault, word: str, expected: dt.date) -> None:
    in_vault("new-contact", "Jane Doe")
    result = in_vault("new-meeting", "Jane Doe", "--date", word)
    assert result.exit_code == 0, result.output
    assert frontmatter.load(created_path(result.output))["date"] == expected


@pytest.mark.parametrize("bad", ["2026-13-01", "someday", "31/12/2026", "fr"])
def test_bad_date_is_a_usage_error(in_vault: RunVault, vault: Path, bad: str) -> None:
    in_vault("new-contact", "Jane Doe")
    result = in_vault("new-meeting", "Jane Doe", "--date", bad)
    assert result.exit_code == 2
    assert "not a date" in result.stderr
    assert list((vault / "Meetings").iterdir()) == []


def test_unknown_contact_suggests_close_matches(in_vault: RunVault, vault: Path) -> None:
    in_vault("new-contact", "Jane Doe")
    result = in_vault("new-meeting", "Jane Dough")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "vault: No contact named 'Jane Dough'. Did you mean Jane Doe? "
        "Add --create-contact to create it."
    )
    assert list((vault / "Meetings").iterdir()) == []


def test_create_contact_makes_both_notes(in_vault: RunVault, vault: Path) -> None:
    result = in_vault("new-meeting", "Tama Ngata", "--create-contact", "--date", "2026-12-01")
    assert result.exit_code == 0, result.output
    assert (vault / "Contacts" / "Tama Ngata.md").is_file()
    meeting = frontmatter.load(vault / "Meetings" / "2026-12-01 Tama Ngata.md")
    assert meeting["contact"] == "[[Tama Ngata]]"


def test_contact_is_found_by_alias(in_vault: RunVault, vault: Path) -> None:
    (vault / "Contacts" / "Robert Smith.md").write_text(
        "---\ntype: contact\nname: Robert Smith\naliases: [Bob]\n---\n", encoding="utf-8"
    )
    result = in_vault("new-meeting", "bob", "--date", "2026-12-01")
    assert result.exit_code == 0, result.output
    assert frontmatter.load(created_path(result.output))["contact"] == "[[Robert Smith]]"


def test_second_meeting_same_day_is_refused(in_vault: RunVault, vault: Path) -> None:
    in_vault("new-contact", "Jane Doe")
    first = created_path(in_vault("new-meeting", "Jane Doe", "--date", "2026-12-01").output)
    before = first.read_bytes()
    result = in_vault("new-meeting", "Jane Doe", "--date", "2026-12-01")
    assert result.exit_code == 1
    assert "already exists" in result.stderr
    assert first.read_bytes() == before


# --- new-org ------------------------------------------------------------------------------------


def test_new_org(in_vault: RunVault) -> None:
    result = in_vault(
        "new-org", "Acme Ltd", "--website", "https://acme.example", "--industry", "Software",
        "--location", "Wellington", "--location", "Auckland",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    post = frontmatter.load(created_path(result.output))
    assert post["type"] == "organisation"
    assert post["name"] == "Acme Ltd"
    assert post["locations"] == ["Wellington", "Auckland"]
    assert in_vault("new-org", "acme ltd").exit_code == 1


# --- templates ------------------------------------------------------------------------------------


def test_users_template_copy_wins(in_vault: RunVault, vault: Path) -> None:
    template = vault / ".vaulttools" / "templates" / "organisation.md.j2"
    template.write_text("---\ntype: organisation\nname: {{ name | yaml }}\n---\nMINE\n")
    path = created_path(in_vault("new-org", "Acme").output)
    assert path.read_text(encoding="utf-8") == "---\ntype: organisation\nname: Acme\n---\nMINE\n"


def test_template_syntax_error_names_file_and_line(in_vault: RunVault, vault: Path) -> None:
    template = vault / ".vaulttools" / "templates" / "organisation.md.j2"
    template.write_text("---\ntype: organisation\n---\n\n{% if name %}\nno end\n")
    result = in_vault("new-org", "Acme")
    assert result.exit_code == 1
    assert "organisation.md.j2, line" in result.stderr
    assert "Traceback" not in result.output
    assert list((vault / "Organisations").iterdir()) == []


def test_template_undefined_name_names_file_and_line(in_vault: RunVault, vault: Path) -> None:
    template = vault / ".vaulttools" / "templates" / "organisation.md.j2"
    template.write_text("---\ntype: organisation\n---\n\n\n{{ nonsense }}\n")
    result = in_vault("new-org", "Acme")
    assert result.exit_code == 1
    assert f"{template}, line 6" in result.stderr
    assert "nonsense" in result.stderr


def test_template_cannot_reach_python_internals(in_vault: RunVault, vault: Path) -> None:
    template = vault / ".vaulttools" / "templates" / "organisation.md.j2"
    template.write_text("---\ntype: organisation\n---\n{{ name.__class__.__mro__ }}\n")
    result = in_vault("new-org", "Acme")
    assert result.exit_code == 1
    assert "unsafe" in result.stderr or "__class__" in result.stderr


def test_template_giving_broken_front_matter_is_refused(in_vault: RunVault, vault: Path) -> None:
    template = vault / ".vaulttools" / "templates" / "organisation.md.j2"
    template.write_text("---\ntype: [organisation\n---\n")
    result = in_vault("new-org", "Acme")
    assert result.exit_code == 1
    assert "not valid YAML" in result.stderr
    assert list((vault / "Organisations").iterdir()) == []


def test_debug_shows_the_traceback(
    tmp_path: Path, run: RunVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("--debug", "new-contact", "Nobody")
    assert result.exit_code == 1
    assert type(result.exception).__name__ == "NoVaultError"

"""Front matter as Obsidian finds it, read by python-frontmatter's handler with PyYAML."""

from __future__ import annotations

import frontmatter
import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from vaulttools.front_matter import HANDLER, NAME_KEYS, ObsidianHandler, read_properties
from vaulttools.notes import kind_named, parse_note

KEYS = st.sampled_from(
    ["tags", "created", "type", "aliases", "id", "name", "source", "a b", "yes", "null", "on"]
)
VALUES = st.sampled_from(
    [
        "", "journal", "2026-12-01", "2026-12-01 10:00:00", "10:30", "1:30:00",
        "42", "0x1F", "1_000", "-5", "+3", "3.5", ".inf", "1e3", "yes", "No", "~", "null", "=",
        "<<", "contact", "'contact'", '"meeting"', "organisation ", "[a, b]", "[]", "[a, [b]]",
        "[1, 2026-12-01, yes, x y]", '["a, b", c]', "[a , b ]", "[a,]", '"[[Jane Doe]]"',
        "[[Jane]]", "it's fine", "a: b", "a #comment", "a#b", "x:", "https://x.org/a", "'unclosed",
        '"esc\\q"', "|", ">", "*ref", "&anchor x", "!tag x", "@x", "`x`", "{a: b}", "a, b", "%x",
        "ok\u2028no", "tab\there", "ünïcödé", "emoji 📅", "\x07bell", '"q"x', "''", '""', "0x_",
        "[0b_]", "9" * 4400,
    ]
)  # fmt: skip
LINES = st.one_of(
    st.builds(lambda k, v: f"{k}: {v}".rstrip() if v else f"{k}:", KEYS, VALUES),
    st.builds(lambda i, v: f"{i}- {v}".rstrip(), st.sampled_from(["", "  ", "    "]), VALUES),
    st.sampled_from(["", "# a comment", "  # indented comment", "  nested: x", "\tkey: x", "-"]),
    st.text(max_size=12),
)


def plain_yaml(raw: str) -> object:
    """What PyYAML's own safe C loader reads, without vaulttools' handler around it."""
    return yaml.load(raw, Loader=yaml.CSafeLoader)


@settings(max_examples=1500)
@given(st.lists(LINES, max_size=8), st.booleans())  # impossible dates: tested below
@example(["tags:", "- a", "- b", "created: 2026-12-01"], False)
@example(["\t"], False)
@example(["\x0c"], False)
@example(["type: contact", "name: Jane", "aliases: [J, 1, 2026-12-01]"], True)
def test_properties_are_what_yaml_reads(lines: list[str], crlf: bool) -> None:
    newline = "\r\n" if crlf else "\n"
    raw = newline.join(lines) + newline
    properties, problems = read_properties(raw)
    try:
        expected = plain_yaml(raw)
    except Exception:  # the reference refuses it: so must we, with a reason
        assert (properties, bool(problems)) == ({}, True)
        return
    if isinstance(expected, dict):
        assert properties == {str(key): value for key, value in expected.items()}
        assert problems == ()
    else:
        assert properties == {}
        assert bool(problems) == (expected is not None)


def names_a_kind(type_value: object) -> bool:
    return kind_named(type_value) is not None


@settings(max_examples=1500)
@given(st.lists(LINES, max_size=8))
@example(["type: contact", "ref: 0x_"])
@example(["type: [journal, meeting]", "<<: {a: 1}"])
@example(["tags: [a", "name: x"])
def test_a_brief_reading_is_the_full_one_cut_to_the_names(lines: list[str]) -> None:
    """YAML reads all of it either way; a note of no known kind keeps only its names."""
    raw = "\n".join(lines) + "\n"
    full, full_problems = read_properties(raw)
    brief, brief_problems = read_properties(raw, names_a_kind)
    try:
        node = yaml.compose(raw, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:  # the text itself is wrong: said the same way
        assert (brief, brief_problems) == ({}, full_problems)
        return
    if names_a_kind(full.get("type")) or not isinstance(node, yaml.MappingNode):
        assert (brief, brief_problems) == (full, full_problems)
    elif not full_problems:
        assert brief == {key: value for key, value in full.items() if key in NAME_KEYS}
        assert brief_problems == ()
    else:  # a value YAML cannot build is a problem only where it is built: in the names
        assert set(brief) <= set(NAME_KEYS) and len(brief_problems) <= 1
        assert all("YAML" in problem for problem in brief_problems)  # the first one it met


def test_a_brief_reading_of_a_note_of_no_known_kind_keeps_its_names_only() -> None:
    text = "---\naliases: [Jo]\nname: Jo Bloggs\nref: 0x_\ncreated: 2026-12-01\n---\nText\n"
    note = parse_note(text, "Notes/Jo.md", brief=True)
    assert note.properties == {"aliases": ["Jo"], "name": "Jo Bloggs"}
    assert (note.aliases, note.title, note.problems) == (("Jo",), "Jo Bloggs", ())
    assert parse_note(text, "Notes/Jo.md").problems  # read in full, 0x_ cannot be built


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("---\ntype: [journal, contact]\nref: 0x1F\nnext_contact: 2026-12-01\n---\n", None),
        ("---\nref: 0x1F\n---\n- [ ] Call 📅 2026-12-01\n", "contact"),  # by its folder
        ("---\nbase: &b {type: meeting, date: 2026-12-01}\n<<: *b\n---\n", None),
        ("---\n\"type\": meeting\ncontact: '[[Jo]]'\n---\n", None),
    ],
)
def test_a_brief_reading_of_a_note_of_a_known_kind_is_the_full_reading(
    text: str, kind: str | None
) -> None:
    full = parse_note(text, "Contacts/Jo.md", kind=kind)
    assert full.kind is not None
    assert parse_note(text, "Contacts/Jo.md", kind=kind, brief=True) == full


def test_an_impossible_date_stays_text_instead_of_losing_every_property() -> None:
    assert read_properties("next_contact: 2026-02-30\nname: Jane\n") == (
        {"next_contact": "2026-02-30", "name": "Jane"},
        (),
    )


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("ref: 0x_\n", "YAML cannot read: invalid literal for int() with base 16"),
        ("aliases: [0b_]\n", "YAML cannot read: invalid literal for int() with base 2"),
        ("n: " + "9" * 4400 + "\n", "YAML cannot read: Exceeds the limit (4300 digits)"),
        ("k" * 1100 + ": v\n", "not valid YAML at line 2"),  # YAML's 1,024-character keys
        ("a: *undefined\n", "not valid YAML at line 2: found undefined alias"),
        ("? [a]\n: b\n", "not valid YAML at line 2: found unhashable key"),
    ],
)
def test_a_value_yaml_cannot_read_is_a_problem_of_that_note(raw: str, reason: str) -> None:
    properties, problems = read_properties(raw)
    assert properties == {}
    assert len(problems) == 1 and reason in problems[0], problems
    note = parse_note(f"---\n{raw}type: contact\n---\n- [ ] x 📅 2026-12-01\n", "C/x.md")
    assert note.problems == problems


@pytest.mark.parametrize(
    ("text", "raw", "body_line"),
    [
        ("---\na: 1\n---\nbody\n", "a: 1\n", 3),
        ("---\r\na: 1\r\n---\r\nbody\r\n", "a: 1\r\n", 3),
        ("--- \na: 1\n...\nbody\n", "a: 1\n", 3),
        ("---\na: 1\n---   \nbody\n", "a: 1\n", 3),
        ("---\n---\nbody\n", "", 2),
        ("---\na: 1\n---", "a: 1\n", 3),
        ("\n---\na: 1\n---\n", None, 0),  # not on the first line: no front matter
        ("----\na: 1\n----\n", None, 0),
        (" ---\na: 1\n---\n", None, 0),
        ("---", None, 0),  # a thematic break, not front matter
        ("text\n---\na: 1\n---\n", None, 0),
    ],
)
def test_front_matter_is_found_where_obsidian_finds_it(
    text: str, raw: str | None, body_line: int
) -> None:
    found = HANDLER.cut(text)
    assert (found.raw, found.body_line, found.problem) == (raw, body_line, None)
    if raw is None:
        assert found.body == text


def test_a_note_whose_front_matter_never_closes_says_so() -> None:
    found = HANDLER.cut("---\ntype: meeting\ndate: 2026-12-01\n")
    assert found.raw is None and "never closed" in (found.problem or "")


def test_bom_and_crlf_give_the_same_note_and_line_numbers() -> None:
    text = "---\ntype: contact\nname: Jane\n---\n# Jane\n- [ ] Call 📅 2026-12-01\n"
    plain = parse_note(text, "C/Jane.md")
    other = parse_note("\ufeff" + text.replace("\n", "\r\n"), "C/Jane.md")
    assert (other.properties, other.body_line, other.problems) == (
        dict(plain.properties),
        4,
        (),
    )
    assert [(t.line, t.due) for t in other.tasks] == [(t.line, t.due) for t in plain.tasks]


def test_the_handler_is_a_python_frontmatter_handler() -> None:
    """python-frontmatter itself reads a note through our handler, with our delimiters."""
    post = frontmatter.loads("---\ntype: contact\ndate: 2026-02-30\n---\nBody\n", handler=HANDLER)
    assert isinstance(HANDLER, ObsidianHandler)
    assert post.metadata == {"type": "contact", "date": "2026-02-30"}
    assert post.content == "Body"


@given(st.text(max_size=200))
def test_reading_never_raises(text: str) -> None:
    found = HANDLER.cut(text)
    properties, problems = read_properties(found.raw)
    assert isinstance(properties, dict) and isinstance(problems, tuple)

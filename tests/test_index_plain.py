"""The index's quick reading of front matter must agree with PyYAML and the note parser."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from vaulttools.index.plain import PlainNote, front_matter, read_quickly, simple_properties
from vaulttools.index.rows import stem_key
from vaulttools.names import name_key
from vaulttools.notes import load_properties, parse_note, split_front_matter

KEYS = st.sampled_from(
    ["tags", "created", "type", "aliases", "id", "name", "source", "a b", "yes", "null", "on"]
)
VALUES = st.sampled_from(
    [
        "", "journal", "2026-12-01", "2026-13-45", "2026-12-01 10:00:00", "10:30", "1:30:00",
        "42", "0x1F", "1_000", "-5", "+3", "3.5", ".inf", "1e3", "yes", "No", "~", "null", "=",
        "<<", "contact", "'contact'", '"meeting"', "organisation ", "[a, b]", "[]", "[a, [b]]",
        "[1, 2026-12-01, yes, x y]", '["a, b", c]', "[a , b ]", "[a,]", '"[[Jane Doe]]"',
        "[[Jane]]", "it's fine", "a: b", "a #comment", "a#b", "x:", "https://x.org/a", "'unclosed",
        '"esc\\q"', "|", ">", "*ref", "&anchor x", "!tag x", "@x", "`x`", "{a: b}", "a, b", "%x",
        "ok\u2028no", "tab\there", "ünïcödé", "emoji 📅", "\x07bell", '"q"x', "''", '""',
    ]
)  # fmt: skip
LINES = st.one_of(
    st.builds(lambda k, v: f"{k}: {v}".rstrip() if v else f"{k}:", KEYS, VALUES),
    st.builds(lambda i, v: f"{i}- {v}".rstrip(), st.sampled_from(["", "  ", "    "]), VALUES),
    st.sampled_from(["", "# a comment", "  # indented comment", "  nested: x", "\tkey: x", "-"]),
    st.text(max_size=12),
)


def front(lines: list[str], newline: str = "\n") -> str:
    return "---" + newline + newline.join(lines) + newline + "---" + newline + "body" + newline


def agrees(text: str, path: str = "Notes/Some note.md") -> None:
    quick = read_quickly(text, path)
    if quick is None:
        return  # unsure: the full parser decides
    note = parse_note(text, path)
    if isinstance(quick, PlainNote):
        assert note.problems == ()
        assert note.kind is None
        assert note.aliases == quick.aliases
        assert (note.id, note.title) == (quick.id, quick.title)
    else:
        assert quick == note


@settings(max_examples=3000)
@given(st.lists(LINES, max_size=8), st.booleans())
@example(["tags:", "- a", "- b", "created: 2026-12-01"], False)
@example(["type: contact", "name: Jane", "aliases: [J, 1, 2026-12-01]"], True)
def test_quick_reading_agrees_with_the_parser(lines: list[str], crlf: bool) -> None:
    agrees(front(lines, "\r\n" if crlf else "\n"))


@settings(max_examples=3000)
@given(st.lists(LINES, max_size=8))
@example(["a: 1", "a: 2", "b:", "- x", "-", "a:"])
def test_simple_properties_are_what_yaml_reads(lines: list[str]) -> None:
    raw = "\n".join(lines) + "\n"
    quick = simple_properties(raw)
    if quick is not None:
        assert (quick, ()) == load_properties(raw)


@given(st.text(max_size=200))
def test_quick_reading_agrees_on_any_text(text: str) -> None:
    agrees(text)
    agrees("---\n" + text)


def test_simple_front_matter_is_read_quickly() -> None:
    text = "---\ncreated: 2026-12-01\ntags: [journal, work]\nlinks:\n  - x\n  - y\n---\nBody\n"
    assert read_quickly(text, "A/n.md") == PlainNote("A/n.md", "n")
    assert read_quickly("No front matter at all.\n", "n.md") == PlainNote("n.md", "n")
    text = '---\nid: "z-1"\nname: Jane Doe\naliases:\n  - JD\n  - 7\n---\n'
    assert read_quickly(text, "n.md") == PlainNote("z-1", "Jane Doe", ("JD",))
    assert read_quickly("---\nname: 10:30\n---\n", "n.md") == PlainNote("n.md", "630")
    contact = (
        '---\ntype: contact\nname: Jane\norganisation: "[[Acme]]"\n---\n- [ ] Call 📅 2026-12-01\n'
    )
    note = read_quickly(contact, "c.md")
    assert note == parse_note(contact, "c.md")
    assert note.kind == "contact" and note.links == ("Acme",) and len(note.tasks) == 1


def test_what_is_not_simple_is_left_to_the_parser() -> None:
    for properties in (
        "title: [unclosed",
        "title: a: b",
        "nested:\n  key: value",
        "text: |\n  block",
        "x: =",
        "objective: learn: a lot",
    ):
        assert read_quickly(f"---\n{properties}\n---\n", "n.md") is None, properties
    assert read_quickly("---\ntitle: x\nnever closed\n", "n.md") is None
    assert read_quickly("---\nx: 1\n---\nNUL \x00 here\n", "n.md") is None


@settings(max_examples=2000)
@given(
    st.lists(
        st.sampled_from(["---", "...", "--- ", "---\t", " ---", "----", "x", "", "\r"]),
        max_size=6,
    ),
    st.text(max_size=20),
)
def test_front_matter_is_found_exactly_where_the_parser_finds_it(
    lines: list[str], tail: str
) -> None:
    text = "\n".join(lines) + tail
    raw, _, _, problems = split_front_matter(text)
    present, quick = front_matter(text)
    if problems:
        assert (present, quick) == (True, None)
    else:
        assert (present, quick) == (raw is not None, raw)


@given(st.text(max_size=30))
@example("Jane\x1c  Doe\t")
@example("ÉCOLE Straße")
def test_the_quick_stem_key_is_name_key(stem: str) -> None:
    assert stem_key(stem) == name_key(stem)

"""Link resolution as Obsidian does it: file names, case-insensitively, aliases, path links."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from vaulttools.links import Resolver, names_of, target_key


def resolver(*notes: tuple[str, tuple[str, ...]]) -> Resolver:
    return Resolver.from_entries(
        entry for path, aliases in notes for entry in names_of(path, aliases)
    )


def test_a_link_finds_a_note_by_file_name_ignoring_case() -> None:
    links = resolver(("Contacts/Jane Doe.md", ()))
    assert links.resolve("jane doe") == "Contacts/Jane Doe.md"
    assert links.resolve("JANE DOE") == "Contacts/Jane Doe.md"
    assert links.resolve("Jane Doe.md") == "Contacts/Jane Doe.md"


def test_a_link_finds_a_note_by_alias() -> None:
    links = resolver(("Contacts/Jane Doe.md", ("Janey", "J. Doe")))
    assert links.resolve("janey") == "Contacts/Jane Doe.md"
    assert links.resolve("J. Doe") == "Contacts/Jane Doe.md"


def test_a_file_name_beats_another_notes_alias() -> None:
    links = resolver(("People/Sam.md", ()), ("People/Samantha Lee.md", ("Sam",)))
    assert links.resolve("Sam") == "People/Sam.md"


def test_unicode_forms_are_one_name() -> None:
    links = resolver(("Contacts/José Núñez.md", ()))
    assert links.resolve("Jose\u0301 Nu\u0301n\u0303ez") == "Contacts/José Núñez.md"
    assert links.resolve("josé núñez") == "Contacts/José Núñez.md"


def test_a_path_link_picks_the_note_in_that_folder() -> None:
    links = resolver(("Contacts/Sam.md", ()), ("Archive/Sam.md", ()))
    assert links.resolve("Archive/Sam") == "Archive/Sam.md"
    assert links.resolve("contacts/sam.md") == "Contacts/Sam.md"
    assert links.resolve("Elsewhere/Sam") is None


def test_a_link_with_the_extension_still_finds_a_note_named_with_it() -> None:
    links = resolver(("Notes/setup.md.md", ()), ("Notes/Plan.md", ()))
    assert links.resolve("setup.md") == "Notes/setup.md.md"
    assert links.resolve("Plan.md") == "Notes/Plan.md"


def test_a_path_link_matches_whole_folder_names_only() -> None:
    links = resolver(("MyContacts/Sam.md", ()))
    assert links.resolve("Contacts/Sam") is None
    assert links.resolve("MyContacts/Sam") == "MyContacts/Sam.md"


def test_among_equal_names_the_linking_notes_folder_wins_then_the_shortest_path() -> None:
    links = resolver(("A/B/Sam.md", ()), ("C/Sam.md", ()), ("Sam.md", ()))
    assert links.resolve("Sam", source="C/Other.md") == "C/Sam.md"
    assert links.resolve("Sam", source="A/B/Note.md") == "A/B/Sam.md"
    assert links.resolve("Sam", source="Z/Note.md") == "Sam.md"


def test_links_to_nothing_resolve_to_none() -> None:
    links = resolver(("Contacts/Jane Doe.md", ()))
    assert links.resolve("John Doe") is None
    assert links.resolve("") is None
    assert links.resolve(None) is None


def test_lookups_are_asked_once_per_name() -> None:
    asked: list[str] = []

    def lookup(key: str) -> list:
        asked.append(key)
        return list(names_of("Jane Doe.md"))

    links = Resolver(lookup)
    for _ in range(3):
        assert links.resolve("Jane Doe") == "Jane Doe.md"
    assert asked == ["jane doe"]


@given(st.text(alphabet=st.characters(blacklist_characters="/\\[]|#^\n\r"), min_size=1))
def test_every_file_name_resolves_to_its_note(stem: str) -> None:
    if not target_key(stem):
        return  # a name of only spaces is no link at all
    links = resolver((f"Notes/{stem}.md", ()))
    assert links.resolve(stem) == f"Notes/{stem}.md"
    assert links.resolve(f"Notes/{stem}") == f"Notes/{stem}.md"

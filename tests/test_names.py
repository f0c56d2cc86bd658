"""Safe file names and name comparison."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaulttools.errors import UsageError
from vaulttools.names import MAX_STEM_BYTES, name_key, safe_stem

UNSAFE = re.compile(r'[/\\:*?"<>|#^\[\]\x00-\x1f]')


@given(st.text(min_size=1, max_size=400))
def test_safe_stem_is_safe_everywhere_or_refused(name: str) -> None:
    try:
        stem = safe_stem(name)
    except UsageError:
        return
    assert not UNSAFE.search(stem)
    assert not stem.startswith((".", " "))
    assert not stem.endswith((".", " "))
    assert len(stem.encode("utf-8")) <= MAX_STEM_BYTES
    assert safe_stem(stem) == stem


def test_name_key_joins_spellings_of_one_person() -> None:
    assert name_key("José") == name_key("Jose\u0301") == name_key("JOSÉ ") == name_key("josé")
    assert name_key("Straße") == name_key("STRASSE")
    assert name_key("Jane Doe") != name_key("Jane Do")


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_an_ascii_name_has_the_key_the_unicode_rules_give(name: str) -> None:
    """ASCII names take a quicker way to the same key (case folded, spaces squeezed)."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", name).casefold())
    bare = "".join(ch for ch in folded if not unicodedata.combining(ch))
    assert name_key(name) == re.sub(r"\s+", " ", bare).strip()


def test_name_of_only_unsafe_characters_is_refused() -> None:
    with pytest.raises(UsageError):
        safe_stem("/// ...")

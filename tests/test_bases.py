"""`vault init` writes a `.base` file for Obsidian's Bases plugin that names only real things."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from vaulttools.templates import package_templates_dir

from .conftest import RunVault

BASE = "Informational Interviews.base"
# Obsidian's file properties (help.obsidian.md, Bases syntax: "File properties").
FILE_PROPERTIES = {
    "backlinks", "ctime", "embeds", "ext", "file", "folder", "links", "mtime", "name", "path",
    "properties", "size", "tags", "basename",
}  # fmt: skip
# Names an expression may use that are no property: literals, and the variables that list
# functions (filter, map) give their argument.
NOT_PROPERTIES = {"true", "false", "null", "value", "index", "acc", "this"}
VIEW_TYPES = {"table", "cards", "list", "map"}
_STRING = re.compile(r'"[^"]*"|\'[^\']*\'')
_NAME = re.compile(r"(?<![\w.])([A-Za-z_]\w*)((?:\.[A-Za-z_]\w*)*)(\s*\()?")


def front_matter_keys() -> dict[str, set[str]]:
    """Each note type's front matter keys, read from the templates vaulttools renders."""
    keys: dict[str, set[str]] = {}
    for template in package_templates_dir().glob("*.md.j2"):
        front = template.read_text(encoding="utf-8").split("---\n")[1]
        names = set(re.findall(r"^([A-Za-z_]\w*):", front, re.MULTILINE))
        kind = re.search(r"^type: (\w+)", front, re.MULTILINE)
        assert kind, template
        keys[kind.group(1)] = names
    return keys


def expressions(base: dict[str, Any]) -> list[str]:
    """Every filter and formula expression in the base."""
    found = list(base["formulas"].values())

    def walk(node: Any) -> None:
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            assert set(node) <= {"and", "or", "not"}, node
            for item in node.values():
                walk(item)

    walk(base["filters"])
    for view in base["views"]:
        walk(view.get("filters", []))
    return found


def referenced(expression: str) -> set[str]:
    """Properties an expression reads: `note.x` or `x`, `file.x`, `formula.x`, and the
    front matter read through a linked file (`value.properties.x`)."""
    names = set()
    for head, tail, call in _NAME.findall(_STRING.sub('""', expression)):
        parts = [head, *tail.split(".")[1:]]
        if call and len(parts) == 1:
            continue  # a global function such as today() or if()
        if head == "value" and len(parts) > 2 and parts[1] == "properties":
            names.add(f"note.{parts[2]}")
        elif head in ("file", "formula", "note") and len(parts) > 1:
            names.add(f"{head}.{parts[1]}")
        elif head not in NOT_PROPERTIES and head != "file":
            names.add(f"note.{head}")
    return names


def named_in_views(base: dict[str, Any]) -> set[str]:
    names = set(base["properties"])
    for view in base["views"]:
        names |= set(view["order"])
        names |= {entry["property"] for entry in view.get("sort", [])}
        if "groupBy" in view:
            names.add(view["groupBy"]["property"])
    return {name if "." in name else f"note.{name}" for name in names}


def test_init_writes_a_base_whose_every_name_is_real(vault: Path) -> None:
    base = yaml.safe_load((vault / BASE).read_text(encoding="utf-8"))
    assert set(base) == {"filters", "formulas", "properties", "views"}
    note_keys = set().union(*front_matter_keys().values())
    names = named_in_views(base).union(*map(referenced, expressions(base)))

    unknown = {
        name
        for name in names
        if not (
            (name.startswith("note.") and name[5:] in note_keys)
            or (name.startswith("file.") and name[5:] in FILE_PROPERTIES)
            or (name.startswith("formula.") and name[8:] in base["formulas"])
        )
    }
    assert not unknown
    assert {"note.organisation", "note.role", "note.next_contact", "formula.last_contact"} <= names
    for view in base["views"]:
        assert view["type"] in VIEW_TYPES and view["name"] and view["order"]
        for entry in view.get("sort", []):
            assert entry["direction"] in ("ASC", "DESC")


def test_the_views_a_student_needs(vault: Path) -> None:
    base = yaml.safe_load((vault / BASE).read_text(encoding="utf-8"))
    views = {view["name"]: view for view in base["views"]}
    assert list(views) == ["People by stage", "Upcoming meetings", "Past meetings", "Organisations"]
    people = views["People by stage"]
    assert people["groupBy"]["property"] == "formula.stage"
    for column in ("organisation", "role", "formula.last_contact", "formula.next_contact"):
        assert column in people["order"]
    assert "formula.people" in views["Organisations"]["order"]
    assert "formula.meetings_held" in views["Organisations"]["order"]
    types = front_matter_keys()
    kinds = {"People by stage": "contact", "Upcoming meetings": "meeting",
             "Past meetings": "meeting", "Organisations": "organisation"}  # fmt: skip
    for name, kind in kinds.items():
        assert f'type == "{kind}"' in views[name]["filters"]["and"]
        columns = [c for c in views[name]["order"] if "." not in c]
        assert set(columns) <= types[kind], name


def test_an_existing_base_is_never_overwritten(tmp_path: Path, run: RunVault) -> None:
    root = tmp_path / "vault"
    root.mkdir()
    (root / BASE).write_bytes(b"views: []\n# mine\r\n")
    result = run("init", root)
    assert result.exit_code == 0, result.output
    assert (root / BASE).read_bytes() == b"views: []\n# mine\r\n"
    assert BASE not in result.output


def test_the_base_takes_its_name_from_the_config(tmp_path: Path, run: RunVault) -> None:
    root = tmp_path / "vault"
    (root / ".vaulttools").mkdir(parents=True)
    (root / ".vaulttools" / "config.toml").write_text('base_file = "Careers.base"\n')
    result = run("init", root)
    assert result.exit_code == 0, result.output
    assert yaml.safe_load((root / "Careers.base").read_text(encoding="utf-8"))["views"]
    assert not (root / BASE).exists()

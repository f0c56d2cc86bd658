"""`vault import linkedin|vcard` and `vault export vcard`, over files shaped as the real exports."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import vobject
import yaml

from .conftest import RunVault
from .required import missing

DATA = Path(__file__).resolve().parent / "data"
NODE_DIR = Path(__file__).resolve().parent / "interop" / "node"


def properties(note: Path) -> dict:
    return yaml.safe_load(note.read_text(encoding="utf-8").split("---\n")[1])


def files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".vaulttools" not in p.parts
    }


def test_linkedin_connections_become_prospect_contacts(vault: Path, in_vault: RunVault) -> None:
    result = in_vault("import", "linkedin", DATA / "linkedin-connections.csv")

    assert result.exit_code == 1  # two rows could not be read; the others were imported
    hemi = properties(vault / "Contacts" / "Hemi Walker.md")
    assert hemi["organisation"] == "[[Kōwhai Analytics]]" and hemi["role"] == "Data Engineer"
    assert hemi["linkedin"] == "https://www.linkedin.com/in/hemi-walker-4a1b2c3d"
    assert hemi["how_we_met"] == "LinkedIn connection since 2024-10-14"
    siobhan = properties(vault / "Contacts" / "Siobhán Ó Briain.md")
    assert siobhan["organisation"] == "[[Harbourside Health, Digital Services]]"
    assert siobhan["role"] == "Analyst, Patient Flow"
    assert siobhan["email"] == "siobhan.obriain@example.org"
    rawiri = properties(vault / "Contacts" / "Rawiri Pōtae.md")
    assert rawiri["role"] == 'Senior Developer, "Platform" Team'
    grace = properties(vault / "Contacts" / "Grace Liu.md")
    assert grace["organisation"] is None and grace["role"] is None
    assert "line 8 of linkedin-connections.csv: no name; skipped." in result.stderr
    assert "line 9 of linkedin-connections.csv: 6 fields" in result.stderr
    assert "5 created, 0 already there, 2 skipped." in result.stdout
    listed = in_vault("contacts", "--json")
    stages = {c["name"]: c["status"] for c in yaml.safe_load(listed.output)}
    assert stages["Hemi Walker"] == "prospect" and len(stages) == 5


def test_an_import_never_duplicates_nor_touches_who_is_there(
    vault: Path, in_vault: RunVault
) -> None:
    in_vault("new-contact", "grace liu", "--role", "Mentor")
    in_vault("new-contact", "R. Pōtae", "--email", "RAWIRI@example.net")
    in_vault("new-contact", "Hemi W", "--linkedin", "http://linkedin.com/in/hemi-walker-4a1b2c3d/")
    before = files(vault)

    result = in_vault("import", "linkedin", DATA / "linkedin-connections.csv")

    after = files(vault)
    assert all(after[path] == data for path, data in before.items())  # left as they were
    assert set(after) - set(before) == {
        "Contacts/Siobhán Ó Briain.md", "Contacts/Aroha Ngata.md",
    }  # fmt: skip
    out = result.stdout
    assert "Grace Liu is already in the vault (Contacts/grace liu.md, same name)" in out
    assert "Rawiri Pōtae is already in the vault (Contacts/R. Pōtae.md, same email)" in out
    assert "Hemi Walker is already in the vault (Contacts/Hemi W.md, same LinkedIn address)" in out
    assert "2 created, 3 already there, 2 skipped." in out

    again = in_vault("import", "linkedin", DATA / "linkedin-connections.csv")
    assert files(vault) == after  # the second run adds no one
    assert "0 created, 5 already there, 2 skipped." in again.stdout


def test_a_dry_run_writes_nothing_and_says_what_it_would_create(
    vault: Path, in_vault: RunVault
) -> None:
    before = files(vault)
    index = vault / ".vaulttools" / "index.sqlite"
    result = in_vault("import", "vcard", "--dry-run", DATA / "google-contacts.vcf")
    assert result.exit_code == 0, result.output
    assert files(vault) == before and not index.exists()
    assert "would create Contacts/Liam O'Connor.md (Senior Developer at Tui Software Co-op)" in (
        result.stdout
    )
    assert "would create Contacts/Ngaio Marsh-Tane.md" in result.stdout
    assert "2 would be created, 0 already there, 0 skipped." in result.stdout


def test_apple_google_and_vcard4_cards_become_contacts(vault: Path, in_vault: RunVault) -> None:
    for name in ("google-contacts.vcf", "vcard4.vcf", "apple-contacts.vcf"):
        result = in_vault("import", "vcard", DATA / name)
        assert result.exit_code == 0, result.output

    jose = properties(vault / "Contacts" / "José Álvarez.md")
    assert jose["organisation"] == "[[Harbourside Health]]"
    assert jose["role"] == "Health Data Analyst"
    assert jose["email"] == "jose.alvarez@harbourside.example"  # item1.EMAIL;type=pref
    assert jose["phone"] == "+64 21 555 0142"  # the preferred number, not the first
    assert jose["linkedin"] == "https://www.linkedin.com/in/jose-alvarez-example"
    jose_text = (vault / "Contacts" / "José Álvarez.md").read_text(encoding="utf-8")
    assert "- Other ways to reach them: jose.a@example.net, +64 4 555 0101\n" in jose_text
    sione = properties(vault / "Contacts" / "Sione Tupou-Fifita.md")
    assert sione["role"] == (  # a folded line, with an escaped comma
        "Engineering Manager at Tui Software Co-op, responsible for the platform and data teams"
    )
    liam = properties(vault / "Contacts" / "Liam O'Connor.md")
    assert liam["email"] == "liam.oconnor@tui.example" and liam["phone"] == "021 555 0199"
    lan = properties(vault / "Contacts" / "Nguyễn Thị Lan.md")
    assert lan["email"] == "lan.nguyen@example.net"  # PREF=1 wins over PREF=2
    assert lan["phone"] == "+64-4-555-0123"
    assert lan["organisation"] == "[[Civic Data Trust]]" and lan["role"] == "Research Lead"
    assert not (vault / "Contacts" / "Kōwhai Analytics.md").exists()  # a company's card
    assert "line 39 of apple-contacts.vcf: Kōwhai Analytics is an organisation's card" in (
        result.stdout
    )


def test_a_broken_card_is_reported_by_line_and_the_rest_imported(
    vault: Path, in_vault: RunVault
) -> None:
    result = in_vault("import", "vcard", DATA / "mixed.vcf")
    assert result.exit_code == 1
    assert (vault / "Contacts" / "Ana Folau.md").exists()
    assert (vault / "Contacts" / "Mere Rangi.md").exists()
    assert not (vault / "Contacts" / "Broken Card.md").exists()
    assert "line 6 of mixed.vcf: not a readable vCard" in result.stderr
    assert "line 11 of mixed.vcf: a card with no name" in result.stderr
    assert "2 created, 0 already there, 2 skipped." in result.stdout


def test_export_vcard_round_trips_through_vobject(
    vault: Path, in_vault: RunVault, tmp_path: Path
) -> None:
    in_vault("import", "vcard", DATA / "apple-contacts.vcf")
    in_vault("import", "linkedin", DATA / "linkedin-connections.csv")
    out = tmp_path / "contacts.vcf"

    result = in_vault("export", "vcard", "-o", out)

    assert result.exit_code == 0, result.output
    cards = list(vobject.readComponents(out.read_text(encoding="utf-8")))
    by_name = {card.fn.value: card for card in cards}
    assert len(by_name) == len(cards) == 7
    assert all(card.version.value == "4.0" for card in cards)
    jose = by_name["José Álvarez"]
    assert jose.org.value == ["Harbourside Health"] and jose.title.value == "Health Data Analyst"
    assert jose.email.value == "jose.alvarez@harbourside.example"
    assert jose.tel.value == "+64 21 555 0142"
    assert jose.n.value.family == "Álvarez" and jose.n.value.given == "José"
    siobhan = by_name["Siobhán Ó Briain"]
    assert siobhan.org.value == ["Harbourside Health, Digital Services"]  # comma escaped
    assert siobhan.url.value == "https://www.linkedin.com/in/siobhan-o-briain"
    assert len({card.uid.value for card in cards}) == 7

    printed = in_vault("export", "vcard")
    assert printed.stdout_bytes == out.read_bytes()
    reimport = in_vault("import", "vcard", out)  # what we write, we read back: no one new
    assert "0 created, 7 already there, 0 skipped." in reimport.stdout


def test_an_import_file_that_is_not_text_is_one_sentence(
    tmp_path: Path, in_vault: RunVault
) -> None:
    bad = tmp_path / "Connections.csv"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    result = in_vault("import", "linkedin", bad)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "not UTF-8" in result.stderr


def test_mozillas_ical_js_reads_the_exported_vcards(
    vault: Path, in_vault: RunVault, tmp_path: Path
) -> None:
    """Thunderbird's reader, not ours: every card and field as the contact notes hold them."""
    node = shutil.which("node")
    reader = NODE_DIR / "read-vcard.mjs"
    if not (node and (NODE_DIR / "node_modules" / "ical.js").is_dir()):
        missing("node with ical.js is missing (npm ci in tests/interop/node)")
    in_vault("import", "vcard", DATA / "apple-contacts.vcf")
    in_vault("import", "linkedin", DATA / "linkedin-connections.csv")
    out = tmp_path / "contacts.vcf"
    assert in_vault("export", "vcard", "-o", out).exit_code == 0

    done = subprocess.run([node, reader, out], capture_output=True, text=True, timeout=120)

    assert done.returncode == 0, done.stderr
    cards = {card["fn"]: card for card in json.loads(done.stdout)}
    notes = {p.stem: properties(p) for p in (vault / "Contacts").glob("*.md")}
    assert set(cards) == {note["name"] for note in notes.values()} and len(cards) == 7
    for note in notes.values():
        card = cards[note["name"]]
        assert (card["kind"], card["version"], card["uid"]) == ("vcard", "4.0", note["id"])
        assert card["email"] == note["email"] and card["tel"] == note["phone"]
        assert card["title"] == note["role"] and card["url"] == note["linkedin"]
        organisation = note["organisation"] and note["organisation"].strip("[]")
        assert card["org"] == organisation
    assert cards["Sione Tupou-Fifita"]["n"][:2] == ["Tupou-Fifita", "Sione"]

"""Make a realistic vault for benchmarks: mostly ordinary notes, some contacts and meetings.

Per 10,000 notes: 300 contacts, 500 meetings, 40 organisations, the rest ordinary notes
(journal entries, project and reading notes) with the front matter people really write:
tags, aliases, dates, links. Some notes are saved with CRLF or a byte order mark, and a
few have broken front matter, as in any vault that has lived a while.

    python benchmarks/generate.py PATH --notes 10000 [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

CONTACTS_PER_10K = 300
MEETINGS_PER_10K = 500
ORGANISATIONS_PER_10K = 40
START = dt.date(2024, 1, 1)

FIRST = [
    "Aroha",
    "Ben",
    "Chloe",
    "Dev",
    "Ema",
    "Farid",
    "Grace",
    "Hemi",
    "Ines",
    "Jun",
    "Kiri",
    "Liam",
    "Mei",
    "Nikau",
    "Olga",
    "Priya",
    "Quinn",
]
LAST = [
    "Anderson",
    "Brown",
    "Chen",
    "Dubois",
    "Evans",
    "Fitzgerald",
    "Garcia",
    "Huang",
    "Ioane",
    "Jones",
    "Kaur",
    "Li",
    "Müller",
    "Ngata",
]
ORGS = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Tyrell",
    "Hooli",
    "Vandelay",
    "Cyberdyne",
    "Soylent",
]
ROLES = ["Data Engineer", "UX Researcher", "Policy Analyst", "Product Manager", "Nurse Educator"]
WORDS = [
    *[
        "the",
        "a",
        "work",
        "team",
        "project",
        "idea",
        "plan",
        "review",
        "meeting",
        "week",
        "data",
        "design",
        "notes",
        "read",
        "book",
    ],
    *[
        "chapter",
        "garden",
        "travel",
        "budget",
        "health",
        "call",
        "email",
        "draft",
        "question",
        "answer",
        "career",
    ],
    *[
        "learn",
        "research",
        "market",
        "customer",
        "process",
        "quarter",
        "goal",
        "habit",
        "morning",
        "evening",
    ],
    *["write", "code", "test", "deploy", "change"],
]
TAGS = ["journal", "work", "reading", "idea", "project", "health", "travel", "career", "draft"]


def sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 16))
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 6)))


def day(rng: random.Random, span: int = 900) -> dt.date:
    return START + dt.timedelta(days=rng.randrange(span))


def people(count: int, rng: random.Random) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        name = name if name not in names else f"{name} {len(names)}"
        names.append(name)
    return names


def contact_note(name: str, org: str, referrer: str | None, rng: random.Random) -> str:
    status = rng.choice(["", "", "prospect", "contacted", "met"])
    stay = rng.choice(["", "", "60", "90"])
    tasks = "\n".join(
        f"- [{rng.choice(' x')}] Send an update on my search 📅 {day(rng)}"
        for _ in range(rng.randint(0, 2))
    )
    return f"""---
type: contact
id: ct-{rng.randrange(10**6):06d}
name: {name}
aliases: [{name.split()[0]}]
organisation: "[[{org}]]"
role: {rng.choice(ROLES)}
email: {name.split()[0].lower()}@example.org
referred_by: {f'"[[{referrer}]]"' if referrer else ""}
status: {status}
stay_in_touch: {stay}
next_contact:
tags: [network]
created: {day(rng)}
---
# {name}

## Background research

{paragraph(rng)}

## Conversation log

{paragraph(rng)}

## Follow-ups

{tasks}
"""


def meeting_note(name: str, when: dt.date, suggested: str, rng: random.Random) -> str:
    status = "done" if when < dt.date(2026, 6, 1) else "planned"
    return f"""---
type: meeting
id: mt-{rng.randrange(10**6):06d}
contact: "[[{name}]]"
date: {when}
time: '{rng.randint(8, 17):02d}:{rng.choice(["00", "30"])}'
duration: {rng.choice([20, 30, 45])}
location: {rng.choice(["Cuba St café", "Library", "Video call"])}
mode: {rng.choice(["in-person", "video", "phone"])}
objective: {sentence(rng)}
status: {status}
tags: []
---
# Conversation with {name}

## Preparation

- [x] Research their organisation
- [ ] Choose my questions

## Notes

{paragraph(rng)}

{paragraph(rng)}

## Names they suggested

- [[{suggested}]], worth talking to

## Next steps

- [ ] Reflect on the conversation with [[{name}]] 📅 {when} ^fu-{rng.randrange(36**4):04x}
- [{rng.choice(" x")}] Send a thank-you to [[{name}]] 📅 {when + dt.timedelta(days=1)}
- [ ] Connect with [[{name}]] online 📅 {when + dt.timedelta(days=1)}
"""


def organisation_note(name: str, rng: random.Random) -> str:
    return f"""---
type: organisation
name: {name}
aliases: []
industry: {rng.choice(["software", "health", "government", "retail"])}
tags: [organisation]
---
# {name}

{paragraph(rng)}
"""


def ordinary_note(number: int, rng: random.Random, names: list[str]) -> str:
    created = day(rng)
    tags = ", ".join(rng.sample(TAGS, rng.randint(0, 3)))
    extra = ""
    if rng.random() < 0.1:
        extra += f"aliases: [Note {number}, N{number}]\n"
    if rng.random() < 0.2:
        extra += f'related: "[[{rng.choice(names)}]]"\n'
    if rng.random() < 0.1:
        extra += f"rating: {rng.randint(1, 5)}\nsource: https://example.org/{number}\n"
    links = " ".join(f"[[Note {rng.randrange(number + 1)}]]" for _ in range(rng.randint(0, 3)))
    todo = f"- [ ] {sentence(rng)} 📅 {day(rng)}\n" if rng.random() < 0.2 else ""
    body = "\n\n".join(paragraph(rng) for _ in range(rng.randint(2, 8)))
    if rng.random() < 0.15:
        return f"# Note {number}\n\n{body}\n{links}\n"  # no front matter at all
    return (
        f"---\ncreated: {created}\ntags: [{tags}]\n{extra}---\n"
        f"# Note {number}\n\n{body}\n\n{links}\n{todo}"
    )


def broken_note(number: int) -> str:
    return f"---\ntitle: [unclosed {number}\ntags: journal\n---\nBroken front matter.\n"


def folder_for(number: int, rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.5:
        when = day(rng)
        return f"Daily/{when.year}/{when.month:02d}"
    if kind < 0.8:
        return f"Projects/Project {number % 37}"
    return f"Areas/{rng.choice(TAGS).title()}"


def generate(root: Path, total: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    scale = total / 10_000
    n_contacts = round(CONTACTS_PER_10K * scale)
    n_meetings = round(MEETINGS_PER_10K * scale)
    n_orgs = max(1, round(ORGANISATIONS_PER_10K * scale))
    (root / ".vaulttools").mkdir(parents=True, exist_ok=True)
    (root / ".obsidian").mkdir(exist_ok=True)
    (root / ".obsidian" / "app.json").write_text("{}")
    orgs = [f"{rng.choice(ORGS)} {i}" for i in range(n_orgs)]
    names = people(n_contacts, rng)
    files: dict[str, str] = {}
    for org in orgs:
        files[f"Organisations/{org}.md"] = organisation_note(org, rng)
    for index, name in enumerate(names):
        referrer = names[rng.randrange(index)] if index and rng.random() < 0.3 else None
        files[f"Contacts/{name}.md"] = contact_note(name, rng.choice(orgs), referrer, rng)
    for number in range(n_meetings):
        name, when = rng.choice(names), day(rng, 1100)
        stem = f"{when} {name}" + (f" {number}" if f"Meetings/{when} {name}.md" in files else "")
        files[f"Meetings/{stem}.md"] = meeting_note(name, when, rng.choice(names), rng)
    number = 0
    while len(files) < total:
        text = broken_note(number) if rng.random() < 0.005 else ordinary_note(number, rng, names)
        files[f"{folder_for(number, rng)}/Note {number}.md"] = text
        number += 1
    for path, text in files.items():
        write(root / path, text, rng)


def write(path: Path, text: str, rng: random.Random) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    roll = rng.random()
    data = text.replace("\n", "\r\n") if roll < 0.05 else text
    prefix = "\ufeff" if 0.05 <= roll < 0.08 else ""
    path.write_bytes((prefix + data).encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.path, args.notes, args.seed)
    print(f"Wrote {args.notes:,} notes to {args.path}")


if __name__ == "__main__":
    main()

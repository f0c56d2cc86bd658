"""Build examples/vault with vaulttools itself, then write in it as a user would.

    python examples/make_example_vault.py [TARGET]   (TARGET must not exist; default examples/vault)

Everything here is fictional. Notes are created by the `vault` commands; the "user" then fills
in notes, marks past meetings done and ticks some follow-ups, as they would in Obsidian.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ORGANISATIONS = [
    ("Kōwhai Analytics", "Data and analytics consultancy", "Wellington"),
    ("Harbourside Health", "Health technology", "Wellington"),
    ("Tui Software Co-op", "Software development", "Christchurch"),
    ("Civic Data Trust", "Public-sector data", "Wellington"),
]
CONTACTS = [
    ("Aroha Ngata", "Kōwhai Analytics", "Data Engineer", "Wellington Python meetup", None),
    ("Ben Carter", "Kōwhai Analytics", "Product Manager", "Introduced by Aroha", "Aroha Ngata"),
    ("Priya Raman", "Harbourside Health", "UX Researcher", "Lecturer's introduction", None),
    ("Tom Fletcher", "Tui Software Co-op", "Software Developer", "LinkedIn message", None),
    ("Mele Tupou", "Civic Data Trust", "Policy Analyst", "Careers fair", None),
    (
        "Sam Lee",
        "Tui Software Co-op",
        "Site Reliability Engineer",
        "Suggested by Tom",
        "Tom Fletcher",
    ),
]
# contact, date, time, mode, location, questions, outcome (done / planned)
MEETINGS = [
    ("Aroha Ngata", "2026-10-14", "12:30", "in-person", "Cuba St café", "job,career", "done"),
    ("Ben Carter", "2026-10-28", "10:00", "video", "Video call", "job,organisation", "done"),
    (
        "Priya Raman",
        "2026-11-05",
        "15:00",
        "in-person",
        "Harbourside Health, level 2",
        None,
        "done",
    ),
    ("Tom Fletcher", "2026-11-12", "09:30", "phone", None, "career,preparation", "done"),
    ("Aroha Ngata", "2026-11-20", "12:30", "in-person", "Cuba St café", "industry", "done"),
    ("Mele Tupou", "2026-12-03", "11:00", "in-person", "Civic Data Trust lobby", None, "planned"),
    ("Priya Raman", "2026-12-08", "16:00", "video", "Video call", "environment", "planned"),
    ("Ben Carter", "2026-12-10", "08:30", "phone", None, "general", "planned"),
]
NOTES = {
    "Aroha Ngata": "Most of her week is building pipelines; the rest is talking to analysts "
    "about what they need. Started as an analyst herself.",
    "Ben Carter": "Product work here is half research, half negotiation. He suggested "
    "shadowing a sprint review.",
    "Priya Raman": "Research plans are agreed with clinicians first; recruiting patients takes "
    "longer than the research.",
    "Tom Fletcher": "The co-op hires juniors every autumn and pairs each with a mentor.",
}
SUGGESTED = {
    "Tom Fletcher": ["[[Sam Lee]], runs their infrastructure team"],
    "Priya Raman": ["[[Hana Wright]], service designer at Harbourside Health"],
    "Aroha Ngata": ["[[Ben Carter]], product manager on her team"],
}
LATE_THANKER = "Tom Fletcher"  # leaves his follow-ups open, so the example has overdue ones
TICKED = {"Reflect on", "Send a thank-you", "Connect with"}


def vault(target: Path, *args: str) -> str:
    command = [sys.executable, "-m", "vaulttools", "--vault", str(target), *args]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def build(target: Path) -> None:
    subprocess.run([sys.executable, "-m", "vaulttools", "init", str(target)], check=True)
    for name, industry, location in ORGANISATIONS:
        vault(target, "new-org", name, "--industry", industry, "--location", location)
    for name, org, role, how, referrer in CONTACTS:
        extra = ["--referred-by", referrer] if referrer else []
        vault(target, "new-contact", name, "--org", org, "--role", role, "--how-met", how, *extra)
    for contact, day, time, mode, place, questions, outcome in MEETINGS:
        args = ["new-meeting", contact, "--date", day, "--time", time, "--mode", mode]
        args += ["--location", place] if place else []
        args += ["--questions", questions] if questions else []
        path = Path(vault(target, *args))
        if outcome == "done":
            write_up(path, contact, first=day == first_meeting(contact))


def first_meeting(contact: str) -> str:
    return min(day for who, day, *_ in MEETINGS if who == contact)


def write_up(path: Path, contact: str, first: bool) -> None:
    """What the user does after a conversation: notes, names, ticks, status."""
    text = path.read_text(encoding="utf-8").replace("status: planned", "status: done", 1)
    if first and contact in NOTES:
        text = text.replace("## Notes\n", f"## Notes\n\n{NOTES[contact]}\n", 1)
    if first and contact in SUGGESTED:
        names = "\n".join(f"- {line}" for line in SUGGESTED[contact])
        text = re.sub(
            r"(## Names they suggested\n(?:.*\n)*?)-\n", rf"\g<1>{names}\n", text, count=1
        )
    lines = [
        tick(line) if first and contact != "Tom Fletcher" else line for line in text.split("\n")
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def tick(line: str) -> str:
    """Tick a follow-up as Obsidian Tasks does: [x] and a done date, block id kept last."""
    match = re.match(r"- \[ \] (.*) 📅 (\d{4}-\d{2}-\d{2}) (\^fu-\w+)$", line)
    if not match or not any(match[1].startswith(prefix) for prefix in TICKED):
        return line
    return f"- [x] {match[1]} 📅 {match[2]} ✅ {match[2]} {match[3]}"


if __name__ == "__main__":
    destination = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "vault")
    if destination.exists():
        sys.exit(f"{destination} exists; choose a new folder.")
    build(destination)
    print(f"Example vault written to {destination}")

"""Two-way sync of follow-ups (VTODO) and meetings (VEVENT) with a CalDAV calendar.

items.py maps records to calendar items and back (pure), state.py remembers what was last
sent and seen, sync.py decides what to do, client.py talks to the server through the caldav
library, secrets.py finds the password, and run.py wires them to a vault.
"""

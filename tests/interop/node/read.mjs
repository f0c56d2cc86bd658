// Reads .ics files with Mozilla's ical.js (as Thunderbird does) and with node-ical, and prints,
// for each reader and file, every item's UID with its start and end as UTC instants (or its
// days, for whole-day items), as JSON on stdout.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";
import nodeIcal from "node-ical";

function when(time) {
  return time.isDate ? time.toString() : time.toJSDate().toISOString();
}

function withIcalJs(text) {
  const root = new ICAL.Component(ICAL.parse(text));
  for (const zone of root.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  }
  const items = {};
  for (const part of root.getAllSubcomponents("vevent")) {
    const event = new ICAL.Event(part);
    items[event.uid] = { start: when(event.startDate), end: when(event.endDate) };
  }
  for (const part of root.getAllSubcomponents("vtodo")) {
    const due = part.getFirstPropertyValue("due");
    items[part.getFirstPropertyValue("uid")] = { start: due ? when(due) : null, end: null };
  }
  for (const zone of root.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.remove(zone.getFirstPropertyValue("tzid"));
  }
  return items;
}

function nodeWhen(value) {
  if (!value) return null;
  // Whole days come as local midnight; this process runs in UTC.
  return value.dateOnly ? value.toISOString().slice(0, 10) : value.toISOString();
}

function withNodeIcal(text) {
  const items = {};
  for (const item of Object.values(nodeIcal.sync.parseICS(text))) {
    if (item.type === "VEVENT") {
      items[item.uid] = { start: nodeWhen(item.start), end: nodeWhen(item.end) };
    } else if (item.type === "VTODO") {
      items[item.uid] = { start: nodeWhen(item.due), end: null };
    }
  }
  return items;
}

const result = { "ical.js": {}, "node-ical": {} };
for (const path of process.argv.slice(2)) {
  const text = readFileSync(path, "utf8");
  result["ical.js"][path] = withIcalJs(text);
  result["node-ical"][path] = withNodeIcal(text);
}
process.stdout.write(JSON.stringify(result));

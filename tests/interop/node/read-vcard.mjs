// Reads a .vcf file with Mozilla's ical.js (RFC 6350, as Thunderbird's address book does) and
// prints each card's version and the properties vaulttools writes, as JSON on stdout.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const PROPERTIES = ["fn", "n", "org", "title", "email", "tel", "url", "uid"];

let parsed = ICAL.parse(readFileSync(process.argv[2], "utf8"));
if (typeof parsed[0] === "string") parsed = [parsed]; // a file with one card
const cards = parsed.map((jcard) => {
  const card = new ICAL.Component(jcard);
  const read = { kind: card.name, version: card.getFirstPropertyValue("version") };
  for (const name of PROPERTIES) read[name] = card.getFirstPropertyValue(name);
  return read;
});
console.log(JSON.stringify(cards));

// `npm run schemas`: writes the event catalog's JSON Schemas (schemas/events/<source>/<Name>.v<N>.json)
// and records each new version's hash in schemas/events/versions.json. Refuses to change a
// version already recorded: a changed schema needs a new version (functions/events/json-schemas.ts).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import {
  changedWithoutBump,
  eventSchemaFiles,
  SCHEMA_DIR,
  VERSIONS_FILE,
} from '../functions/events/json-schemas.ts';

const files = eventSchemaFiles();
const recorded: Record<string, string> = existsSync(VERSIONS_FILE)
  ? (JSON.parse(readFileSync(VERSIONS_FILE, 'utf8')) as Record<string, string>)
  : {};
const changed = changedWithoutBump(files, recorded);
if (changed.length > 0) {
  for (const { message } of changed) console.error(message);
  process.exit(1);
}
let written = 0;
for (const file of files) {
  const path = join(SCHEMA_DIR, `${file.key}.json`);
  mkdirSync(dirname(path), { recursive: true });
  // Compared as JSON: a formatter may lay the committed file out differently.
  if (existsSync(path) && isDeepStrictEqual(JSON.parse(readFileSync(path, 'utf8')), JSON.parse(file.text)))
    continue;
  writeFileSync(path, file.text);
  written++;
}
// Every version ever published stays recorded (and its file stays), so consumers of an old
// version keep their schema.
const versions = { ...recorded, ...Object.fromEntries(files.map((f) => [f.key, f.hash])) };
const sorted = Object.fromEntries(Object.entries(versions).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(VERSIONS_FILE, `${JSON.stringify(sorted, null, 2)}\n`);
console.log(`${files.length} event schemas in ${SCHEMA_DIR} (${written} written)`);

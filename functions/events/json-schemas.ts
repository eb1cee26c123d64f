/**
 * The JSON Schemas of the event catalog, for integrators who do not read TypeScript: one file
 * per event and version, `schemas/events/<source>/<Name>.v<N>.json`, generated from the zod
 * schemas (`npm run schemas`, zod's own `z.toJSONSchema`). Emitted events are described as
 * Leadflow publishes them; consumed events as a sender may send them (defaults optional).
 *
 * A published version never changes: `schemas/events/versions.json` records the hash of each
 * version's schema, the generator refuses to change one, and test/unit/event-schemas.test.ts
 * fails when the catalog's schema no longer matches the hash recorded for its version.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import {
  ACTIVITY_EVENTS,
  ACTIVITY_SOURCES,
  EVENT_SOURCE,
  EVENT_VERSIONS,
  LEADFLOW_EVENTS,
} from './catalog.ts';
import { CONSUMED_EXAMPLES, EMITTED_EXAMPLES } from './examples.ts';

export const SCHEMA_DIR = 'schemas/events';
export const VERSIONS_FILE = `${SCHEMA_DIR}/versions.json`;
const ID_BASE = 'https://leadflow.dev/schemas/events/';

export interface EventSchemaFile {
  /** `<source>/<Name>.v<N>`: the key in versions.json, and the file's path under SCHEMA_DIR. */
  key: string;
  name: string;
  source: string;
  version: number;
  direction: 'emitted' | 'consumed';
  example: Record<string, unknown>;
  /** The file's content (formatted JSON, ending in a newline). */
  text: string;
  /** SHA-256 of the schema without its title, description and examples: what a version pins. */
  hash: string;
}

/** Sorted keys at every level, so the hash does not depend on property order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null)
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** Emitted events as Leadflow publishes them; consumed ones as a sender may send them. */
export function jsonSchemaOf(
  schema: z.core.$ZodType,
  direction: 'emitted' | 'consumed',
): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: direction === 'emitted' ? 'output' : 'input' }) as Record<
    string,
    unknown
  >;
}

/** What a version pins: the schema's shape, whatever the order of its properties. */
export function schemaHash(shape: Record<string, unknown>): string {
  const { $schema: _dialect, ...rest } = shape;
  return createHash('sha256').update(canonical(rest)).digest('hex');
}

function schemaFile(
  direction: 'emitted' | 'consumed',
  name: string,
  source: string,
  version: number,
  schema: z.core.$ZodType,
  example: Record<string, unknown>,
): EventSchemaFile {
  const key = `${source}/${name}.v${version}`;
  const { $schema, ...shape } = jsonSchemaOf(schema, direction);
  const hash = schemaHash(shape);
  const document = {
    $schema,
    $id: `${ID_BASE}${key}.json`,
    title: `${name} v${version}`,
    description:
      direction === 'emitted'
        ? `The detail of "${name}" events Leadflow puts on the unit's bus (source "${source}").`
        : `The detail of "${name}" events Leadflow reads from the unit's bus (source "${source}") or from POST /events/*.`,
    ...shape,
    examples: [example],
  };
  return {
    key,
    name,
    source,
    version,
    direction,
    example,
    text: `${JSON.stringify(document, null, 2)}\n`,
    hash,
  };
}

/** Every event of the catalog, at its current version. */
export function eventSchemaFiles(): EventSchemaFile[] {
  const emitted = (Object.keys(LEADFLOW_EVENTS) as Array<keyof typeof LEADFLOW_EVENTS>).map((name) =>
    schemaFile(
      'emitted',
      name,
      EVENT_SOURCE,
      EVENT_VERSIONS.emitted[name],
      LEADFLOW_EVENTS[name],
      EMITTED_EXAMPLES[name],
    ),
  );
  const consumed = (Object.keys(ACTIVITY_EVENTS) as Array<keyof typeof ACTIVITY_EVENTS>).map((name) =>
    schemaFile(
      'consumed',
      name,
      ACTIVITY_SOURCES[name],
      EVENT_VERSIONS.consumed[name],
      ACTIVITY_EVENTS[name],
      CONSUMED_EXAMPLES[name],
    ),
  );
  return [...emitted, ...consumed];
}

/** Versions whose schema differs from the hash recorded when they were published. */
export function changedWithoutBump(
  files: EventSchemaFile[],
  recorded: Record<string, string>,
): Array<{ key: string; message: string }> {
  return files
    .filter((f) => recorded[f.key] !== undefined && recorded[f.key] !== f.hash)
    .map((f) => ({
      key: f.key,
      message: `${f.key} changed after it was published: bump EVENT_VERSIONS.${f.direction}.${f.name} in functions/events/catalog.ts to ${f.version + 1} (an emitted event's envelope version too) and run npm run schemas`,
    }));
}

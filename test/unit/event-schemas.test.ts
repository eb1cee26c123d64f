/**
 * The event catalog as published: every event has a version and an example that its schema
 * accepts, the JSON Schemas in schemas/events/ are what the catalog generates, and a schema
 * cannot change under a version already published (versions.json pins each version's hash).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ACTIVITY_EVENTS, EVENT_VERSIONS, LEADFLOW_EVENTS } from '../../functions/events/catalog.ts';
import { CONSUMED_EXAMPLES, EMITTED_EXAMPLES } from '../../functions/events/examples.ts';
import {
  changedWithoutBump,
  eventSchemaFiles,
  jsonSchemaOf,
  SCHEMA_DIR,
  schemaHash,
  VERSIONS_FILE,
} from '../../functions/events/json-schemas.ts';

const files = eventSchemaFiles();
const recorded = JSON.parse(readFileSync(VERSIONS_FILE, 'utf8')) as Record<string, string>;

describe('the event catalog', () => {
  it('has a version and an example its schema accepts for every event', () => {
    for (const name of Object.keys(LEADFLOW_EVENTS) as Array<keyof typeof LEADFLOW_EVENTS>) {
      expect(EVENT_VERSIONS.emitted[name], name).toBeGreaterThanOrEqual(1);
      expect(LEADFLOW_EVENTS[name].safeParse(EMITTED_EXAMPLES[name]).error, name).toBeUndefined();
    }
    for (const name of Object.keys(ACTIVITY_EVENTS) as Array<keyof typeof ACTIVITY_EVENTS>) {
      expect(EVENT_VERSIONS.consumed[name], name).toBeGreaterThanOrEqual(1);
      expect(ACTIVITY_EVENTS[name].safeParse(CONSUMED_EXAMPLES[name]).error, name).toBeUndefined();
    }
  });

  it('publishes each emitted event with the envelope version its catalog entry declares', () => {
    for (const file of files.filter((f) => f.direction === 'emitted')) {
      const schema = JSON.parse(file.text) as { properties: { version: { const: number } } };
      expect(schema.properties.version.const, file.key).toBe(file.version);
    }
  });
});

describe('schemas/events', () => {
  it('holds the JSON Schema the catalog generates for every event (else: npm run schemas)', () => {
    for (const file of files) {
      const committed = JSON.parse(readFileSync(join(SCHEMA_DIR, `${file.key}.json`), 'utf8')) as unknown;
      expect(committed, `${file.key}: run npm run schemas`).toEqual(JSON.parse(file.text));
    }
  });

  it('records every current version, and no schema changed under a published version', () => {
    for (const file of files) expect(recorded[file.key], `${file.key} is not recorded`).toBeDefined();
    expect(changedWithoutBump(files, recorded)).toEqual([]);
  });

  it('tells a changed schema from an unchanged one, and asks for a version bump', () => {
    const touch = files.find((f) => f.key === 'leadflow.sales/TouchLogged.v1')!;
    const same = schemaHash(jsonSchemaOf(ACTIVITY_EVENTS.TouchLogged, 'consumed'));
    // The same event with one more required field is another schema.
    const widened = schemaHash(
      jsonSchemaOf(ACTIVITY_EVENTS.TouchLogged.extend({ campaign: z.string() }), 'consumed'),
    );
    expect(same).toBe(touch.hash);
    expect(widened).not.toBe(touch.hash);
    expect(changedWithoutBump([{ ...touch, hash: widened }], recorded)).toEqual([
      expect.objectContaining({
        key: touch.key,
        message: expect.stringContaining('bump EVENT_VERSIONS.consumed.TouchLogged'),
      }),
    ]);
  });
});

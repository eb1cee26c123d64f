/**
 * Write units a table write costs in gsi1, by DynamoDB's rule for global secondary indexes:
 * an item that enters the index writes its entry; one that leaves deletes it; one whose index
 * key changes does both; one whose key stays writes the entry again only if a projected
 * attribute changed; otherwise the index is not written at all. Each write costs one unit per
 * started KB of the index entry (keys plus projected attributes).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GSI1_ATTRIBUTES, TABLE_KEYS } from '../../infra/constructs/data.ts';

export type StoredItem = Record<string, AttributeValue>;

const ENTRY_ATTRIBUTES = [
  TABLE_KEYS.pk,
  TABLE_KEYS.sk,
  TABLE_KEYS.gsi1pk,
  TABLE_KEYS.gsi1sk,
  ...GSI1_ATTRIBUTES,
];

function indexEntry(item: StoredItem | undefined): StoredItem | undefined {
  if (!item?.[TABLE_KEYS.gsi1pk] || !item[TABLE_KEYS.gsi1sk]) return undefined;
  const entry: StoredItem = {};
  for (const name of ENTRY_ATTRIBUTES) if (item[name]) entry[name] = item[name];
  return entry;
}

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** DynamoDB's item-size rule (names + values; numbers about 1 byte per 2 digits). */
function valueSize(v: AttributeValue): number {
  if (v.S !== undefined) return utf8(v.S);
  if (v.N !== undefined) return Math.ceil(v.N.replace(/^-|\.|e.*$/gi, '').length / 2) + 1;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.B !== undefined) return v.B.length;
  if (v.L) return 3 + v.L.reduce((sum, x) => sum + 1 + valueSize(x), 0);
  if (v.M) return 3 + Object.entries(v.M).reduce((sum, [k, x]) => sum + 1 + utf8(k) + valueSize(x), 0);
  if (v.SS) return v.SS.reduce((sum, s) => sum + utf8(s), 0);
  if (v.NS) return v.NS.reduce((sum, s) => sum + s.length, 0);
  return 0;
}

export function itemSize(item: StoredItem): number {
  return Object.entries(item).reduce((sum, [name, v]) => sum + utf8(name) + valueSize(v), 0);
}

const units = (entry: StoredItem) => Math.max(1, Math.ceil(itemSize(entry) / 1024));

/** A canonical form: attribute order and map key order do not make two entries differ. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Uint8Array))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

export function indexWriteUnits(before: StoredItem | undefined, after: StoredItem | undefined): number {
  const old = indexEntry(before);
  const next = indexEntry(after);
  if (!old && !next) return 0;
  if (!old) return units(next as StoredItem);
  if (!next) return units(old);
  const sameKey =
    canonical(old[TABLE_KEYS.gsi1pk]) === canonical(next[TABLE_KEYS.gsi1pk]) &&
    canonical(old[TABLE_KEYS.gsi1sk]) === canonical(next[TABLE_KEYS.gsi1sk]);
  if (!sameKey) return units(old) + units(next);
  return canonical(old) === canonical(next) ? 0 : units(next);
}

/**
 * The event archive's layout and table schema, shared by the CDK construct (Firehose prefix,
 * Glue table), the local runtime's archive writer and the DuckDB test.
 *
 * Each record is one EventBridge event exactly as a rule target receives it (`version`, `id`,
 * `detail-type`, `source`, `time`, `detail`, ...), one JSON object per line.
 */

/** Firehose evaluates `!{timestamp:...}` at arrival, in the unit's time zone (CustomTimeZone). */
export const DAY_PARTITION_EXPRESSION = '!{timestamp:yyyy-MM-dd}';

/** Hive-style keys, so Athena's partition projection and DuckDB's hive_partitioning both read them. */
export const archivePrefix = (unit: string): string => `events/unit=${unit}/dt=${DAY_PARTITION_EXPRESSION}/`;

export const archiveErrorPrefix = (unit: string): string =>
  `errors/unit=${unit}/!{firehose:error-output-type}/dt=${DAY_PARTITION_EXPRESSION}/`;

/** Where the Athena workgroup writes query results (same bucket, short lifecycle). */
export const ATHENA_RESULTS_PREFIX = 'athena-results/';

/**
 * Without a unit config field for it: two years, so a period can be compared with the same
 * period a year before; `LeadflowEventArchive`'s `retention` prop overrides it.
 */
export const DEFAULT_ARCHIVE_RETENTION_DAYS = 731;

/** The partition columns, in path order. */
export const PARTITION_KEYS = [
  { name: 'unit', type: 'string' },
  { name: 'dt', type: 'string' },
] as const;

const owner = 'struct<repId:string,teamId:string,fallback:boolean>';

/**
 * The `detail.data` fields the queries read (and a few more analysts ask for). A field not listed
 * is not visible in Athena; add it here (Hive type syntax) and both the Glue table and the DuckDB
 * test see it. `from`/`to` of LeadReassigned are left out: both are reserved words in Presto.
 */
const DATA_FIELDS = [
  ['intent', 'string'],
  ['formId', 'string'],
  ['country', 'string'],
  ['utm', 'struct<source:string,medium:string,campaign:string>'],
  ['resubmission', 'boolean'],
  ['total', 'double'],
  ['level', 'string'],
  ['owner', owner],
  ['followUpDueAt', 'string'],
  ['reassignments', 'int'],
  ['reason', 'string'],
  ['result', 'string'],
  ['amount', 'double'],
  ['channel', 'string'],
  ['touchAttempts', 'int'],
  ['businessMinutesSinceAssigned', 'double'],
  ['attribution', 'struct<source:string,campaign:string,segment:string>'],
] as const;

const DETAIL_TYPE = `struct<version:int,eventId:string,occurredAt:string,businessUnit:string,leadId:string,data:struct<${DATA_FIELDS.map(
  ([name, type]) => `${name}:${type}`,
).join(',')}>>`;

/**
 * The table's columns. `detail_type` is the event's `detail-type` (a SerDe mapping in Glue, a
 * renamed column in DuckDB): a hyphen is no column name.
 */
export const ARCHIVE_COLUMNS = [
  { name: 'id', type: 'string', jsonKey: 'id' },
  { name: 'detail_type', type: 'string', jsonKey: 'detail-type' },
  { name: 'source', type: 'string', jsonKey: 'source' },
  { name: 'time', type: 'string', jsonKey: 'time' },
  { name: 'detail', type: DETAIL_TYPE, jsonKey: 'detail' },
] as const;

/**
 * A Hive type as DuckDB spells it (`struct<a:string>` → `STRUCT("a" VARCHAR)`), for reading the
 * local archive with the same schema as the Glue table.
 */
export function duckDbType(hiveType: string): string {
  let rest = hiveType.trim();
  const scalar: Record<string, string> = {
    string: 'VARCHAR',
    boolean: 'BOOLEAN',
    int: 'INTEGER',
    bigint: 'BIGINT',
    double: 'DOUBLE',
  };
  function parse(): string {
    const struct = /^struct</.exec(rest);
    if (struct) {
      rest = rest.slice(struct[0].length);
      const fields: string[] = [];
      while (!rest.startsWith('>')) {
        const name = /^(\w+):/.exec(rest);
        if (!name) throw new Error(`bad struct field at ${rest}`);
        rest = rest.slice(name[0].length);
        fields.push(`"${name[1]}" ${parse()}`);
        if (rest.startsWith(',')) rest = rest.slice(1);
      }
      rest = rest.slice(1);
      return `STRUCT(${fields.join(', ')})`;
    }
    const name = /^\w+/.exec(rest)?.[0] ?? '';
    const type = scalar[name];
    if (!type) throw new Error(`no DuckDB type for ${name || rest}`);
    rest = rest.slice(name.length);
    return type;
  }
  return parse();
}

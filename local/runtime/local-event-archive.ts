/**
 * The event archive, locally: what Firehose writes to S3 for a rule's delivery stream, as
 * newline-delimited JSON files under the data folder, with the same keys (the stream's prefix
 * from the synthesized template, its `!{timestamp:...}` evaluated at arrival in the stream's time
 * zone). Uncompressed, one file per stream and partition, appended: DuckDB and `jq` read it as is.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DateTime } from 'luxon';
import type { SynthesizedDeliveryStream } from '../../infra/synth.ts';

/**
 * Evaluates Firehose's `!{timestamp:<Java date format>}` expressions (the letters y M d H m s
 * mean the same in luxon). Any other `!{...}` expression is left out of the local layout.
 */
export function evaluatePrefix(prefix: string, at: Date, timeZone: string): string {
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  return prefix.replace(/!\{timestamp:([^}]+)\}/g, (_m, format: string) => local.toFormat(format));
}

export class LocalEventArchive {
  constructor(readonly dir: string) {}

  /** The file an event arriving at `at` on `stream` goes to. */
  fileFor(stream: SynthesizedDeliveryStream, at: Date): string {
    return join(this.dir, evaluatePrefix(stream.prefix, at, stream.timeZone), `${stream.id}.ndjson`);
  }

  /** Synchronous, so an event on the bus is in the archive when put returns (Firehose buffers; tests need not). */
  write(stream: SynthesizedDeliveryStream, event: unknown, at: Date): void {
    const file = this.fileFor(stream, at);
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, `${JSON.stringify(event)}\n`);
  }
}

/**
 * `npm run agreement -- --unit <unit> [--format markdown|html|json] [--on YYYY-MM-DD]`
 *
 * Prints the unit's sales and marketing agreement in plain words, from its config: the same
 * document as GET /agreement, so what the teams read is what the engine runs. `--on` shows the
 * agreement as it stands on another local day (a version scheduled for next year, say).
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadBusinessUnitConfig } from '../config/load.ts';
import { startOfLocalDate } from '../functions/domain/agreement/dates.ts';
import { renderAgreement } from '../functions/domain/agreement/render.ts';

export const USAGE =
  'Usage: npm run agreement -- --unit <unit> [--format markdown|html|json] [--on YYYY-MM-DD]';

const FORMATS = ['markdown', 'html', 'json'] as const;

export async function runAgreement(
  argv: string[],
  print: (text: string) => void = (text) => process.stdout.write(`${text}\n`),
  now: Date = new Date(),
): Promise<number> {
  let values: { unit?: string; format?: string; on?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        unit: { type: 'string' },
        format: { type: 'string', default: 'markdown' },
        on: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    print(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    print(USAGE);
    return 0;
  }
  const format = FORMATS.find((f) => f === values.format);
  if (!values.unit || !format) {
    print(`${values.unit ? `Unknown format '${values.format}'.` : 'Missing --unit.'}\n${USAGE}`);
    return 2;
  }
  try {
    const config = await loadBusinessUnitConfig(values.unit);
    // Noon of the day asked for: the agreement of that local day, whatever the zone.
    const at = values.on ? new Date(startOfLocalDate(values.on, config.timezone) + 12 * 3_600_000) : now;
    const { html, markdown, ...document } = renderAgreement(config, { now: at });
    print(
      format === 'html' ? html : format === 'json' ? JSON.stringify(document, null, 2) : markdown.trimEnd(),
    );
    return 0;
  } catch (error) {
    print(`Cannot render the agreement of unit ${values.unit}: ${(error as Error).message}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runAgreement(process.argv.slice(2));
}

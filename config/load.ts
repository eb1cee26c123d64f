/**
 * Finds and validates a business unit's config file. Used by the CDK app (synth/deploy),
 * the local runtime and tests; Lambda bundles get the already-validated JSON baked in.
 */
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BusinessUnitConfig, BusinessUnitConfig as Schema } from './schema.ts';

const unitsDir = join(dirname(fileURLToPath(import.meta.url)), 'business-units');

export class BusinessUnitConfigError extends Error {
  override name = 'BusinessUnitConfigError';
}

export function listBusinessUnits(): string[] {
  return readdirSync(unitsDir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
}

/** Validates raw config and names the file and every failing field path in the error. */
export function parseBusinessUnitConfig(raw: unknown, file: string): BusinessUnitConfig {
  const parsed = Schema.safeParse(raw);
  if (!parsed.success) {
    const details = parsed.error.issues
      .map((i) => `  - ${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
      .join('\n');
    throw new BusinessUnitConfigError(`Invalid business unit config ${file}:\n${details}`);
  }
  return parsed.data;
}

export async function loadBusinessUnitConfig(name: string): Promise<BusinessUnitConfig> {
  const known = listBusinessUnits();
  const file = join(unitsDir, `${name}.ts`);
  const shown = relative(process.cwd(), file) || file;
  if (!known.includes(name)) {
    throw new BusinessUnitConfigError(
      `Unknown business unit "${name}": no file ${shown}. Known units: ${known.join(', ') || '(none)'}`,
    );
  }
  const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  const config = parseBusinessUnitConfig(mod.default, shown);
  if (config.name !== name) {
    throw new BusinessUnitConfigError(
      `Invalid business unit config ${shown}:\n  - name: must be "${name}" (the file name)`,
    );
  }
  return config;
}

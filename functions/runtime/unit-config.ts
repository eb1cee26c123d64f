/**
 * The business unit config a Lambda runs with. On AWS the config is baked into the bundle at
 * build time (esbuild `define` of process.env.LEADFLOW_UNIT_CONFIG), so a cold start reads no
 * file and makes no network call. The local runtime sets the same variable.
 *
 * The baked JSON is the output of the schema's parse at synth time (defaults applied), and the
 * local runtime only sets validated configs, so it is not validated again here: doing so cost
 * ~50 ms of every cold start.
 */
import type { BusinessUnitConfig } from '../../config/schema.ts';

let cached: BusinessUnitConfig | undefined;

export function unitConfig(): BusinessUnitConfig {
  if (cached) return cached;
  const raw = process.env.LEADFLOW_UNIT_CONFIG;
  if (!raw) {
    throw new Error(
      'LEADFLOW_UNIT_CONFIG is not set: the function was built or started without a business unit',
    );
  }
  cached = JSON.parse(raw) as BusinessUnitConfig;
  return cached;
}

/** For the local runtime and tests that switch units inside one process. */
export function useUnitConfig(config: BusinessUnitConfig): void {
  cached = config;
  // Indexed, not dotted: the bundler's define rewrites every `process.env.LEADFLOW_UNIT_CONFIG`.
  process.env[UNIT_CONFIG_VARIABLE] = JSON.stringify(config);
}

const UNIT_CONFIG_VARIABLE = 'LEADFLOW_UNIT_CONFIG';

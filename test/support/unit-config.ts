import demo from '../../config/business-units/demo.ts';
import { BusinessUnitConfig, type BusinessUnitConfigInput } from '../../config/schema.ts';

/**
 * The demo unit's config, optionally changed, validated as `cdk synth` would. The per-client
 * rate limits are off: the manual clock holds every test's requests in one virtual minute and
 * they all come from 127.0.0.1. test/e2e/capture-rate-limits.test.ts turns them on.
 */
export function unitConfig(
  overrides: (c: BusinessUnitConfigInput) => BusinessUnitConfigInput = (c) => c,
): BusinessUnitConfig {
  const base = structuredClone(demo) as BusinessUnitConfigInput;
  base.capture = { ...base.capture, rateLimit: { perSourcePerMinute: 0, minSecondsBetweenSubmissions: 0 } };
  return BusinessUnitConfig.parse(overrides(base));
}

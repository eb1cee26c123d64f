import demo from '../../config/business-units/demo.ts';
import { BusinessUnitConfig, type BusinessUnitConfigInput } from '../../config/schema.ts';

/** The demo unit's config, optionally changed, validated as `cdk synth` would. */
export function unitConfig(
  overrides: (c: BusinessUnitConfigInput) => BusinessUnitConfigInput = (c) => c,
): BusinessUnitConfig {
  return BusinessUnitConfig.parse(overrides(structuredClone(demo) as BusinessUnitConfigInput));
}

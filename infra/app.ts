/**
 * CDK entry point (cdk.json: `npx tsx infra/app.ts`).
 *
 *   npx cdk synth -c businessUnit=demo
 *   npx cdk deploy -c businessUnit=demo,emea --all
 *
 * One stack per unit, named `Leadflow-<unit>`, pinned to the unit's `aws.region` (and account)
 * when its config sets one, otherwise deploying to the CLI credentials' account and region. A unit
 * with `capture.edgeRateLimit` also gets `Leadflow-<unit>-edge` in us-east-1 (its WAF web ACL),
 * which `cdk deploy` deploys first. The template is the one tests and the local runtime see.
 */
import { BusinessUnitConfigError } from '../config/load.ts';
import {
  addBusinessUnitStack,
  BUSINESS_UNIT_CONTEXT,
  createLeadflowApp,
  loadBusinessUnits,
  parseBusinessUnitContext,
} from './leadflow-app.ts';
import { applyNagChecks } from './nag.ts';

async function main(): Promise<void> {
  const app = createLeadflowApp();
  const units = parseBusinessUnitContext(app.node.tryGetContext(BUSINESS_UNIT_CONTEXT));
  const configs = await loadBusinessUnits(units);
  for (const config of configs) addBusinessUnitStack(app, config);
  applyNagChecks(app);
  app.synth();
}

try {
  await main();
} catch (error) {
  // Config mistakes are the user's to fix: show the message (file + field paths), not a stack trace.
  console.error(error instanceof BusinessUnitConfigError ? `\n${error.message}\n` : error);
  process.exitCode = 1;
}

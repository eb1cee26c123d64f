/** The demo unit's stack for the stack-*.test.ts files: each synthesizes it once, in beforeAll. */
import type { Template } from 'aws-cdk-lib/assertions';
import { loadBusinessUnitConfig } from '../../config/load.ts';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { buildStack, logicalIdOf, type TestStack } from './helpers.ts';

export interface DemoStack {
  config: BusinessUnitConfig;
  built: TestStack;
  template: Template;
  stateMachineId: string;
}

export async function synthDemoStack(): Promise<DemoStack> {
  const config = await loadBusinessUnitConfig('demo');
  const built = buildStack(config);
  const template = built.template;
  const stateMachineId = logicalIdOf(template, 'AWS::StepFunctions::StateMachine');
  return { config, built, template, stateMachineId };
}

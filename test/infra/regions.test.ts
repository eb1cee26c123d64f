/** Data residency: each unit's stack is pinned to the region (and account) its config names. */
import { Token } from 'aws-cdk-lib';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import demoRaw from '../../config/business-units/demo.ts';
import { loadBusinessUnitConfig, parseBusinessUnitConfig } from '../../config/load.ts';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { addBusinessUnitStack, createLeadflowApp } from '../../infra/leadflow-app.ts';
import { applyNagChecks } from '../../infra/nag.ts';
import { unitConfig } from './helpers.ts';

let demo: BusinessUnitConfig;
let emea: BusinessUnitConfig;

beforeAll(async () => {
  [demo, emea] = await Promise.all([loadBusinessUnitConfig('demo'), loadBusinessUnitConfig('emea')]);
});

afterEach(() => {
  vi.unstubAllEnvs();
});

const app = () => createLeadflowApp({ skipBundling: true, cloudFormationValidation: false });

describe('one app, two units, two regions', () => {
  it('deploys demo to eu-central-1 and emea to eu-west-1, each as its config says', () => {
    vi.stubEnv('CDK_DEFAULT_ACCOUNT', '');
    const a = app();
    const stacks = [demo, emea].map((c) => addBusinessUnitStack(a, c));
    applyNagChecks(a);
    const assembly = a.synth();
    expect(stacks.map((s) => s.region)).toEqual(['eu-central-1', 'eu-west-1']);
    expect(stacks.map((s) => assembly.getStackArtifact(s.artifactId).environment.region)).toEqual([
      'eu-central-1',
      'eu-west-1',
    ]);
    // Region-built ARNs name the unit's region literally (here the SES identity of each sender).
    for (const [stack, region] of [
      [stacks[0], 'eu-central-1'],
      [stacks[1], 'eu-west-1'],
    ] as const) {
      const template = JSON.stringify(assembly.getStackArtifact(stack?.artifactId ?? '').template);
      expect(template).toContain(`arn:aws:ses:${region}:`);
    }
  });

  it("uses the unit's account, or the CLI's (CDK_DEFAULT_ACCOUNT) when the config names none", () => {
    vi.stubEnv('CDK_DEFAULT_ACCOUNT', '111111111111');
    const a = app();
    const pinned = addBusinessUnitStack(
      a,
      unitConfig(demoRaw, (raw) => {
        raw.name = 'pinned';
        raw.aws = { region: 'eu-north-1', account: '222222222222' };
      }),
    );
    const fallback = addBusinessUnitStack(a, demo);
    expect([pinned.region, pinned.account]).toEqual(['eu-north-1', '222222222222']);
    expect([fallback.region, fallback.account]).toEqual(['eu-central-1', '111111111111']);
  });

  it('leaves a unit without aws environment-agnostic (the CLI decides)', () => {
    const agnostic = addBusinessUnitStack(
      app(),
      unitConfig(demoRaw, (raw) => {
        delete raw.aws;
      }),
    );
    expect(Token.isUnresolved(agnostic.region)).toBe(true);
  });

  it('rejects a region that is not an AWS region name, naming the field', () => {
    const bad = { ...structuredClone(demoRaw), aws: { region: 'Frankfurt' } };
    expect(() => parseBusinessUnitConfig(bad, 'config/business-units/demo.ts')).toThrow(/aws\.region/);
  });
});

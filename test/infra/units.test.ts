/** Unit-specific stacks, several units in one app, and the errors a deployer can hit. */
import { spawn } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import demoRaw from '../../config/business-units/demo.ts';
import { listBusinessUnits, loadBusinessUnitConfig, parseBusinessUnitConfig } from '../../config/load.ts';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import {
  addBusinessUnitStack,
  createLeadflowApp,
  loadBusinessUnits,
  parseBusinessUnitContext,
} from '../../infra/leadflow-app.ts';
import { applyNagChecks } from '../../infra/nag.ts';
import { REPO_ROOT } from '../../infra/paths.ts';
import { actionsOf, buildStack, nagFindings, resourcesOf, statementsOf, type TestStack } from './helpers.ts';

let demo: BusinessUnitConfig;
let emea: BusinessUnitConfig;

beforeAll(async () => {
  [demo, emea] = await Promise.all([loadBusinessUnitConfig('demo'), loadBusinessUnitConfig('emea')]);
});

describe('emea (Turnstile secret in SSM, 90-day logs)', () => {
  let built: TestStack;
  beforeAll(() => {
    built = buildStack(emea);
  });

  it('lets capture-lead read exactly the Turnstile parameter, decrypting only through SSM', () => {
    const statements = statementsOf(built.template, 'capture-lead');
    const ssm = statements.filter((s) => s.Action.includes('ssm:GetParameter'));
    expect(ssm).toHaveLength(1);
    expect(JSON.stringify(ssm[0]?.Resource)).toContain(':parameter/leadflow/emea/turnstile-secret"');
    const kms = statements.filter((s) => s.Action.includes('kms:Decrypt'));
    expect(kms).toHaveLength(1);
    expect(kms[0]?.Condition).toMatchObject({
      StringEquals: {
        'kms:ViaService': expect.anything(),
        'kms:EncryptionContext:PARAMETER_ARN': expect.anything(),
      },
    });
    // no other function gets secrets
    expect(actionsOf(statementsOf(built.template, 'get-lead')).filter((a) => /^(ssm|kms):/.test(a))).toEqual(
      [],
    );
  });

  it('uses its own retention, origins and names', () => {
    for (const g of Object.values(resourcesOf(built.template, 'AWS::Logs::LogGroup'))) {
      expect(g.Properties.RetentionInDays).toBe(90);
    }
    built.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: { AllowOrigins: emea.capture.allowedOrigins },
    });
    built.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'leadflow-emea' });
  });

  it('has no cdk-nag findings left unacknowledged', () => {
    expect(nagFindings(built)).toEqual([]);
  });
});

describe('a unit with its own OIDC issuer', () => {
  let built: TestStack;
  const oidc = { issuer: 'https://login.acme.example/realms/sales', audience: ['leadflow-api'] };
  beforeAll(() => {
    built = buildStack({ ...demo, name: 'oidc-unit', auth: { ...demo.auth, oidc } });
  });

  it('creates no user pool and validates the external issuer and audience', () => {
    built.template.resourceCountIs('AWS::Cognito::UserPool', 0);
    built.template.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    built.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: oidc.issuer, Audience: oidc.audience },
    });
    expect(Object.keys(built.template.findOutputs('*'))).not.toContain('UserPoolId');
  });

  it('has no cdk-nag findings left unacknowledged', () => {
    expect(nagFindings(built)).toEqual([]);
  });
});

describe('several units in one app', () => {
  it('synthesize side by side with distinct stack and bus names, passing cdk-nag as cdk synth runs it', () => {
    const app = createLeadflowApp({ skipBundling: true, cloudFormationValidation: false });
    const stacks = [demo, emea].map((c) => addBusinessUnitStack(app, c));
    applyNagChecks(app);
    // In-memory synth throws with the cdk-nag report if any finding is unacknowledged.
    const assembly = app.synth();
    expect(stacks.map((s) => s.stackName)).toEqual(['Leadflow-demo', 'Leadflow-emea']);
    const busNames = stacks.map((s) => {
      const resources = assembly.getStackArtifact(s.artifactId).template.Resources as Record<
        string,
        { Type: string; Properties: { Name?: string } }
      >;
      return Object.values(resources).find((r) => r.Type === 'AWS::Events::EventBus')?.Properties.Name;
    });
    expect(busNames).toEqual(['leadflow-demo', 'leadflow-emea']);
  });
});

describe('choosing and loading units', () => {
  const known = listBusinessUnits();

  it('accepts a comma-separated list, trimming and de-duplicating', () => {
    expect(parseBusinessUnitContext(' demo , emea,demo', ['demo', 'emea'])).toEqual(['demo', 'emea']);
  });

  it('fails without a businessUnit, listing the known units', () => {
    expect(() => parseBusinessUnitContext(undefined)).toThrow(/Missing context "businessUnit"/);
    expect(() => parseBusinessUnitContext('')).toThrow(`Known units: ${known.join(', ')}`);
  });

  it('fails on an unknown unit, naming it and the known units', () => {
    expect(() => parseBusinessUnitContext('demo,nope')).toThrow(
      `Unknown business unit "nope". Known units: ${known.join(', ')}`,
    );
  });

  it('reports an invalid config with its file and field path', async () => {
    const bad = structuredClone(demoRaw) as Record<string, unknown> & {
      capture: { allowedOrigins: string[] };
    };
    bad.capture.allowedOrigins = ['not-a-url'];
    const file = 'config/business-units/demo.ts';
    const load = loadBusinessUnits(['demo'], async () => parseBusinessUnitConfig(bad, file));
    await expect(load).rejects.toThrow(file);
    await expect(load).rejects.toThrow(/capture\.allowedOrigins\.0/);
  });

  it('the CDK app exits non-zero with that message, without a stack trace', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
        cwd: REPO_ROOT,
        env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ businessUnit: 'nope' }) },
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Unknown business unit "nope". Known units: ${known.join(', ')}`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

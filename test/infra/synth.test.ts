/** infra/synth.ts: what the local runtime executes is read back from the real synthesized stack. */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBusinessUnitConfig } from '../../config/load.ts';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { archivePrefix } from '../../infra/archive/layout.ts';
import { HANDLER_NAMES } from '../../infra/constructs/leadflow-function.ts';
import { readTemplate, type SynthesizedUnit, synthesizeBusinessUnit } from '../../infra/synth.ts';
import { EVENT_ROUTES, isLambdaRoute } from '../../workflows/event-routes.ts';

let config: BusinessUnitConfig;
let unit: SynthesizedUnit;

beforeAll(async () => {
  config = await loadBusinessUnitConfig('demo');
  unit = synthesizeBusinessUnit(config);
});

/** Every value under a `Resource` or `FunctionName` key, at any depth (Parallel/Map branches included). */
function taskTargets(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) taskTargets(n, found);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'Resource' || key === 'FunctionName') && typeof value === 'string') found.push(value);
      else taskTargets(value, found);
    }
  }
  return found;
}

describe('synthesizeBusinessUnit', () => {
  it('returns plain ASL whose StartAt is one of its states', () => {
    const asl = unit.stateMachineDefinition as { StartAt: string; States: Record<string, unknown> };
    expect(Object.keys(asl.States)).toContain(asl.StartAt);
    const text = JSON.stringify(asl);
    expect(text).not.toMatch(/Fn::|"Ref"|\$\{Token/);
  });

  it('points every Lambda reference at a local ARN named after its handler module', () => {
    const lambdaArns = taskTargets(unit.stateMachineDefinition).filter((t) =>
      t.startsWith('arn:aws:lambda:'),
    );
    expect(lambdaArns.length).toBeGreaterThan(0);
    for (const arn of lambdaArns) {
      const handler = /^arn:aws:lambda:local:000000000000:function:([a-z-]+)$/.exec(arn)?.[1];
      expect(HANDLER_NAMES).toContain(handler);
    }
  });

  it('reads back one event rule per EVENT_ROUTES row with its pattern and target handler', () => {
    expect(unit.eventRules).toEqual(
      EVENT_ROUTES.map((r) => ({
        id: r.id,
        eventPattern: { source: r.sources, 'detail-type': r.detailTypes },
        handlers: isLambdaRoute(r) ? [r.target] : [],
        deliveryStreams: isLambdaRoute(r)
          ? []
          : [expect.objectContaining({ prefix: archivePrefix(config.name), compression: 'GZIP' })],
      })),
    );
  });

  it('reads back the HTTP routes with their handler and authorization', () => {
    expect(unit.httpRoutes).toEqual(
      expect.arrayContaining([
        { routeKey: 'POST /leads', handler: 'capture-lead', authorization: 'NONE' },
        { routeKey: 'GET /leads/{id}', handler: 'get-lead', authorization: 'JWT' },
      ]),
    );
  });

  it('lists the functions by logical id with handler and resolved environment', () => {
    const resources = unit.template.Resources as Record<string, { Type: string }>;
    const entries = Object.entries(unit.functions);
    expect(entries.map(([, f]) => f.handler).sort()).toEqual([...HANDLER_NAMES].sort());
    for (const [id, fn] of entries) {
      expect(resources[id]?.Type).toBe('AWS::Lambda::Function');
      expect(fn.environment.BUSINESS_UNIT).toBe('demo');
      // start-lifecycle has no table access, so no TABLE_NAME either.
      if (fn.handler === 'start-lifecycle') expect(fn.environment.TABLE_NAME).toBeUndefined();
      else expect(fn.environment.TABLE_NAME).toMatch(/^<Ref:.+>$/);
    }
    const byHandler = Object.fromEntries(entries.map(([, f]) => [f.handler, f.environment]));
    expect(byHandler['capture-lead']?.EVENT_BUS_NAME).toBe('leadflow-demo');
    expect(byHandler['start-lifecycle']?.STATE_MACHINE_ARN).toBe(
      'arn:aws:states:local:000000000000:stateMachine:leadflow-demo-lifecycle',
    );
  });

  it("resolves the region to 'local' everywhere, although the demo unit pins eu-central-1 for AWS", () => {
    expect(config.aws?.region).toBe('eu-central-1');
    expect(JSON.stringify(unit.template)).not.toContain('eu-central-1');
    const byHandler = Object.fromEntries(
      Object.values(unit.functions).map((f) => [f.handler, f.environment]),
    );
    // Built from the state machine's name by formatArn (region and account inside), not a Ref.
    expect(byHandler['lifecycle-step']?.STATE_MACHINE_ARN).toBe(
      'arn:aws:states:local:000000000000:stateMachine:leadflow-demo-lifecycle',
    );
  });

  it('caches per unit name, and re-synthesizes when that unit config changes', () => {
    expect(synthesizeBusinessUnit(config)).toBe(unit);
    const changed = synthesizeBusinessUnit({ ...config, logRetentionDays: 60 });
    expect(changed).not.toBe(unit);
    expect(synthesizeBusinessUnit({ ...config, logRetentionDays: 60 })).toBe(changed);
  });
});

describe('readTemplate token resolution', () => {
  it('resolves pseudo parameters, Lambda and bus references, and leaves readable placeholders otherwise', () => {
    const template = {
      Resources: {
        Fn1: {
          Type: 'AWS::Lambda::Function',
          Metadata: { 'leadflow:handler': 'lifecycle-step' },
          Properties: {},
        },
        Bus1: { Type: 'AWS::Events::EventBus', Properties: { Name: 'leadflow-x' } },
        Table1: { Type: 'AWS::DynamoDB::Table', Properties: {} },
        Machine: {
          Type: 'AWS::StepFunctions::StateMachine',
          Properties: {
            DefinitionString: {
              'Fn::Join': [
                '',
                [
                  '{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:',
                  { Ref: 'AWS::Partition' },
                  ':states:::lambda:invoke","Parameters":{"FunctionName":"',
                  { 'Fn::GetAtt': ['Fn1', 'Arn'] },
                  '","Payload":{"bus":"',
                  { Ref: 'Bus1' },
                  '","busArn":"',
                  { 'Fn::GetAtt': ['Bus1', 'Arn'] },
                  '","table":"',
                  { Ref: 'Table1' },
                  // biome-ignore lint/suspicious/noTemplateCurlyInString: a DefinitionSubstitutions placeholder
                  '","region":"${Region}"}},"End":true}}}',
                ],
              ],
            },
            DefinitionSubstitutions: { Region: { Ref: 'AWS::Region' } },
          },
        },
      },
    };
    const asl = readTemplate(template, 'Test').stateMachineDefinition as {
      States: { A: { Resource: string; Parameters: Record<string, unknown> } };
    };
    expect(asl.States.A.Resource).toBe('arn:aws:states:::lambda:invoke');
    expect(asl.States.A.Parameters).toEqual({
      FunctionName: 'arn:aws:lambda:local:000000000000:function:lifecycle-step',
      Payload: {
        bus: 'leadflow-x',
        busArn: 'arn:aws:events:local:000000000000:event-bus/leadflow-x',
        table: '<Ref:Table1>',
        region: 'local',
      },
    });
  });
});

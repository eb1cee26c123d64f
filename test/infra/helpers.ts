/** Shared set-up for the infra tests: build stacks without bundling and query the template. */
import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { BusinessUnitConfig, type BusinessUnitConfigInput } from '../../config/schema.ts';
import { HANDLER_METADATA_KEY, type HandlerName } from '../../infra/constructs/leadflow-function.ts';
import { addBusinessUnitStack, createLeadflowApp } from '../../infra/leadflow-app.ts';
import type { LeadflowStack } from '../../infra/stacks/leadflow-stack.ts';

export interface TestStack {
  app: App;
  stack: LeadflowStack;
  template: Template;
}

/** A unit's real stack, bundling and the (slow, not ours) CloudFormation validation skipped. */
export function buildStack(config: BusinessUnitConfig): TestStack {
  const app = createLeadflowApp({ skipBundling: true, cloudFormationValidation: false });
  const stack = addBusinessUnitStack(app, config);
  return { app, stack, template: Template.fromStack(stack) };
}

/** A parsed unit config with some fields changed (the demo unit by default). */
export function unitConfig(
  base: BusinessUnitConfigInput,
  change: (raw: BusinessUnitConfigInput) => void,
): BusinessUnitConfig {
  const raw = structuredClone(base);
  change(raw);
  return BusinessUnitConfig.parse(raw);
}

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface Statement {
  Effect: string;
  Action: string[];
  Resource: unknown[];
  Condition?: Record<string, unknown>;
}

export function resourcesOf(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

export function functionId(template: Template, handler: HandlerName): string {
  const found = Object.entries(resourcesOf(template, 'AWS::Lambda::Function')).filter(
    ([, r]) => r.Metadata?.[HANDLER_METADATA_KEY] === handler,
  );
  if (found.length !== 1) throw new Error(`expected one function for ${handler}, found ${found.length}`);
  return (found[0] as [string, Resource])[0];
}

export function functionProperties(template: Template, handler: HandlerName): Record<string, unknown> {
  const fn = resourcesOf(template, 'AWS::Lambda::Function')[functionId(template, handler)];
  if (!fn) throw new Error(`no function for ${handler}`);
  return fn.Properties;
}

export function logicalIdOf(template: Template, type: string): string {
  const ids = Object.keys(resourcesOf(template, type));
  if (ids.length !== 1) throw new Error(`expected one ${type}, found ${ids.length}`);
  return ids[0] as string;
}

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** Every Allow/Deny statement attached to the role of the function for `handler`. */
export function statementsOf(template: Template, handler: HandlerName): Statement[] {
  const fn = resourcesOf(template, 'AWS::Lambda::Function')[functionId(template, handler)] as Resource;
  const roleId = ((fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'] ?? [])[0];
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((p) => asArray(p.Properties.Roles).some((r) => (r as { Ref?: string }).Ref === roleId))
    .flatMap((p) => asArray((p.Properties.PolicyDocument as { Statement: unknown }).Statement))
    .map((s) => {
      const st = s as Record<string, unknown>;
      return {
        Effect: String(st.Effect),
        Action: asArray(st.Action).map(String),
        Resource: asArray(st.Resource),
        Condition: st.Condition as Record<string, unknown> | undefined,
      };
    });
}

export function actionsOf(statements: Statement[]): string[] {
  return statements.flatMap((s) => s.Action);
}

/** One allowed action on one resource. */
export interface Permission {
  action: string;
  resource: unknown;
}

const permissionKey = (p: Permission): string => `${p.action} ${JSON.stringify(p.resource)}`;

/** Sorted, de-duplicated, however CDK merged the statements (minimizePolicies). */
export function sortedPermissions(permissions: Permission[]): Permission[] {
  const byKey = new Map(permissions.map((p) => [permissionKey(p), p]));
  return [...byKey.keys()].sort().map((k) => byKey.get(k) as Permission);
}

/** Every action × resource the role of `handler` allows, from all of its policies. */
export function permissionsOf(template: Template, handler: HandlerName): Permission[] {
  return sortedPermissions(
    statementsOf(template, handler)
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) => s.Action.flatMap((action) => s.Resource.map((resource) => ({ action, resource })))),
  );
}

/** `{ Fn::Join: ['', parts] }` (or a plain string) as text, references as `<Ref>` / `<Id.Attr>`. */
export function joinedText(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map(joinedText).join(join[0]);
  const ref = (value as { Ref?: string }).Ref;
  if (ref) return `<${ref}>`;
  const getAtt = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
  if (getAtt) return `<${getAtt.join('.')}>`;
  return JSON.stringify(value);
}

/** cdk-nag AWS Solutions findings left after acknowledgments, as readable lines. */
export function nagFindings(test: { stack: IConstruct }): string[] {
  const report = new AwsSolutionsChecks().validateScope(test.stack);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}`),
  );
}

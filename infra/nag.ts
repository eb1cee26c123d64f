/**
 * cdk-nag (v3) wiring. v3 runs as a CDK policy-validation plugin (not an Aspect): a violation
 * fails `cdk synth` and in-memory `app.synth()`. Findings are acknowledged with CDK's native
 * `Validations.of(construct).acknowledge()`, next to the resource, each with its reason.
 * IAM5 findings must be acknowledged one by one (`AwsSolutions-IAM5[Resource::...]`).
 */
import { Stack, type Stage, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** Runs the AWS Solutions rule pack over the whole app at synth time. */
export function applyNagChecks(app: Stage): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}

export function acknowledgeNag(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * Acknowledges `AwsSolutions-IAM5` for exactly these wildcard resources (tokens allowed, e.g.
 * `${table.tableArn}/index/*`) on `scope` and its children (a role covers its DefaultPolicy).
 */
export function acknowledgeWildcardResources(scope: IConstruct, resources: string[], reason: string): void {
  const stack = Stack.of(scope);
  for (const resource of resources) {
    acknowledgeNag(
      scope,
      `AwsSolutions-IAM5[Resource::${flattenReference(stack.resolve(resource))}]`,
      reason,
    );
  }
}

/** The finding text cdk-nag derives from a (resolved) CloudFormation value: `<Id.Attr>`, `<Ref>`. */
function flattenReference(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const obj = node as Record<string, unknown>;
    if (Array.isArray(obj['Fn::Join'])) {
      const [delimiter, items] = obj['Fn::Join'] as [string, unknown[]];
      return items.map(flattenReference).join(delimiter);
    }
    if ('Fn::Sub' in obj) return flattenReference(obj['Fn::Sub']);
    if (Array.isArray(obj['Fn::GetAtt'])) {
      const [resource, attribute] = obj['Fn::GetAtt'] as [unknown, unknown];
      return `<${flattenReference(resource)}.${flattenReference(attribute)}>`;
    }
    if ('Fn::ImportValue' in obj) return flattenReference(obj['Fn::ImportValue']);
    if ('Ref' in obj) return `<${flattenReference(obj.Ref)}>`;
  }
  return JSON.stringify(node);
}

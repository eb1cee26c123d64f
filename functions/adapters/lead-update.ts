/**
 * Builds DynamoDB update expressions for lead items. Every field name goes through an
 * expression attribute name, so any name (`constructor`, `__proto__`, a reserved word, a
 * dash) is written as data, never parsed as syntax.
 */

import { type LeadStatus, leadStatus, type Stage } from '../domain/lead.ts';
import type { LeadChange } from '../domain/lead-change.ts';

/**
 * gsi1 lists leads by status (open, closed, failed), oldest first. Its entry moves only when the
 * status does: most stage changes (assigned, touched, accepted, ...) leave the index key and
 * every projected attribute as they are, so DynamoDB writes nothing to the index for them.
 */
export const statusKey = (status: LeadStatus) => `LEADS#${status}`;
const statusIndexKey = (stage: Stage) => statusKey(leadStatus(stage));

export function statusIndex(stage: Stage, createdAt: string, leadId: string) {
  return { gsi1pk: statusIndexKey(stage), gsi1sk: `${createdAt}#${leadId}` };
}

export class UpdateBuilder {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private readonly sets: string[] = [];
  private readonly removes: string[] = [];
  private readonly adds: string[] = [];
  private readonly conditions: string[] = [];

  /** `#n0.#n1` for a dotted path; one placeholder per distinct segment. */
  path(dotted: string): string {
    return dotted
      .split('.')
      .map((segment) => {
        const existing = Object.entries(this.names).find(([, name]) => name === segment)?.[0];
        if (existing) return existing;
        const key = `#n${Object.keys(this.names).length}`;
        this.names[key] = segment;
        return key;
      })
      .join('.');
  }

  value(value: unknown): string {
    const key = `:v${Object.keys(this.values).length}`;
    this.values[key] = value;
    return key;
  }

  set(dotted: string, value: unknown): this {
    if (value === undefined) this.removes.push(this.path(dotted));
    else this.sets.push(`${this.path(dotted)} = ${this.value(value)}`);
    return this;
  }

  setExpression(expression: string): this {
    this.sets.push(expression);
    return this;
  }

  add(dotted: string, amount: number): this {
    this.adds.push(`${this.path(dotted)} ${this.value(amount)}`);
    return this;
  }

  when(condition: string): this {
    this.conditions.push(condition);
    return this;
  }

  /** A lead change: fields, stage (and its status index), timeline entries; the version moves on. */
  change(change: LeadChange, now: Date): this {
    const at = now.toISOString();
    this.set('updatedAt', at);
    for (const [field, value] of Object.entries(change.set ?? {})) this.set(field, value);
    if (change.stage) this.set('stage', change.stage).set('gsi1pk', statusIndexKey(change.stage));
    if (change.timeline?.length)
      this.setExpression(
        `${this.path('timeline')} = list_append(${this.path('timeline')}, ${this.value(change.timeline)})`,
      );
    if (change.onlyFromStages)
      this.when(`${this.path('stage')} IN (${change.onlyFromStages.map((s) => this.value(s)).join(', ')})`);
    return this.add('version', 1).when('attribute_exists(pk)');
  }

  get updateExpression(): string {
    return [
      this.sets.length ? `SET ${this.sets.join(', ')}` : '',
      this.removes.length ? `REMOVE ${this.removes.join(', ')}` : '',
      this.adds.length ? `ADD ${this.adds.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
  }

  get conditionExpression(): string | undefined {
    return this.conditions.length ? this.conditions.join(' AND ') : undefined;
  }

  /** The parts of an UpdateCommand input this builder fills. */
  input() {
    return {
      UpdateExpression: this.updateExpression,
      ConditionExpression: this.conditionExpression,
      ExpressionAttributeNames: Object.keys(this.names).length ? this.names : undefined,
      ExpressionAttributeValues: Object.keys(this.values).length ? this.values : undefined,
    };
  }
}

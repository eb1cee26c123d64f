/**
 * Loads an Amazon States Language definition into the simulator's interpreter: exactly the
 * subset the synthesized lifecycle uses, every field checked. A state type, field, resource,
 * comparison operator, path form or intrinsic that the interpreter does not implement is
 * refused here, naming the state and the field, so the simulator can never run a definition
 * differently from Step Functions without saying so.
 */
import {
  compilePath,
  compileResultPath,
  compileTemplate,
  type Json,
  type Reader,
  UnsupportedAsl,
  type Writer,
} from './paths.ts';

/** The Context Object fields the interpreter provides (`$$.Execution.Name`, ...). */
export const CONTEXT_FIELDS = [
  'Execution.Id',
  'Execution.Name',
  'Execution.StartTime',
  'Execution.Input',
  'StateMachine.Id',
  'Task.Token',
] as const;

export interface Retrier {
  errorEquals: readonly string[];
  maxAttempts: number;
}
export interface Catcher {
  errorEquals: readonly string[];
  resultPath: Writer;
  next: string;
}

interface Transition {
  next?: string;
  end: boolean;
}

export type TaskState = Transition & {
  type: 'Task';
  /** The function invoked (the Lambda's name from its ARN). */
  functionName: string;
  /** `.waitForTaskToken`: the task ends with SendTaskSuccess/Failure or its timeout. */
  callback: boolean;
  /** The invocation payload (for a callback task, Parameters' `Payload`). */
  payload: Reader;
  resultSelector?: Reader;
  resultPath: Writer;
  timeoutSeconds?: number;
  timeoutPath?: Reader;
  heartbeatSeconds?: number;
  retry: readonly Retrier[];
  catch: readonly Catcher[];
};
export type ChoiceState = {
  type: 'Choice';
  choices: ReadonlyArray<{ matches: (input: Json, context: Json) => boolean; next: string }>;
  default?: string;
};
export type PassState = Transition & { type: 'Pass'; result: Reader; resultPath: Writer };
export type FailState = { type: 'Fail'; error: string; cause: string };
export type SucceedState = { type: 'Succeed' };
export type LoadedState = TaskState | ChoiceState | PassState | FailState | SucceedState;

export interface LoadedDefinition {
  startAt: string;
  states: ReadonlyMap<string, LoadedState>;
}

type Raw = Record<string, unknown>;

const ALLOWED_FIELDS: Record<string, readonly string[]> = {
  Task: [
    'Type',
    'Comment',
    'Resource',
    'Parameters',
    'ResultSelector',
    'ResultPath',
    'TimeoutSeconds',
    'TimeoutSecondsPath',
    'HeartbeatSeconds',
    'Retry',
    'Catch',
    'Next',
    'End',
  ],
  Choice: ['Type', 'Comment', 'Choices', 'Default'],
  Pass: ['Type', 'Comment', 'Parameters', 'Result', 'ResultPath', 'Next', 'End'],
  Fail: ['Type', 'Comment', 'Error', 'Cause'],
  Succeed: ['Type', 'Comment'],
};
const RETRIER_FIELDS = ['ErrorEquals', 'IntervalSeconds', 'MaxAttempts', 'BackoffRate'];
const CATCHER_FIELDS = ['ErrorEquals', 'ResultPath', 'Next'];
const CHOICE_OPERATORS = ['StringEquals'];

const LAMBDA_ARN = /^arn:aws[\w-]*:lambda:[\w-]+:\d+:function:([\w-]+)$/;
const CALLBACK_RESOURCE = /^arn:aws[\w-]*:states:::lambda:invoke\.waitForTaskToken$/;

function checkFields(where: string, raw: Raw, allowed: readonly string[]): void {
  for (const field of Object.keys(raw))
    if (!allowed.includes(field)) throw new UnsupportedAsl(`${where}: field ${field} is not supported`);
}

function positiveInteger(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new UnsupportedAsl(`${where}: must be a positive integer, got ${JSON.stringify(value)}`);
  return value;
}

function transition(where: string, raw: Raw, states: Raw): Transition {
  if (raw.End === true) {
    if (raw.Next !== undefined) throw new UnsupportedAsl(`${where}: both Next and End`);
    return { end: true };
  }
  if (typeof raw.Next !== 'string' || !(raw.Next in states))
    throw new UnsupportedAsl(`${where}: field Next must name a state, got ${JSON.stringify(raw.Next)}`);
  return { next: raw.Next, end: false };
}

function errorList(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((e) => typeof e === 'string'))
    throw new UnsupportedAsl(`${where}: ErrorEquals must be a non-empty list of names`);
  return value;
}

function loadTask(name: string, raw: Raw, states: Raw): TaskState {
  const where = `State ${name}`;
  const resource = String(raw.Resource);
  const direct = LAMBDA_ARN.exec(resource);
  const callback = CALLBACK_RESOURCE.test(resource);
  if (!direct && !callback)
    throw new UnsupportedAsl(`${where}: field Resource '${resource}' is not supported`);
  let functionName = direct?.[1];
  let payload: Reader;
  if (callback) {
    const parameters = raw.Parameters as Raw | undefined;
    if (!parameters || typeof parameters !== 'object')
      throw new UnsupportedAsl(`${where}: field Parameters must give FunctionName and Payload`);
    checkFields(`${where}.Parameters`, parameters, ['FunctionName', 'Payload']);
    functionName = LAMBDA_ARN.exec(String(parameters.FunctionName))?.[1];
    if (!functionName)
      throw new UnsupportedAsl(`${where}: field Parameters.FunctionName must be a Lambda function ARN`);
    payload = compileTemplate(parameters.Payload, `${where}.Parameters.Payload`, CONTEXT_FIELDS);
  } else
    payload =
      raw.Parameters === undefined
        ? (input) => input
        : compileTemplate(raw.Parameters, `${where}.Parameters`, CONTEXT_FIELDS);
  if (!callback && (raw.HeartbeatSeconds !== undefined || raw.TimeoutSecondsPath !== undefined))
    throw new UnsupportedAsl(
      `${where}: field ${raw.HeartbeatSeconds !== undefined ? 'HeartbeatSeconds' : 'TimeoutSecondsPath'} is supported on callback tasks only (an invocation takes no virtual time)`,
    );
  if (raw.TimeoutSeconds !== undefined && raw.TimeoutSecondsPath !== undefined)
    throw new UnsupportedAsl(`${where}: both TimeoutSeconds and TimeoutSecondsPath`);
  const retry = ((raw.Retry ?? []) as Raw[]).map((r, i) => {
    checkFields(`${where}.Retry[${i}]`, r, RETRIER_FIELDS);
    return {
      errorEquals: errorList(r.ErrorEquals, `${where}.Retry[${i}]`),
      maxAttempts: r.MaxAttempts === undefined ? 3 : Number(r.MaxAttempts),
    };
  });
  const catchers = ((raw.Catch ?? []) as Raw[]).map((c, i) => {
    checkFields(`${where}.Catch[${i}]`, c, CATCHER_FIELDS);
    if (typeof c.Next !== 'string' || !(c.Next in states))
      throw new UnsupportedAsl(`${where}.Catch[${i}]: field Next must name a state`);
    return {
      errorEquals: errorList(c.ErrorEquals, `${where}.Catch[${i}]`),
      resultPath: compileResultPath(c.ResultPath, `${where}.Catch[${i}]`),
      next: c.Next,
    };
  });
  return {
    type: 'Task',
    ...transition(where, raw, states),
    functionName: functionName as string,
    callback,
    payload,
    ...(raw.ResultSelector === undefined
      ? {}
      : { resultSelector: compileTemplate(raw.ResultSelector, `${where}.ResultSelector`, CONTEXT_FIELDS) }),
    resultPath: compileResultPath(raw.ResultPath, where),
    ...(raw.TimeoutSeconds === undefined
      ? {}
      : { timeoutSeconds: positiveInteger(raw.TimeoutSeconds, `${where}.TimeoutSeconds`) }),
    ...(raw.TimeoutSecondsPath === undefined
      ? {}
      : { timeoutPath: compilePath(raw.TimeoutSecondsPath, `${where}.TimeoutSecondsPath`, []) }),
    ...(raw.HeartbeatSeconds === undefined
      ? {}
      : { heartbeatSeconds: positiveInteger(raw.HeartbeatSeconds, `${where}.HeartbeatSeconds`) }),
    retry,
    catch: catchers,
  };
}

/** A Choice rule: And/Or/Not of `Variable` comparisons with the operators implemented. */
function loadRule(rule: Raw, where: string, top: boolean): (input: Json, context: Json) => boolean {
  const nextField = top ? ['Next'] : [];
  if (Array.isArray(rule.Or) || Array.isArray(rule.And)) {
    const operator = Array.isArray(rule.Or) ? 'Or' : 'And';
    checkFields(where, rule, [operator, ...nextField]);
    const rules = (rule[operator] as Raw[]).map((r, i) => loadRule(r, `${where}.${operator}[${i}]`, false));
    return operator === 'Or'
      ? (input, context) => rules.some((r) => r(input, context))
      : (input, context) => rules.every((r) => r(input, context));
  }
  if (rule.Not !== undefined) {
    checkFields(where, rule, ['Not', ...nextField]);
    const inner = loadRule(rule.Not as Raw, `${where}.Not`, false);
    return (input, context) => !inner(input, context);
  }
  const operators = Object.keys(rule).filter((k) => k !== 'Variable' && k !== 'Next');
  const operator = operators[0];
  if (operators.length !== 1 || !operator || !CHOICE_OPERATORS.includes(operator))
    throw new UnsupportedAsl(`${where}: comparison ${operators.join(', ') || '(none)'} is not supported`);
  checkFields(where, rule, ['Variable', operator, ...nextField]);
  const read = compilePath(rule.Variable, `${where}.Variable`, CONTEXT_FIELDS);
  const expected = rule[operator];
  if (typeof expected !== 'string') throw new UnsupportedAsl(`${where}: ${operator} takes a string`);
  return (input, context) => read(input, context) === expected;
}

function loadState(name: string, raw: Raw, states: Raw): LoadedState {
  const where = `State ${name}`;
  const allowed = ALLOWED_FIELDS[String(raw.Type)];
  if (!allowed) throw new UnsupportedAsl(`${where}: field Type '${String(raw.Type)}' is not supported`);
  checkFields(where, raw, allowed);
  switch (raw.Type) {
    case 'Task':
      return loadTask(name, raw, states);
    case 'Choice': {
      const choices = (raw.Choices as Raw[]).map((rule, i) => {
        if (typeof rule.Next !== 'string' || !(rule.Next in states))
          throw new UnsupportedAsl(`${where}.Choices[${i}]: field Next must name a state`);
        return { matches: loadRule(rule, `${where}.Choices[${i}]`, true), next: rule.Next };
      });
      if (raw.Default !== undefined && !(String(raw.Default) in states))
        throw new UnsupportedAsl(`${where}: field Default must name a state`);
      return {
        type: 'Choice',
        choices,
        ...(raw.Default === undefined ? {} : { default: String(raw.Default) }),
      };
    }
    case 'Pass': {
      if (raw.Parameters !== undefined && raw.Result !== undefined)
        throw new UnsupportedAsl(`${where}: both Parameters and Result`);
      const result: Reader =
        raw.Parameters !== undefined
          ? compileTemplate(raw.Parameters, `${where}.Parameters`, CONTEXT_FIELDS)
          : raw.Result !== undefined
            ? () => structuredClone(raw.Result)
            : (input) => input;
      return {
        type: 'Pass',
        ...transition(where, raw, states),
        result,
        resultPath: compileResultPath(raw.ResultPath, where),
      };
    }
    case 'Fail':
      return { type: 'Fail', error: String(raw.Error ?? 'States.Fail'), cause: String(raw.Cause ?? '') };
    default:
      return { type: 'Succeed' };
  }
}

export function loadDefinition(definition: unknown): LoadedDefinition {
  const raw = definition as Raw;
  checkFields('The definition', raw, ['StartAt', 'States', 'Comment']);
  const states = raw.States as Raw;
  if (!states || typeof states !== 'object')
    throw new UnsupportedAsl('The definition: field States is missing');
  if (typeof raw.StartAt !== 'string' || !(raw.StartAt in states))
    throw new UnsupportedAsl('The definition: field StartAt must name a state');
  const loaded = new Map<string, LoadedState>();
  for (const [name, state] of Object.entries(states)) loaded.set(name, loadState(name, state as Raw, states));
  return { startAt: raw.StartAt, states: loaded };
}

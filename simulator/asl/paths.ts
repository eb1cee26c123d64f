/**
 * The JSONPath the lifecycle definition uses, and nothing more: `$`, `$.a.b` and context paths
 * `$$.A.b`, each compiled once into a reader; payload templates (`"key.$": path`) with the one
 * intrinsic the definition calls, `States.JsonToString(path)`; and ResultPath writes that copy
 * only the objects on the path (state data is never modified in place). Anything else is
 * refused when the definition is loaded.
 */

export class UnsupportedAsl extends Error {
  override name = 'UnsupportedAsl';
}

/** States.Runtime: fails the execution; neither Retry nor Catch may handle it (as on AWS). */
export class StatesRuntimeError extends Error {
  override name = 'States.Runtime';
}

export type Json = unknown;
export type Reader = (input: Json, context: Json) => Json;

const SEGMENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** The segments of a reference path (`$.a.b` → ['a', 'b']); undefined if it is not one. */
function segmentsOf(path: string, root: '$' | '$$'): string[] | undefined {
  if (path === root) return [];
  if (!path.startsWith(`${root}.`)) return undefined;
  const segments = path.slice(root.length + 1).split('.');
  return segments.every((s) => SEGMENT.test(s)) ? segments : undefined;
}

function walk(value: Json, segments: readonly string[], path: string): Json {
  let node = value;
  for (const segment of segments) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !(segment in node))
      throw new StatesRuntimeError(`Path '${path}' could not be resolved against the input`);
    node = (node as Record<string, Json>)[segment];
  }
  return node;
}

/**
 * A reader for `path`. `contextFields` names the Context Object fields the engine provides;
 * a context path into any other field is refused (it would read nothing on this engine).
 */
export function compilePath(path: unknown, where: string, contextFields: readonly string[]): Reader {
  if (typeof path !== 'string') throw new UnsupportedAsl(`${where}: a path must be a string`);
  if (path.startsWith('$$')) {
    const segments = segmentsOf(path, '$$');
    if (!segments || segments.length === 0 || !contextFields.includes(`${segments[0]}.${segments[1]}`))
      throw new UnsupportedAsl(`${where}: context path '${path}' is not supported`);
    return (_input, context) => walk(context, segments, path);
  }
  const segments = segmentsOf(path, '$');
  if (!segments) throw new UnsupportedAsl(`${where}: path '${path}' is not supported (only $.a.b paths)`);
  return (input) => walk(input, segments, path);
}

const JSON_TO_STRING = /^States\.JsonToString\(([^,()]+)\)$/;

/** A `.$` value: a path, or the intrinsic States.JsonToString of a path. */
function compileDynamic(value: unknown, where: string, contextFields: readonly string[]): Reader {
  if (typeof value === 'string' && value.startsWith('States.')) {
    const match = JSON_TO_STRING.exec(value);
    if (!match) throw new UnsupportedAsl(`${where}: intrinsic '${value}' is not supported`);
    const read = compilePath((match[1] as string).trim(), where, contextFields);
    return (input, context) => JSON.stringify(read(input, context));
  }
  return compilePath(value, where, contextFields);
}

/** A payload template (Parameters, ResultSelector) compiled into a builder of fresh objects. */
export function compileTemplate(template: unknown, where: string, contextFields: readonly string[]): Reader {
  if (Array.isArray(template)) {
    const items = template.map((item, i) => compileTemplate(item, `${where}[${i}]`, contextFields));
    return (input, context) => items.map((item) => item(input, context));
  }
  if (template === null || typeof template !== 'object') return () => template;
  const fields = Object.entries(template).map(([key, value]) =>
    key.endsWith('.$')
      ? { key: key.slice(0, -2), read: compileDynamic(value, `${where}.${key}`, contextFields) }
      : { key, read: compileTemplate(value, `${where}.${key}`, contextFields) },
  );
  return (input, context) => {
    const built: Record<string, Json> = {};
    for (const field of fields) built[field.key] = field.read(input, context);
    return built;
  };
}

export type Writer = (input: Json, result: Json) => Json;

/** ResultPath: null keeps the input, `$` is the result, `$.a.b` puts the result there. */
export function compileResultPath(path: unknown, where: string): Writer {
  if (path === null) return (input) => input;
  if (path === undefined || path === '$') return (_input, result) => result;
  const segments = typeof path === 'string' ? segmentsOf(path, '$') : undefined;
  if (!segments) throw new UnsupportedAsl(`${where}: ResultPath '${String(path)}' is not supported`);
  const put = (node: Json, at: number, result: Json): Json => {
    if (at === segments.length) return result;
    if (node !== undefined && (node === null || typeof node !== 'object' || Array.isArray(node)))
      throw new StatesRuntimeError(`ResultPath '${path}' cannot be applied to the input`);
    const object = (node ?? {}) as Record<string, Json>;
    const key = segments[at] as string;
    return { ...object, [key]: put(object[key], at + 1, result) };
  };
  return (input, result) => put(input, 0, result);
}

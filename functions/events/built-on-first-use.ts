/**
 * A registry of schemas, each built the first time it is read. A function validates the one
 * or two events it handles; building all twenty-odd zod objects of the catalog at import cost
 * every publishing function several milliseconds of its cold start (bench/cold-import.ts).
 * Keys are own, enumerable properties from the start, as in a plain object.
 */
export function builtOnFirstUse<T extends Record<string, () => object>>(
  builders: T,
): { readonly [K in keyof T]: ReturnType<T[K]> } {
  const schemas = {} as { [K in keyof T]: ReturnType<T[K]> };
  for (const name of Object.keys(builders) as Array<keyof T>) {
    Object.defineProperty(schemas, name, {
      enumerable: true,
      configurable: true,
      get: () => {
        const schema = builders[name]!() as ReturnType<T[typeof name]>;
        Object.defineProperty(schemas, name, { value: schema, enumerable: true });
        return schema;
      },
    });
  }
  return schemas;
}

/** Created on first use, then shared for the life of the process (one per Lambda cold start). */
export function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

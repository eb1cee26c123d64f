import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/**
 * Sends a conditional write. A condition that does not hold is an answer, not an error, for
 * every store here (already created, already marked, link already used, rep full): `undefined`.
 */
export async function unlessConditionFails<T>(send: () => Promise<T>): Promise<T | undefined> {
  try {
    return await send();
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

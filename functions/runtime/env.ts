/**
 * The environment variables a Leadflow function reads: the stack sets them, the local runtime
 * sets the same ones, and handlers read them through `requiredEnv(ENV.x)`.
 */
export const ENV = {
  businessUnit: 'BUSINESS_UNIT',
  tableName: 'TABLE_NAME',
  eventBusName: 'EVENT_BUS_NAME',
  stateMachineArn: 'STATE_MACHINE_ARN',
  sesSender: 'SES_SENDER',
} as const;

/** Reads a required environment variable with an error that names it. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is required`);
  return value;
}

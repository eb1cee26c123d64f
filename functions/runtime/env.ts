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
  /** The SES configuration set mail is sent with (bounce and complaint events). */
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
  /** Where `/actions/{token}` is served (the HTTP API's URL), for the links in rep mails. */
  actionsBaseUrl: 'ACTIONS_BASE_URL',
  /** The JWT issuer the API's authorizer trusts; the board verifies its session token against it. */
  authIssuer: 'AUTH_ISSUER',
  /** The audiences (client ids) the authorizer accepts, comma-separated. */
  authAudience: 'AUTH_AUDIENCE',
  /** The issuer's signing keys as a JWKS URL (AWS), or inline as JSON (`AUTH_JWKS`, local runtime). */
  authJwksUrl: 'AUTH_JWKS_URL',
  authJwks: 'AUTH_JWKS',
} as const;

/** Reads a required environment variable with an error that names it. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is required`);
  return value;
}

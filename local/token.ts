/**
 * `npm run token -- --role ops` / `npm run token -- --role rep --email anna@demo.example.com`
 *
 * Prints only the bearer token on stdout so it composes:
 *   curl -H "Authorization: Bearer $(npm run -s token -- --role ops)" http://127.0.0.1:3000/leads/...
 * Signs with the same on-disk key as the local runtime, so a running `npm start` accepts it.
 */
import { parseArgs } from 'node:util';
import { isRole, ROLES } from '../functions/domain/roles.ts';
import { createLocalIssuer, DEFAULT_KEY_DIR, DEFAULT_ROLES_CLAIM } from './auth/local-issuer.ts';

/** Demo defaults: the ops inbox and the first DACH rep of the `demo` unit. */
const DEFAULT_EMAIL = { ops: 'ops@demo.example.com', rep: 'anna@demo.example.com' } as const;

const USAGE = `Usage: npm run token -- --role <${ROLES.join('|')}> [--email <address>] [--sub <id>]
                         [--expires-in <12h>] [--roles-claim <${DEFAULT_ROLES_CLAIM}>] [--keys-dir <${DEFAULT_KEY_DIR}>]`;

const fail = (message: string): never => {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
};

const main = async (): Promise<void> => {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse().values;
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
    return;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const role = values.role;
  if (!role) return fail('Missing --role.');
  if (!isRole(role)) return fail(`Unknown role '${role}'. Expected one of: ${ROLES.join(', ')}.`);

  const issuer = createLocalIssuer({ keyDir: values['keys-dir'] ?? DEFAULT_KEY_DIR });
  const token = await issuer.issueToken({
    role,
    email: values.email ?? DEFAULT_EMAIL[role],
    ...(values.sub ? { sub: values.sub } : {}),
    ...(values['expires-in'] ? { expiresIn: values['expires-in'] } : {}),
    ...(values['roles-claim'] ? { rolesClaim: values['roles-claim'] } : {}),
  });
  process.stdout.write(`${token}\n`);
};

function parse() {
  return parseArgs({
    args: process.argv.slice(2),
    strict: true,
    allowPositionals: false,
    options: {
      role: { type: 'string' },
      email: { type: 'string' },
      sub: { type: 'string' },
      'expires-in': { type: 'string' },
      'roles-claim': { type: 'string' },
      'keys-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`token: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

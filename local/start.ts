/**
 * `npm start`: runs a business unit's Leadflow locally (default unit `demo`, port 3000,
 * on-disk data under .leadflow/). No AWS account, Docker or Java.
 *
 *   npm start -- --unit demo --port 3000 --in-memory
 *   npm start -- --clock-speed 3600 --clock-start 2026-03-27T16:30:00+01:00
 *   npm start -- --keys-dir /tmp/keys     (the signing key `npm run token -- --keys-dir` uses)
 *   npm start -- --transport http         (handlers reach DynamoDB, SES, Step Functions and
 *                                           EventBridge over loopback HTTP, not in-process)
 */
import { parseArgs } from 'node:util';
import { INBOUND_KEY_FILE } from './auth/local-action-key.ts';
import { DEFAULT_KEY_DIR } from './auth/local-issuer.ts';
import { startLeadflowLocal } from './runtime/leadflow-local.ts';
import { awsEndpointVariables, servicePortsFor } from './runtime/service-ports.ts';
import { VirtualClock } from './runtime/virtual-clock.ts';

const { values } = parseArgs({
  options: {
    unit: { type: 'string', default: 'demo' },
    port: { type: 'string', default: process.env.PORT ?? '3000' },
    'in-memory': { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    'clock-speed': { type: 'string' },
    'clock-start': { type: 'string' },
    'keys-dir': { type: 'string' },
    transport: { type: 'string', default: 'in-process' },
  },
  strict: true,
});

const paced = values['clock-speed'] !== undefined || values['clock-start'] !== undefined;
const speed = Number(values['clock-speed'] ?? '1');
if (!Number.isFinite(speed) || speed <= 0) {
  console.error(`--clock-speed must be a positive number, not ${values['clock-speed']}`);
  process.exit(2);
}
const start = values['clock-start'] ? new Date(values['clock-start']) : new Date();
if (Number.isNaN(start.getTime())) {
  console.error(
    `--clock-start must be an ISO timestamp such as 2026-03-27T16:30:00+01:00, not ${values['clock-start']}`,
  );
  process.exit(2);
}

if (values.transport !== 'in-process' && values.transport !== 'http') {
  console.error(`--transport must be in-process or http, not ${values.transport}`);
  process.exit(2);
}

try {
  const local = await startLeadflowLocal({
    unit: values.unit,
    port: Number(values.port),
    inMemory: values['in-memory'],
    // Stable ports next to the API's, so AWS CLI settings survive a restart.
    servicePorts: servicePortsFor(Number(values.port)),
    dataDir: values['data-dir'],
    keyDir: values['keys-dir'],
    transport: values.transport,
    // Without clock options the runtime keeps the machine's time; with them, time is paced
    // (and stands still while work is in flight, so walk-throughs are exact on any machine).
    clock: new VirtualClock(paced ? { mode: 'paced', start, speed } : { mode: 'wall' }),
  });
  const lines = [
    `Leadflow (${local.config.displayName}, unit ${local.config.name}) is running`,
    `  Demo form      ${local.url}/`,
    `  Capture API    POST ${local.url}/leads`,
    `  Lead API       GET  ${local.url}/leads/{id}   (token: npm run -s token -- --role ops)`,
    `  Health         ${local.url}/health`,
    `  Email outbox   ${local.url}/outbox   (one-click action links work here)`,
    `  Events         ${local.url}/_local/events    Executions ${local.url}/_local/executions`,
    `  Data           ${values['in-memory'] ? 'in memory' : (values['data-dir'] ?? `.leadflow/data/${local.config.name}`)}`,
    paced
      ? `  Clock          ${local.clock.now().toISOString()} x${speed}${values['clock-start'] ? ', held until the first lead arrives' : ''}`
      : `  Clock          the machine's clock`,
  ];
  const keyFile = `${values['keys-dir'] ?? DEFAULT_KEY_DIR}/${INBOUND_KEY_FILE}`;
  lines.push(
    `  Inbound events POST ${local.url}/events/engagement | /events/activity   (HMAC key: cat ${keyFile})`,
    '  AWS endpoints (export these for the AWS CLI or an SDK; any region, any credentials):',
    ...awsEndpointVariables(local.endpoints).map((line) => `    ${line}`),
  );
  if (local.resumed.length > 0) lines.push(`  Resumed ${local.resumed.length} open lead(s)`);
  console.log(lines.join('\n'));
  const shutdown = async () => {
    await local.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

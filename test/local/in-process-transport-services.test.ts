/**
 * The in-process transport against the other two stand-ins: the local Step Functions/EventBridge
 * endpoint (local/runtime/local-aws-endpoint.ts) and aws-ses-v2-local (local/embedded/ses.ts,
 * an express app). The same calls through the SDK's HTTP handler and in-process get the same
 * answers and errors, and mail sent in-process lands in the outbox and its on-disk log.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import {
  DescribeExecutionCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type EmbeddedSes, startEmbeddedSes } from '../../local/embedded/ses.ts';
import { AwsServiceError, startLocalAwsEndpoint } from '../../local/runtime/local-aws-endpoint.ts';
import { LocalTransport } from '../../local/transport/local-transport.ts';
import { socketsOpenedDuring } from '../support/socket-probe.ts';

const local = { region: 'eu-central-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
const closing: Array<{ close(): Promise<void> }> = [];
const destroying: Array<{ destroy(): void }> = [];
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'leadflow-transport-'));
});
afterAll(async () => {
  for (const client of destroying) client.destroy();
  await Promise.allSettled(closing.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

/** What a call answered, without request ids. */
async function outcome(call: Promise<object>): Promise<unknown> {
  try {
    const { $metadata, ...output } = (await call) as { $metadata: { httpStatusCode?: number } };
    return { status: $metadata.httpStatusCode, output };
  } catch (error) {
    const e = error as Error & Record<string, unknown> & { $metadata: { httpStatusCode?: number } };
    const { $metadata, $response: _response, ...fields } = e;
    return { status: $metadata?.httpStatusCode, name: e.name, message: e.message, fields };
  }
}

function both<C extends { destroy(): void }>(
  make: (config: typeof local & { endpoint: string; requestHandler?: LocalTransport }) => C,
  endpoint: string,
  transport: LocalTransport,
): { http: C; inProcess: C } {
  const http = make({ ...local, endpoint });
  const inProcess = make({ ...local, endpoint, requestHandler: transport });
  destroying.push(http, inProcess);
  return { http, inProcess };
}

describe('the local Step Functions/EventBridge endpoint', () => {
  const started: string[] = [];
  let sfn: { http: SFNClient; inProcess: SFNClient };
  let events: { http: EventBridgeClient; inProcess: EventBridgeClient };
  let transport: LocalTransport;

  beforeAll(async () => {
    const aws = await startLocalAwsEndpoint({
      'AWSStepFunctions.StartExecution': async (input) => {
        if (started.includes(String(input.name)))
          throw new AwsServiceError(
            'ExecutionAlreadyExists',
            `Execution already exists: ${String(input.name)}`,
          );
        started.push(String(input.name));
        return {
          executionArn: `arn:aws:states:eu-central-1:000000000000:execution:sm:${input.name}`,
          startDate: 1,
        };
      },
      'AWSStepFunctions.SendTaskSuccess': async () => {
        throw new AwsServiceError('TaskTimedOut', 'Task Timed Out: the token expired');
      },
      'AWSStepFunctions.DescribeExecution': async () => {
        throw new Error('the engine broke');
      },
      'AWSEvents.PutEvents': async (input) => ({
        FailedEntryCount: 0,
        Entries: (input.Entries as unknown[]).map((_, i) => ({ EventId: `event-${i}` })),
      }),
    });
    closing.push(aws);
    transport = new LocalTransport();
    transport.serve({ states: aws, events: aws }, 'in-process');
    sfn = both((c) => new SFNClient({ ...c, maxAttempts: 1 }), aws.endpoint, transport);
    events = both((c) => new EventBridgeClient(c), aws.endpoint, transport);
  });

  it('answers Step Functions calls the same way, errors included', async () => {
    // The endpoint logs the internal failure it answers 500 for.
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const arn = 'arn:aws:states:eu-central-1:000000000000:stateMachine:sm';
    const calls: Array<(c: SFNClient, tag: string) => Promise<object>> = [
      (c, tag) =>
        c.send(new StartExecutionCommand({ stateMachineArn: arn, name: `lead-${tag}`, input: '{}' })),
      (c, tag) =>
        c.send(new StartExecutionCommand({ stateMachineArn: arn, name: `lead-${tag}`, input: '{}' })),
      (c) => c.send(new SendTaskSuccessCommand({ taskToken: 't', output: '{}' })),
      (c) => c.send(new DescribeExecutionCommand({ executionArn: `${arn}:x` })),
    ];
    for (const call of calls) {
      const viaHttp = JSON.stringify(await outcome(call(sfn.http, 'a'))).replaceAll('lead-a', 'lead-x');
      let answer: unknown;
      const sockets = await socketsOpenedDuring(async () => {
        answer = await outcome(call(sfn.inProcess, 'b'));
      });
      expect(JSON.stringify(answer).replaceAll('lead-b', 'lead-x')).toEqual(viaHttp);
      expect(sockets).toBe(0);
    }
    await expect(
      sfn.inProcess.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'lead-b' })),
    ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists', $metadata: { httpStatusCode: 400 } });
    await expect(
      sfn.inProcess.send(new DescribeExecutionCommand({ executionArn: `${arn}:x` })),
    ).rejects.toMatchObject({ $fault: 'server', $metadata: { httpStatusCode: 500 } });
    expect(logged).toHaveBeenCalledTimes(3);
    logged.mockRestore();
  });

  it('answers PutEvents the same way', async () => {
    const put = (c: EventBridgeClient) =>
      c.send(
        new PutEventsCommand({
          Entries: [
            { Source: 'leadflow.sales', DetailType: 'TouchLogged', Detail: '{"leadId":"ld_1"}' },
            { Source: 'leadflow.sales', DetailType: 'LeadAccepted', Detail: '{"leadId":"ld_1"}' },
          ],
        }),
      );
    let inProcess: unknown;
    expect(
      await socketsOpenedDuring(async () => {
        inProcess = await outcome(put(events.inProcess));
      }),
    ).toBe(0);
    expect(inProcess).toEqual(await outcome(put(events.http)));
    expect(inProcess).toMatchObject({ status: 200, output: { FailedEntryCount: 0 } });
    expect(transport.served.network).toBe(0);
  });
});

describe('SES (aws-ses-v2-local)', () => {
  let ses: EmbeddedSes;
  let clients: { http: SESClient; inProcess: SESClient };
  let logFile: string;

  beforeAll(async () => {
    logFile = join(dir, 'outbox.ndjson');
    ses = await startEmbeddedSes({ logFile });
    closing.push(ses);
    const transport = new LocalTransport();
    transport.serve({ ses }, 'in-process');
    clients = both((c) => new SESClient({ ...c, maxAttempts: 1 }), ses.endpoint, transport);
  });

  const mail = (subject: string, body: string) =>
    new SendEmailCommand({
      Source: 'leadflow@demo.example.com',
      Destination: { ToAddresses: ['anna@demo.example.com'], CcAddresses: ['mara@demo.example.com'] },
      Message: { Subject: { Data: subject }, Body: { Text: { Data: body } } },
    });

  it('sends mail in-process into the outbox and its log, as over HTTP', async () => {
    await ses.clearOutbox();
    const viaHttp = await clients.http.send(mail('Over HTTP', 'one'));
    let inProcess = viaHttp;
    const sockets = await socketsOpenedDuring(async () => {
      inProcess = await clients.inProcess.send(mail('In process: ü & <b>', 'two '.repeat(20_000)));
    });
    expect(sockets).toBe(0);
    expect(inProcess.MessageId).toMatch(/\S/);
    expect(Object.keys(inProcess).sort()).toEqual(Object.keys(viaHttp).sort());
    expect(inProcess.$metadata.httpStatusCode).toBe(viaHttp.$metadata.httpStatusCode);

    const emails = await ses.fetchSentEmails();
    expect(emails.map((e) => [e.messageId, e.subject, e.to, e.cc, e.text?.length])).toEqual([
      [viaHttp.MessageId, 'Over HTTP', ['anna@demo.example.com'], ['mara@demo.example.com'], 3],
      [
        inProcess.MessageId,
        'In process: ü & <b>',
        ['anna@demo.example.com'],
        ['mara@demo.example.com'],
        80_000,
      ],
    ]);
    const logged = readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).messageId);
    expect(logged).toEqual([viaHttp.MessageId, inProcess.MessageId]);
  });

  it('refuses a mail without a body the same way', async () => {
    const bodiless = (c: SESClient) =>
      c.send(
        new SendEmailCommand({
          Source: 'leadflow@demo.example.com',
          Destination: { ToAddresses: ['anna@demo.example.com'] },
          Message: { Subject: { Data: 'No body' }, Body: {} },
        }),
      );
    const viaHttp = await outcome(bodiless(clients.http));
    expect(viaHttp).toMatchObject({ status: 400 });
    expect(await outcome(bodiless(clients.inProcess))).toEqual(viaHttp);
  });
});

/**
 * `npm run redrive` on AWS: the stack's outputs name the queues, table, bus and state machine.
 * CloudFormation and SQS are mocked; EventBridge, DynamoDB and Step Functions are the local
 * runtime's stand-ins, reached through AWS_ENDPOINT_URL_* exactly as the real ones would be.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contactSales } from '../../local/driver.ts';
import { runRedrive } from '../../ops/redrive.ts';
import { harnessPerTest } from '../support/local-harness.ts';

const h = harnessPerTest({ start: '2026-03-23T09:00:00Z' });
const cfn = mockClient(CloudFormationClient);
const sqs = mockClient(SQSClient);
const TARGETS = 'https://sqs.eu-central-1.amazonaws.com/111122223333/Leadflow-demo-TargetDlq';
const START_ASYNC = 'https://sqs.eu-central-1.amazonaws.com/111122223333/Leadflow-demo-StartAsync';

/** The outputs of the deployed stack, pointing at the local runtime (and a bus name to use). */
function deployedStack(busName = h.local.names.eventBus) {
  cfn.on(DescribeStacksCommand, { StackName: 'Leadflow-demo' }).resolves({
    Stacks: [
      {
        StackName: 'Leadflow-demo',
        CreationTime: new Date(),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: [
          { OutputKey: 'TableName', OutputValue: h.local.tableName },
          { OutputKey: 'EventBusName', OutputValue: busName },
          { OutputKey: 'StateMachineArn', OutputValue: h.local.stepFunctions.arn },
          { OutputKey: 'EventTargetsDeadLetterQueueUrl', OutputValue: TARGETS },
          { OutputKey: 'StartLifecycleAsyncDeadLetterQueueUrl', OutputValue: START_ASYNC },
        ],
      },
    ],
  });
}

/** Each queue hands out its messages once, then is empty. */
function queues(contents: Record<string, Message[]>) {
  for (const [url, messages] of Object.entries(contents))
    sqs.on(ReceiveMessageCommand, { QueueUrl: url }).resolvesOnce({ Messages: messages }).resolves({});
}

const message = (id: string, body: unknown): Message => ({
  MessageId: id,
  ReceiptHandle: `receipt-${id}`,
  Body: typeof body === 'string' ? body : JSON.stringify(body),
});

/** What a Lambda on-failure destination sends for an event-invoked function that kept failing. */
const failureRecord = (event: unknown) => ({
  version: '1.0',
  timestamp: '2026-03-23T09:00:05.000Z',
  requestContext: { requestId: 'r-1', condition: 'RetriesExhausted', approximateInvokeCount: 3 },
  requestPayload: event,
  responseContext: { statusCode: 200, functionError: 'Unhandled' },
  responsePayload: { errorType: 'Error', errorMessage: 'down' },
});

const eventBridgeEvent = (e: { id: string; source: string; 'detail-type': string; detail: object }) => ({
  version: '0',
  account: '111122223333',
  region: 'eu-central-1',
  time: '2026-03-23T09:00:01Z',
  resources: [],
  ...e,
});

async function redrive(...args: string[]) {
  const lines: string[] = [];
  const code = await runRedrive(['--unit', 'demo', ...args], (l) => lines.push(l));
  await h.local.bus.drain();
  await h.settle();
  return { code, out: lines.join('\n') };
}

beforeEach(() => {
  cfn.reset();
  sqs.reset();
});
afterEach(() => {
  cfn.reset();
  sqs.reset();
});

describe('redrive on AWS', () => {
  it('puts both kinds of dead letters back, deletes them only once accepted, and restarts failed leads', async () => {
    // A lead whose lifecycle never started: start-lifecycle kept failing on its LeadCaptured.
    let throttled = true;
    h.local.invoker.intercept('start-lifecycle', {
      times: 100,
      match: () => throttled,
      fail: () => new Error('throttled'),
    });
    const unstarted = await h.captureLead(contactSales('unstarted@kunde-gmbh.example'));
    // Past the bus's own redeliveries: then the delivery is parked.
    await h.runUntil(new Date(h.clock.now().getTime() + 5 * 60_000));
    throttled = false;
    const [captured] = h.local.bus.takeDeadLetters();
    expect(captured?.event['detail-type']).toBe('LeadCaptured');
    expect(h.local.stepFunctions.execution(unstarted)).toBeUndefined();
    // An assigned lead whose touch no target took.
    const touched = await h.captureLead(contactSales('touched@kunde-gmbh.example'));
    // A lead parked as failed.
    let broken = true;
    h.local.invoker.intercept('lifecycle-step', {
      times: 10,
      match: (e) => broken && (e as { state?: string }).state === 'Start',
      fail: () => new Error('Table is unavailable'),
    });
    const failed = await h.captureLead(contactSales('failed@kunde-gmbh.example'));
    await h.local.stepFunctions.execution(failed)?.done;
    broken = false;

    deployedStack();
    const touch = eventBridgeEvent({
      id: 'evt-touch-1',
      source: 'leadflow.sales',
      'detail-type': 'TouchLogged',
      detail: { leadId: touched, channel: 'call' },
    });
    queues({
      [TARGETS]: [message('m-touch', touch), message('m-junk', 'not json')],
      [START_ASYNC]: [message('m-captured', failureRecord(eventBridgeEvent({ ...captured!.event })))],
    });
    const onBus = (receipt: string) =>
      receipt === 'receipt-m-touch'
        ? h.local.bus.log.some((e) => e.detail.eventId === 'evt-touch-1')
        : h.local.bus.log.filter((e) => e['detail-type'] === 'LeadCaptured' && e.detail.leadId === unstarted)
            .length === 2;
    const deletedWhilePut: boolean[] = [];
    sqs
      .on(DeleteMessageBatchCommand)
      .callsFake((input: { Entries: Array<{ Id: string; ReceiptHandle: string }> }) => {
        // Deleted only after PutEvents accepted the event: it is on the bus already.
        deletedWhilePut.push(...input.Entries.map((e) => onBus(e.ReceiptHandle)));
        return { Successful: input.Entries.map((e) => ({ Id: e.Id })), Failed: [] };
      });

    const { code, out } = await redrive();
    expect(out).toMatch('event-targets: 1 put back on the bus, 1 kept');
    expect(out).toMatch('kept unreadable message m-junk: the body is not JSON');
    expect(out).toMatch(`start-lifecycle-async: 1 put back on the bus, 0 kept`);
    expect(out).toMatch(`restart ${failed} at captured`);
    // The unreadable message is a problem left for a person: non-zero exit.
    expect(code).toBe(1);

    const deleted = sqs
      .commandCalls(DeleteMessageBatchCommand)
      .flatMap((c) => c.args[0].input.Entries ?? [])
      .map((e) => e.ReceiptHandle);
    expect(deleted.sort()).toEqual(['receipt-m-captured', 'receipt-m-touch']);
    expect(deletedWhilePut).toEqual([true, true]);
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input).toMatchObject({
      VisibilityTimeout: 120,
    });

    expect((await h.getLead(unstarted)).stage).toBe('assigned');
    expect(h.local.stepFunctions.execution(unstarted)?.status).toBe('RUNNING');
    const lead = await h.getLead(touched);
    expect(lead.stage).toBe('touched');
    const touches = h.local.bus.log.filter((e) => e['detail-type'] === 'TouchLogged');
    expect(touches.map((e) => e.detail.eventId)).toEqual(['evt-touch-1']);
    expect((await h.getLead(failed)).stage).toBe('assigned');
  });

  it('deletes nothing PutEvents refused, and says so with a non-zero exit', async () => {
    deployedStack('leadflow-elsewhere');
    queues({
      [TARGETS]: [
        message(
          'm-1',
          eventBridgeEvent({
            id: 'evt-1',
            source: 'leadflow.sales',
            'detail-type': 'TouchLogged',
            detail: { leadId: 'ld_x' },
          }),
        ),
      ],
      [START_ASYNC]: [],
    });
    const { code, out } = await redrive();
    expect(code).toBe(1);
    expect(out).toMatch(/kept TouchLogged evt-1 lead ld_x: PutEvents refused it: ResourceNotFoundException/);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);
  });

  it('only looks on a dry run: peeks, counts, puts and deletes nothing', async () => {
    deployedStack();
    const event = eventBridgeEvent({
      id: 'evt-2',
      source: 'leadflow.sales',
      'detail-type': 'TouchLogged',
      detail: { leadId: 'ld_y' },
    });
    queues({ [TARGETS]: [message('m-2', event)], [START_ASYNC]: [] });
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '1' } });
    const { code, out } = await redrive('--dry-run');
    expect(code).toBe(0);
    expect(out).toMatch('event-targets: 1 would put back on the bus, 0 kept (about 1 queued)');
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input).toMatchObject({ VisibilityTimeout: 0 });
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);
    expect(h.local.bus.log).toEqual([]);
  });

  it('exits non-zero when the stack cannot be read', async () => {
    cfn.on(DescribeStacksCommand).rejects(new Error('Stack with id Leadflow-demo does not exist'));
    const { code, out } = await redrive();
    expect(code).toBe(1);
    expect(out).toMatch(
      'ERROR reading stack Leadflow-demo: Error: Stack with id Leadflow-demo does not exist',
    );
  });
});

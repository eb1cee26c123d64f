/**
 * `npm run redrive -- --local` against a running local runtime: a lead parked as failed is
 * restarted at the stage it failed in and ends assigned, a second run (or a concurrent one)
 * starts nothing twice, and an event no target took is put back and processed once.
 */
import { describe, expect, it } from 'vitest';
import { contactSales } from '../../local/driver.ts';
import { runRedrive } from '../../ops/redrive.ts';
import { harnessPerTest } from '../support/local-harness.ts';

// Monday 23 March 2026, 10:00 in Berlin: business hours, so hand-offs assign at once.
const h = harnessPerTest({ start: '2026-03-23T09:00:00Z' });

async function redrive(...args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await runRedrive(['--unit', 'demo', '--local', '--url', h.url, ...args], (l) => lines.push(l));
  await h.local.bus.drain();
  await h.settle();
  return { code, out: lines.join('\n') };
}

/** Start fails on every attempt (RecordFailure parks the lead, still captured) until the returned function heals it. */
function breakStart(): () => void {
  let broken = true;
  h.local.invoker.intercept('lifecycle-step', {
    times: 10,
    match: (e) => broken && (e as { state?: string }).state === 'Start',
    fail: () => Object.assign(new Error('Table is unavailable'), { name: 'ServiceUnavailable' }),
  });
  return () => {
    broken = false;
  };
}

async function failedLead(email: string): Promise<string> {
  const heal = breakStart();
  const leadId = await h.captureLead(contactSales(email));
  await h.local.stepFunctions.execution(leadId)?.done;
  const lead = await h.getLead(leadId);
  expect(lead.stage).toBe('failed');
  expect(lead.timeline.at(-1)?.summary).toMatch(/^Lifecycle step failed in stage captured/);
  heal();
  return leadId;
}

const redriveExecutions = (leadId: string) =>
  h.local.stepFunctions.list().filter((e) => e.name.startsWith(`${leadId}-r`));

describe('failed lifecycles', () => {
  it('restarts a lead parked as failed at the stage it failed in, and it ends assigned', async () => {
    const leadId = await failedLead('parked@kunde-gmbh.example');

    const dry = await redrive('--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(`would restart ${leadId} at captured`);
    expect((await h.getLead(leadId)).stage).toBe('failed');
    expect(redriveExecutions(leadId)).toEqual([]);

    const { code, out } = await redrive();
    expect(code).toBe(0);
    expect(out).toMatch('Failed lifecycles: 1 restart, 0 skipped, 0 could not be restarted');
    const [execution] = redriveExecutions(leadId);
    expect(execution?.name).toMatch(new RegExp(`^${leadId}-r${Math.floor(h.clock.now().getTime() / 1000)}$`));
    expect(out).toMatch(`restart ${leadId} at captured (execution ${execution?.name})`);
    expect(JSON.parse(execution?.input ?? '{}')).toEqual({ leadId, resumeAt: 'captured' });
    expect(execution?.path.slice(0, 3)).toEqual(['Start', 'Started?', 'AwaitFirstTouch']);

    const lead = await h.getLead(leadId);
    expect(lead.stage).toBe('assigned');
    expect(lead.owner?.repId).toBeDefined();
    const redriven = lead.timeline.find((e) => e.type === 'redriven');
    expect(redriven).toMatchObject({
      summary: 'Redriven by ops',
      data: { resumeAt: 'captured', execution: execution?.name },
    });
  });

  it('starts nothing twice: a second run, and two runs at once, restart each lead once', async () => {
    const first = await failedLead('first@kunde-gmbh.example');
    const second = await failedLead('second@kunde-gmbh.example');
    const runs = await Promise.all([redrive(), redrive()]);
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    expect(redriveExecutions(first)).toHaveLength(1);
    expect(redriveExecutions(second)).toHaveLength(1);
    const restarted = runs.map((r) => /Failed lifecycles: (\d+) restart/.exec(r.out)?.[1]).map(Number);
    expect(restarted[0]! + restarted[1]!).toBe(2);

    await h.runUntil(new Date(h.clock.now().getTime() + 5_000));
    const again = await redrive();
    expect(again.code).toBe(0);
    expect(again.out).toMatch('Failed lifecycles: 0 restart');
    expect(redriveExecutions(first)).toHaveLength(1);
    expect(redriveExecutions(second)).toHaveLength(1);
    for (const leadId of [first, second]) {
      const lead = await h.getLead(leadId);
      expect(lead.stage).toBe('assigned');
      expect(lead.timeline.filter((e) => e.type === 'redriven')).toHaveLength(1);
    }
  });
});

describe('parked events', () => {
  it('puts an event no target took back on the bus, where it is processed once', async () => {
    const leadId = await h.captureLead(contactSales('touch@kunde-gmbh.example'));
    expect((await h.getLead(leadId)).stage).toBe('assigned');
    let down = true;
    h.local.invoker.intercept('complete-wait', {
      times: 100,
      match: () => down,
      fail: () => new Error('complete-wait is down'),
    });
    await h.activity('TouchLogged', { leadId, channel: 'call' });
    // Past the bus's own redeliveries: then the delivery is parked.
    await h.runUntil(new Date(h.clock.now().getTime() + 5 * 60_000));
    const parked = h.local.bus.deadLetters();
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ target: 'complete-wait', event: { 'detail-type': 'TouchLogged' } });
    expect((await h.getLead(leadId)).stage).toBe('assigned');
    down = false;

    const dry = await redrive('--dry-run');
    expect(dry.out).toMatch(`local-bus: 1 would put back on the bus, 0 kept`);
    expect(h.local.bus.deadLetters()).toHaveLength(1);

    const { code, out } = await redrive();
    expect(code).toBe(0);
    expect(out).toMatch(`redrive TouchLogged ${parked[0]?.event.id} lead ${leadId}`);
    expect(h.local.bus.deadLetters()).toEqual([]);
    const touches = () => h.local.bus.log.filter((e) => e['detail-type'] === 'TouchLogged');
    expect(touches()).toHaveLength(2);
    // Put back under the id it first had, so it is the same activity however often it comes back.
    expect(touches()[1]?.detail.eventId).toBe(parked[0]?.event.id);
    const lead = await h.getLead(leadId);
    expect(lead.stage).toBe('touched');
    expect(lead.sla.touchAttempts).toBe(1);

    // A copy that comes back again (put, but not deleted) changes nothing.
    h.local.bus.put({
      Source: 'leadflow.sales',
      DetailType: 'TouchLogged',
      Detail: JSON.stringify(touches()[1]?.detail),
      EventBusName: h.local.names.eventBus,
    });
    await h.local.bus.drain();
    await h.settle();
    expect((await h.getLead(leadId)).sla.touchAttempts).toBe(1);

    const again = await redrive();
    expect(again.out).toMatch('local-bus: 0 put back on the bus, 0 kept');
    expect(touches()).toHaveLength(3);
  });
});

describe('the command', () => {
  it('exits 2 on bad usage and 1 when it cannot do its job', async () => {
    const lines: string[] = [];
    expect(await runRedrive(['--dry-run'], (l) => lines.push(l))).toBe(2);
    expect(lines.join('\n')).toMatch(/--unit is required\nUsage: npm run redrive/);
    expect(await runRedrive(['--unit', 'demo', '--url', h.url], () => {})).toBe(2);
    expect(await runRedrive(['--unit', 'nowhere', '--local', '--url', h.url], () => {})).toBe(1);
    lines.length = 0;
    expect(await runRedrive(['--unit', 'emea', '--local', '--url', h.url], (l) => lines.push(l))).toBe(1);
    expect(lines.join('\n')).toMatch(`runs unit demo, not emea`);
  });
});

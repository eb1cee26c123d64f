/**
 * Restarting the local runtime on its on-disk data resumes every open lead at its stage
 * (a new execution enters through Resume), and no alert is sent twice.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { VirtualClock } from '../../local/runtime/virtual-clock.ts';
import { freePort, type Harness, startHarness } from '../support/local-harness.ts';

let running: Harness | undefined;
afterAll(async () => {
  await running?.stop();
});

it('resumes open leads after a restart without repeating alerts', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'leadflow-data-'));
  const keyDir = mkdtempSync(join(tmpdir(), 'leadflow-keys-'));
  // SDK clients live for the whole process (as on a warm Lambda), so the stand-ins keep their ports.
  const servicePorts = { dynamodb: await freePort(), ses: await freePort(), aws: await freePort() };

  running = await startHarness({ start: '2026-03-23T09:00:00Z', dataDir, keyDir, servicePorts });
  const leadId = await running.captureLead({
    email: 'restart@kern.example',
    company: 'Kern KG',
    country: 'DE',
    intent: 'contact-sales',
  });
  const nurtured = await running.captureLead({
    email: 'later@kern.example',
    country: 'DE',
    intent: 'content',
  });
  await running.runUntil('2026-03-23T09:46:00Z'); // reminder sent at 10:45 local
  const reminders = async () => (await running!.emails()).filter((m) => m.subject.startsWith('Reminder'));
  expect(await reminders()).toHaveLength(1);
  await running.stop();

  const clock = new VirtualClock({ mode: 'manual', start: new Date('2026-03-23T09:47:00Z') });
  running = await startHarness({ start: '2026-03-23T09:47:00Z', clock, dataDir, keyDir, servicePorts });
  expect(running.local.resumed.sort()).toEqual([leadId, nurtured].sort());
  await running.runUntil('2026-03-23T10:01:00Z'); // breach at 11:00 local
  const lead = await running.getLead(leadId);
  expect(lead.sla.breachedAt).toBe('2026-03-23T10:00:00.000Z');
  expect(running.path(leadId).slice(0, 5)).toEqual([
    'Start',
    'Started?',
    'AwaitFirstTouch',
    'FirstTouchOverdue',
    'Reassign?',
  ]);
  expect(running.path(nurtured).slice(0, 3)).toEqual(['Start', 'Started?', 'Nurture']);
  expect(await reminders()).toHaveLength(1);
  expect(
    (await running.emails()).filter(
      (m) => m.subject.startsWith('SLA breached') && m.to.includes('anna@demo.example.com'),
    ),
  ).toHaveLength(1);
  expect(lead.timeline.filter((e) => e.type === 'reminder')).toHaveLength(1);
});

/**
 * The outbox the on-disk runtime appends to `<data-dir>/outbox.ndjson` (local/embedded/ses.ts):
 * every mail SES accepted, in order, across restarts. Read by the crash-restart checks.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface OutboxMail {
  /** Line of outbox.ndjson: mails are appended in the order SES accepted them. */
  line: number;
  to: string;
  subject: string;
  text: string;
  leadId: string | undefined;
}

export function readOutbox(dataDir: string): OutboxMail[] {
  const file = join(dataDir, 'outbox.ndjson');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((json, line) => {
      const mail = JSON.parse(json) as {
        destination?: { to?: string[] };
        subject: string;
        body?: { text?: string };
      };
      const text = mail.body?.text ?? '';
      const leadId = /Lead id: (ld_[\w-]+)/.exec(text)?.[1];
      return (mail.destination?.to ?? []).map((to) => ({ line, to, subject: mail.subject, text, leadId }));
    });
}

export interface DuplicateAlert {
  key: string;
  copies: OutboxMail[];
  /**
   * Two identical copies, the first sent by a runtime that was then killed and the second by
   * the next one: the mail went out but the kill came before it was marked sent, so Resume sent
   * it again (the outbox's at-least-once window, defect D1 in the resilience notes).
   */
  crashWindow: boolean;
}

/**
 * (lead, recipient, subject) triples mailed more than once. `killedAt` holds the outbox length
 * (in lines) when each runtime was killed, which tells which runtime sent which copy.
 */
export function duplicateAlerts(mails: OutboxMail[], killedAt: number[]): DuplicateAlert[] {
  const groups = new Map<string, OutboxMail[]>();
  for (const m of mails) {
    const key = `${m.leadId ?? '?'} → ${m.to}: ${m.subject}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  const run = (m: OutboxMail) => killedAt.filter((boundary) => m.line >= boundary).length;
  return [...groups]
    .filter(([, copies]) => copies.length > 1)
    .map(([key, copies]) => {
      const [first, second] = copies as [OutboxMail, OutboxMail];
      const crashWindow = copies.length === 2 && first.text === second.text && run(second) === run(first) + 1;
      return { key, copies, crashWindow };
    });
}

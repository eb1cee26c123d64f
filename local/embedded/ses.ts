/**
 * SES for the local runtime: aws-ses-v2-local in-process. Handlers send mail with the normal
 * SES SDK (v1 `SendEmail`/`SendRawEmail` or v2 `outbound-emails`) pointed at `endpoint`; nothing
 * leaves the machine (over HTTP, or in-process through its request `listener`, local/transport/).
 * Sent mail is kept in memory and shown by the package's web UI at `outboxUrl`, and as JSON at
 * `<endpoint>/store`.
 *
 * The package keeps its mail store in module state, so every embedded SES in one process shares
 * one outbox (and `clearOutbox` clears it for all). One per process is the intended use. With a
 * `logFile` (the on-disk runtime), the outbox also survives restarts.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

export interface SentEmail {
  messageId: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  subject: string;
  text?: string;
  html?: string;
  /** When SES accepted it (second precision, as the store records it). */
  at: Date;
}

export interface EmbeddedSes {
  /** SES API endpoint for the SDK (`endpoint` option). */
  endpoint: string;
  /** What its HTTP server calls for every request (the outbox log included). */
  listener: RequestListener;
  /** The outbox web UI for humans. */
  outboxUrl: string;
  fetchSentEmails(): Promise<SentEmail[]>;
  clearOutbox(): Promise<void>;
  close(): Promise<void>;
}

/** The shape of one entry in aws-ses-v2-local's `GET /store` response. */
interface StoredEmail {
  messageId: string;
  from: string;
  replyTo?: string[];
  destination?: { to?: string[]; cc?: string[]; bcc?: string[] };
  subject: string;
  body?: { html?: string; text?: string };
  /** Epoch seconds. */
  at: number;
}

type StartSesServer = (config?: { host?: string; port?: number }) => Promise<Server>;

// A CommonJS package with an ES-style `default` export: `require` gives the same object in every
// loader (tsx, vitest, plain node), where a default `import` would differ between them.
const loadSesServer = (): StartSesServer => {
  const require = createRequire(import.meta.url);
  const mod = require('aws-ses-v2-local') as { default: StartSesServer };
  return mod.default;
};

const toSentEmail = (email: StoredEmail): SentEmail => ({
  messageId: email.messageId,
  from: email.from,
  to: email.destination?.to ?? [],
  cc: email.destination?.cc ?? [],
  bcc: email.destination?.bcc ?? [],
  replyTo: email.replyTo ?? [],
  subject: email.subject,
  ...(email.body?.text !== undefined ? { text: email.body.text } : {}),
  ...(email.body?.html !== undefined ? { html: email.body.html } : {}),
  at: new Date(email.at * 1000),
});

interface SesStore {
  getStoreReadonly(): { emails: StoredEmail[] };
  saveEmail(email: StoredEmail): void;
}
const loadStore = (): SesStore => createRequire(import.meta.url)('aws-ses-v2-local/dist/store') as SesStore;

/**
 * Keeps the outbox across restarts (the package's store lives in memory): every mail SES
 * accepted is appended to `logFile` before the sender gets its answer, so a crash never loses
 * a mail that was reported sent, and a restart shows the mail sent before it. Returns the
 * package's request handling with that step added.
 */
function persistOutbox(
  handle: RequestListener,
  logFile: string,
): { listener: RequestListener; truncate(): void } {
  const store = loadStore();
  // The store may already hold them: a restart inside one process (tests) keeps the module state.
  const known = new Set(store.getStoreReadonly().emails.map((e) => e.messageId));
  if (existsSync(logFile))
    for (const line of readFileSync(logFile, 'utf8').split('\n').filter(Boolean)) {
      const email = JSON.parse(line) as StoredEmail;
      if (!known.has(email.messageId)) store.saveEmail(email);
    }
  let logged = store.getStoreReadonly().emails.length;
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      const emails = store.getStoreReadonly().emails;
      if (emails.length > logged) {
        appendFileSync(
          logFile,
          emails
            .slice(logged)
            .map((e) => `${JSON.stringify(e)}\n`)
            .join(''),
        );
        logged = emails.length;
      }
      return end(...args);
    }) as ServerResponse['end'];
    handle(req, res);
  };
  return {
    listener,
    truncate: () => {
      writeFileSync(logFile, '');
      logged = 0;
    },
  };
}

export const startEmbeddedSes = async (
  options: { port?: number; host?: string; logFile?: string } = {},
): Promise<EmbeddedSes> => {
  const host = options.host ?? '127.0.0.1';
  const server = await loadSesServer()({ host, port: options.port ?? 0 });
  const [handle] = server.listeners('request') as RequestListener[];
  if (!handle) throw new Error('aws-ses-v2-local server has no request handler');
  const persisted = options.logFile ? persistOutbox(handle, options.logFile) : undefined;
  if (persisted) {
    server.removeAllListeners('request');
    server.on('request', persisted.listener);
  }
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://${host}:${port}`;

  return {
    endpoint,
    listener: persisted?.listener ?? handle,
    outboxUrl: `${endpoint}/`,
    async fetchSentEmails() {
      const response = await fetch(`${endpoint}/store`);
      if (!response.ok) throw new Error(`SES outbox answered ${response.status}`);
      const { emails } = (await response.json()) as { emails: StoredEmail[] };
      return emails.map(toSentEmail);
    },
    async clearOutbox() {
      const response = await fetch(`${endpoint}/clear-store`, { method: 'POST' });
      if (!response.ok) throw new Error(`Clearing the SES outbox answered ${response.status}`);
      persisted?.truncate();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
};

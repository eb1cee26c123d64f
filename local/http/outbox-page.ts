/**
 * `GET /outbox`: the mails the local runtime sent, newest first, each HTML body rendered in a
 * sandboxed iframe (`srcdoc`: no scripts, no same-origin access; links open in this tab, as a
 * mail client opens them in a browser) with its text version under it. The package's own UI
 * writes the HTML into a same-origin frame with innerHTML, where a mail's markup could act on
 * the outbox; here a mail can only be looked at and its links followed.
 */
import type { ServerResponse } from 'node:http';
import type { EmbeddedSes, SentEmail } from '../embedded/ses.ts';

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** Links in a mail open in the outbox's tab (a click is a user activation the sandbox lets through). */
const framed = (html: string) =>
  /<head[^>]*>/i.test(html)
    ? html.replace(/<head[^>]*>/i, (head) => `${head}<base target="_top">`)
    : `<base target="_top">${html}`;

function mailSection(mail: SentEmail, index: number): string {
  const frame = mail.html
    ? `<iframe title="${escapeHtml(mail.subject)}" sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation" referrerpolicy="no-referrer" srcdoc="${escapeHtml(framed(mail.html))}"></iframe>`
    : '<p class="muted">(no HTML part)</p>';
  return `<article id="mail-${index}">
<h2>${escapeHtml(mail.subject)}</h2>
<p class="meta">To ${escapeHtml(mail.to.join(', '))} · from ${escapeHtml(mail.from)} · ${escapeHtml(mail.at.toISOString())}</p>
${frame}
<details><summary>Text version</summary><pre>${escapeHtml(mail.text ?? '')}</pre></details>
</article>`;
}

export async function respondWithOutbox(
  res: ServerResponse,
  ses: Pick<EmbeddedSes, 'fetchSentEmails' | 'outboxUrl'>,
): Promise<void> {
  const mails = (await ses.fetchSentEmails()).reverse();
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Leadflow outbox (${mails.length})</title>
<style>
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:760px;padding:16px;background:#f9fafb;color:#111827}
article{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:12px 16px;margin:0 0 16px}
h2{font-size:16px;margin:0 0 4px} .meta,.muted{color:#4b5563;font-size:13px;margin:0 0 8px}
iframe{width:100%;height:720px;border:1px solid #e5e7eb;border-radius:4px;background:#fff}
pre{white-space:pre-wrap;font-size:13px}
</style></head>
<body><h1>Outbox: ${mails.length} mail${mails.length === 1 ? '' : 's'}</h1>
<p class="muted">What SES accepted from this runtime, newest first. Raw store: <a href="${escapeHtml(ses.outboxUrl)}">${escapeHtml(ses.outboxUrl)}</a></p>
${mails.map(mailSection).join('\n')}
</body></html>
`;
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'content-security-policy': "script-src 'none'; object-src 'none'; frame-ancestors 'none'",
  });
  res.end(body);
}

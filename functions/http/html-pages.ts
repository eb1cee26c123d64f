/**
 * Minimal HTML answers for people posting a plain form (they asked for text/html): a JSON
 * problem document would be a dead end in a browser.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { HttpProblem } from './problem.ts';

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export function htmlProblemPage(problem: HttpProblem): APIGatewayProxyStructuredResultV2 {
  const items = (problem.errors ?? [])
    .map((e) => `<li><strong>${escapeHtml(e.path)}</strong>: ${escapeHtml(e.message)}</li>`)
    .join('');
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(problem.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<h1>${escapeHtml(problem.title)}</h1><p>${escapeHtml(problem.detail ?? '')}</p>${items ? `<ul>${items}</ul>` : ''}
<p><a href="javascript:history.back()">Go back and correct the form</a></p></body></html>`;
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'text/html; charset=utf-8', ...problem.headers },
    body,
  };
}

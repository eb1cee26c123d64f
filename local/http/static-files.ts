/**
 * Serves the demo pages (the lead form) from a directory. Stands in for the static hosting a
 * business unit has in front of its real site; only GET/HEAD, only regular files inside the root.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

export const contentTypeFor = (file: string): string =>
  CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';

export interface StaticFile {
  contentType: string;
  body: Buffer;
}

const isInside = (root: string, candidate: string): boolean => {
  const relative = path.relative(root, candidate);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
};

const regularFile = async (file: string): Promise<boolean> => {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
};

/**
 * Resolves a URL path to a file under `root`, or undefined. `/` is `index.html`, and an
 * extension-less path falls back to `<path>.html` so `/thank-you` (the URL the demo unit
 * configures) finds `thank-you.html`. Traversal (`..`, encoded or not), NUL bytes, dotfiles and
 * symlinks leading outside the root are refused.
 */
export const resolveStaticFile = async (root: string, urlPath: string): Promise<string | undefined> => {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s.startsWith('.'))) return undefined;

  const realRoot = await realpath(root);
  const relative = segments.length === 0 ? 'index.html' : segments.join('/');
  const candidates = path.extname(relative) === '' ? [relative, `${relative}.html`] : [relative];
  for (const candidate of candidates) {
    const file = path.resolve(realRoot, candidate);
    if (!isInside(realRoot, file) || !(await regularFile(file))) continue;
    const real = await realpath(file);
    if (isInside(realRoot, real)) return real;
  }
  return undefined;
};

export const loadStaticFile = async (root: string, urlPath: string): Promise<StaticFile | undefined> => {
  const file = await resolveStaticFile(root, urlPath);
  if (!file) return undefined;
  return { contentType: contentTypeFor(file), body: await readFile(file) };
};

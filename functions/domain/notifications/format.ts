/**
 * Formatting shared by the text and HTML mails: one-line values, durations, local times in a
 * given zone, HTML escaping and the few values an HTML attribute may take (colours, URLs).
 */
import type { Lead } from '../lead.ts';

/**
 * Lead fields (names, company, message...) come from a public form. Each rendered line is made
 * one line: every run of control characters (C0, DEL, C1, and the Unicode line and paragraph
 * separators) becomes a single space, so a name like "Eva\r\nBcc: x@evil" can neither split a
 * subject into header lines nor add a body line that looks like a header.
 */
export function oneLine(value: string): string {
  return value.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ');
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Text as HTML text or a quoted attribute value: nothing in it can open a tag or end a quote. */
export function escapeHtml(value: string): string {
  return oneLine(value).replace(/[&<>"'`]/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** A colour for a style attribute: exactly #rrggbb, else the default blue. */
export function safeColor(value: string | undefined, fallback = '#1d4ed8'): string {
  return value && /^#[0-9a-fA-F]{6}$/.test(value) ? value.toLowerCase() : fallback;
}

/** Black or white text, whichever reads better on `background` (WCAG relative luminance). */
export function textColorOn(background: string): string {
  const channel = (i: number) => {
    const c = Number.parseInt(background.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
  // Contrast with white (1.05 / (L + 0.05)) against contrast with near-black.
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.0611 ? '#ffffff' : '#111827';
}

/** An http(s) URL for an href or src, or undefined: no `javascript:`, `data:` or relative links. */
export function safeUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export function who(lead: Pick<Lead, 'profile'>): string {
  const p = lead.profile;
  const name = [p.firstName, p.lastName].filter(Boolean).join(' ') || p.email;
  return p.company ? `${name} (${p.company})` : name;
}

export function formatMinutes(minutes: number): string {
  // Round first: rounding only the remainder would show 119.7 minutes as "1 h 60 min".
  const whole = Math.round(minutes);
  const h = Math.floor(whole / 60);
  const m = whole % 60;
  return h > 0 ? `${h} h ${m} min` : `${m} min`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** "23 Mar 2026, 11:00 (Europe/Berlin)", or "n/a" without an instant. */
export function localTime(iso: string | undefined, timezone: string): string {
  if (!iso) return 'n/a';
  let format = formatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: timezone,
    });
    formatters.set(timezone, format);
  }
  return `${format.format(new Date(iso))} (${timezone})`;
}

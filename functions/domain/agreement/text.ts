/**
 * Plain-words helpers shared by the agreement document, the scorecard and the digest: one way
 * to write a share, a business duration or a rule, so every output says the same thing.
 */
import type { FieldPredicate } from '../../../config/schema.ts';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** 0.9 → "90%", 0.875 → "87.5%". */
export function percent(share: number): string {
  const value = Math.round(share * 1000) / 10;
  return `${Number.isInteger(value) ? value.toFixed(0) : value.toFixed(1)}%`;
}

/** "a", "a and b", "a, b and c". */
export function listInWords(items: readonly string[], conjunction = 'and'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * A number of business minutes in words: "45 business minutes", "2 business hours",
 * "90 business minutes"; from one business day on, "(about N business days)" is added, with the
 * calendar's typical day length.
 */
export function businessDuration(minutes: number, typicalDayMinutes = 0): string {
  const hours = minutes / 60;
  let text: string;
  if (minutes < 60) text = plural(minutes, 'business minute', 'business minutes');
  else if (Number.isInteger(hours)) text = plural(hours, 'business hour', 'business hours');
  else text = `${Math.round(minutes * 10) / 10} business minutes`;
  if (typicalDayMinutes > 0 && minutes >= typicalDayMinutes) {
    const days = Math.round((minutes / typicalDayMinutes) * 10) / 10;
    text += ` (about ${plural(days, 'business day', 'business days')})`;
  }
  return text;
}

const FIELD_NAMES: Record<string, string> = {
  companySize: 'company size',
  jobTitle: 'job title',
  formId: 'form',
  'utm.source': 'UTM source',
  'utm.campaign': 'UTM campaign',
  'utm.medium': 'UTM medium',
};

const fieldName = (field: string): string => FIELD_NAMES[field] ?? field;
const literal = (v: string | number | boolean): string => (typeof v === 'string' ? v : String(v));

/** A config predicate as a sentence fragment: "country is DE, AT or CH". */
export function describePredicate(p: FieldPredicate): string {
  if ('all' in p) return p.all.map(describePredicate).join(' and ');
  if ('any' in p) return `(${p.any.map(describePredicate).join(' or ')})`;
  if ('not' in p) return `not (${describePredicate(p.not)})`;
  switch (p.op) {
    case 'businessEmail':
      return 'the email is a business address';
    case 'freeMailDomain':
      return 'the email is a free-mail address';
    case 'exists':
      return `${fieldName(p.field)} is given`;
    case 'equals':
      return `${fieldName(p.field)} is ${literal(p.value)}`;
    case 'in':
      return `${fieldName(p.field)} is ${listInWords(p.values.map(literal), 'or')}`;
    case 'matches':
      return `${fieldName(p.field)} matches /${p.pattern}/`;
    case 'gte':
      return `${fieldName(p.field)} is at least ${p.value}`;
    case 'lte':
      return `${fieldName(p.field)} is at most ${p.value}`;
  }
}

export const WEEKDAY_NAMES = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
} as const;

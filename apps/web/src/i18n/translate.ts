import { en, type MessageKey, type Messages } from './messages.en';
import { es } from './messages.es';
import { fr } from './messages.fr';

/** The languages of the interface. */
export const LANGUAGES = ['en', 'es', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Every dictionary, by language. */
export const DICTIONARIES: Readonly<Record<Language, Messages>> = { en, es, fr };

/** Parameters of a message: `{name}` placeholders. */
export type MessageParams = Readonly<Record<string, string | number>>;

/** True for a supported language code. */
export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The first supported language of the browser's preferences (`es-CO` → `es`), else English. */
export function pickLanguage(preferences: readonly string[]): Language {
  for (const preference of preferences) {
    const base = preference.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

/** Replaces `{name}` placeholders; unknown placeholders stay as written. */
export function interpolate(template: string, params: MessageParams = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** The message `key` in `language` (English when a dictionary lacks it), interpolated. */
export function translate(language: Language, key: MessageKey, params?: MessageParams): string {
  const template = DICTIONARIES[language][key] ?? en[key] ?? key;
  return interpolate(template, params);
}

/** True when `key` is a message key (for labels built from server values). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

/**
 * The label of a value of an enumeration (`phase` + `follow-up` → `phase.follow-up`), or the
 * value itself when the dictionary has no entry (a value newer than this build).
 */
export function labelOf(language: Language, group: string, value: string): string {
  const key = `${group}.${value}`;
  return isMessageKey(key) ? translate(language, key) : value;
}

/** The placeholders of a template, sorted (to compare languages). */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}

/** The BCP 47 locale used for dates and numbers. */
export function localeOf(language: Language): string {
  return { en: 'en-GB', es: 'es', fr: 'fr' }[language];
}

/** A date (and time) in the language's format, in the browser's time zone. */
export function formatDateTime(language: Language, iso: string | undefined | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(localeOf(language), {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(date);
}

/** A calendar date in the language's format. */
export function formatDate(language: Language, iso: string | undefined | null): string {
  if (!iso) return '—';
  const date = new Date(iso.length === 10 ? `${iso}T00:00:00` : iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(localeOf(language), { dateStyle: 'medium' }).format(date);
}

/** A number with at most `digits` decimals in the language's format. */
export function formatNumber(language: Language, value: number, digits = 1): string {
  return new Intl.NumberFormat(localeOf(language), { maximumFractionDigits: digits }).format(value);
}

/**
 * Short labels for points in time on a chart axis: dates, or times of day when every point
 * falls on the same day (a demo compresses months into minutes).
 */
export function pointLabels(language: Language, isos: readonly string[]): string[] {
  const days = new Set(isos.map((iso) => iso.slice(0, 10)));
  const format = new Intl.DateTimeFormat(
    localeOf(language),
    days.size === 1 && isos.length > 1
      ? { hour: '2-digit', minute: '2-digit', second: '2-digit' }
      : { day: 'numeric', month: 'short' },
  );
  return isos.map((iso) => {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : format.format(date);
  });
}

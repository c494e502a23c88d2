import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import type { MessageKey } from './messages.en';
import {
  formatDate,
  formatDateTime,
  formatNumber,
  isLanguage,
  labelOf,
  pickLanguage,
  pointLabels,
  translate,
  type Language,
  type MessageParams,
} from './translate';

/** The chosen language is kept for this tab only (quick exit wipes it with the rest). */
const LANGUAGE_KEY = 'trellis.language';

/** What components use to speak the person's language. */
export interface I18n {
  language: Language;
  setLanguage: (language: Language) => void;
  t: (key: MessageKey, params?: MessageParams) => string;
  /** The label of an enumeration value (`label('phase', 'follow-up')`). */
  label: (group: string, value: string) => string;
  dateTime: (iso: string | undefined | null) => string;
  date: (iso: string | undefined | null) => string;
  number: (value: number, digits?: number) => string;
  /** Axis labels for points in time (see `pointLabels`). */
  points: (isos: readonly string[]) => string[];
}

const I18nContext = createContext<I18n | undefined>(undefined);

function initialLanguage(): Language {
  try {
    const stored = sessionStorage.getItem(LANGUAGE_KEY);
    if (isLanguage(stored)) return stored;
  } catch {
    // storage unavailable: fall back to the browser's preference
  }
  if (typeof navigator === 'undefined') return 'en';
  return pickLanguage(navigator.languages ?? [navigator.language]);
}

/** Provides the language, its messages and formats; sets `<html lang>`. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  const setLanguage = useCallback((next: Language) => {
    setLanguageState(next);
    try {
      sessionStorage.setItem(LANGUAGE_KEY, next);
    } catch {
      // not kept: fine
    }
  }, []);

  const value = useMemo<I18n>(
    () => ({
      language,
      setLanguage,
      t: (key, params) => translate(language, key, params),
      label: (group, value) => labelOf(language, group, value),
      dateTime: (iso) => formatDateTime(language, iso),
      date: (iso) => formatDate(language, iso),
      number: (value, digits) => formatNumber(language, value, digits),
      points: (isos) => pointLabels(language, isos),
    }),
    [language, setLanguage],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

/** The current language's messages and formats. */
export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}

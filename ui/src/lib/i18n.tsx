import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Lang } from './format';

/**
 * Japanese first, English on request. Strings live next to the code that shows them:
 * `tr('自分の作業', 'My tasks')`. The choice is kept in localStorage and sets <html lang>.
 */
interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  tr(ja: string, en: string): string;
  pick(label: { ja: string; en: string } | null | undefined): string;
}

const LANG_KEY = 'opsdesk.lang';
const I18nContext = createContext<I18n | null>(null);

function initialLang(): Lang {
  try {
    const stored = localStorage.getItem(LANG_KEY);
    if (stored === 'en' || stored === 'ja') return stored;
  } catch {
    /* storage unavailable */
  }
  return 'ja';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      localStorage.setItem(LANG_KEY, next);
    } catch {
      /* storage unavailable */
    }
  }, []);
  const value = useMemo<I18n>(
    () => ({
      lang,
      setLang,
      tr: (ja, en) => (lang === 'ja' ? ja : en),
      pick: (label) => (label ? (lang === 'ja' ? label.ja : label.en) : '—'),
    }),
    [lang, setLang],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}

const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]/;

/**
 * The API's domain messages are often "日本語 / English" (either order): show the half in the
 * reader's language; anything else as it is.
 */
export function humanMessage(message: string, lang: Lang): string {
  const parts = message.split(' / ');
  if (parts.length === 2) {
    const [a, b] = parts;
    const aJa = JAPANESE.test(a);
    const bJa = JAPANESE.test(b);
    if (aJa !== bJa) return lang === 'ja' ? (aJa ? a : b) : aJa ? b : a;
  }
  return message;
}

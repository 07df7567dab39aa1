/**
 * Which language a Datamolino page is in, and whether the extension reads it: only languages with a table of texts
 * in phrases.ts (English; Slovak and Czech UIs are likely but their texts are unseen). A page in another language is
 * not read at all — no problem found on it, its folder "not recognised" with the reason — rather than misread.
 */
import { TEXTS, type UiLanguage } from './phrases';
import { normaliseText } from './visible-text';

/** The BCP-47 primary subtag of a language tag ("en-GB" → "en"), or undefined for none or nonsense. */
export function primarySubtag(tag: string | null | undefined): string | undefined {
  const primary = tag?.trim().split(/[-_]/)[0]?.toLowerCase();
  return primary && /^[a-z]{2,8}$/.test(primary) ? primary : undefined;
}

/** The language the page declares (<html lang>, else <body lang>). */
export function declaredLanguage(doc: Document): string | undefined {
  return primarySubtag(doc.documentElement?.getAttribute('lang')) ?? primarySubtag(doc.body?.getAttribute('lang'));
}

export const readsLanguage = (language: string): language is UiLanguage => Object.hasOwn(TEXTS, language);

const LANGUAGES = Object.keys(TEXTS) as UiLanguage[];

/**
 * The page's language: the one it declares; else the first whose landmarks it shows (Folder Menu, My Folders, the
 * Export Failed tab, an Audit Trail heading); else undefined (unknown: read with the English texts, which then decide).
 */
export function pageLanguage(doc: Document): string | undefined {
  const declared = declaredLanguage(doc);
  if (declared || !doc.body) return declared;
  const names = [...doc.body.querySelectorAll('h1, h2, h3, button, [role="tab"], [role="button"]')].map((el) =>
    normaliseText(el.getAttribute('aria-label') || el.textContent || ''),
  );
  return LANGUAGES.find((lang) => {
    const { controls, pageTexts, historyHeadings } = TEXTS[lang];
    const landmarks = [
      ...controls.folderMenu,
      ...controls.exportFailedTab,
      ...pageTexts.dashboardHeading,
      ...historyHeadings,
    ].map(normaliseText);
    return names.some((name) => landmarks.some((landmark) => name.startsWith(landmark)));
  });
}

const readNames = () => LANGUAGES.map((lang) => TEXTS[lang].name).join(' or ');

/** What the user is told on a Datamolino page in a language the extension does not read. */
export function languageMessage(_language?: string): string {
  return `Connection Doctor reads Datamolino in ${readNames()}; switch your Datamolino language to ${readNames()} to use it.`;
}

/** The reason a folder's page in that language is not recognised ("language: sk — …"). */
export const languageReason = (language: string) =>
  `language: ${language} — Connection Doctor reads Datamolino in ${readNames()}`;

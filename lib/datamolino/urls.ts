/**
 * Where Datamolino runs and the shapes of its URLs, in one place. The sandbox build also runs on loopback
 * (wxt.config.ts). Folder and document URL shapes are our model's (/{lang}/folders/{id}/documents/{id}); the real
 * ones are unverified, so identity may use them but detection never does.
 */
import type { PageSnapshot } from './snapshot';

/** Production and its public test host. */
export const DATAMOLINO_MATCHES = ['https://app.datamolino.com/*', 'https://beta.datamolino.com/*'];

const PRODUCTION_ORIGINS = DATAMOLINO_MATCHES.map((m) => new URL(m.replace('/*', '/')).origin);

/** Is this URL a Datamolino page our content script runs on? (The sandbox build also runs on loopback.) */
export function isDatamolinoUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (PRODUCTION_ORIGINS.includes(u.origin)) return true;
  if (import.meta.env.MODE === 'sandbox')
    return u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost');
  return false;
}

/**
 * The shapes of a folder's address, all in one place. Only a folder id in the address (/{lang}/folders/{id}) names
 * the folder: an address of another shape (a workspace token, /{lang}/workspace/{token}) is still that folder's page,
 * read as one, but names no folder id — so it is never taken for another folder, and never stored as one.
 */
const FOLDER_IN_PATH = /\/folders\/(\d+)(?:\/|$|\?|#)/;
const FOLDER_PAGE_PATHS = [/\/folders\/\d+\/?$/, /\/workspace\/[\w-]+\/?$/];
/** Path segments the next segment of which names a record by a token of any look (/{lang}/workspace/{token}). */
export const TOKEN_AFTER: ReadonlySet<string> = new Set(['workspace']);
const DOCUMENT_IN_PATH = /\/documents\/(\d+)/;

/** A folder's own page, not a page below it (settings, export history, a document). */
export const isFolderPagePath = (path: string) => FOLDER_PAGE_PATHS.some((shape) => shape.test(path));
/** A document's page ("…/documents/9001"). */
export const isDocumentPath = (path: string) => /\/documents\/\d+\/?$/.test(path);

/** The folder id a URL names ("/en/folders/201/…" → "201"). */
export const folderIdFromUrl = (url: string) => FOLDER_IN_PATH.exec(`${new URL(url).pathname}/`)?.[1];
/** The document id a URL or path names ("…/documents/9001" → "9001"). */
export const documentIdFromPath = (path: string | null | undefined) =>
  path ? DOCUMENT_IN_PATH.exec(path)?.[1] : undefined;
export const documentIdFromUrl = (url: string) => documentIdFromPath(new URL(url).pathname);

/** What a URL read from a page must lead to, to be stored or opened. */
export interface UrlExpectation {
  /** The folder it must name; a folder URL names no document. */
  folderId: string;
  /** The document it must name (a document page of that folder). */
  documentId?: string;
}

/**
 * The one check for every URL that comes from a page, before it is stored or opened: absolute or relative to `base`,
 * http(s) on one of Datamolino's origins (the sandbox build: loopback), no user name or password, and the path shape of
 * the folder (and document) it stands for. Returns the URL without query or fragment, or undefined for anything else
 * (another site, javascript:, a look-alike host, another folder).
 */
export function checkedDatamolinoUrl(raw: string, expect: UrlExpectation, base?: string): string | undefined {
  let u: URL;
  try {
    u = new URL(raw, base);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
  if (u.username || u.password || !isDatamolinoUrl(u.href)) return undefined;
  const clean = `${u.origin}${u.pathname}`;
  if (folderIdFromUrl(clean) !== expect.folderId) return undefined;
  if (documentIdFromUrl(clean) !== expect.documentId) return undefined;
  return clean;
}

/**
 * A page report with every URL in it checked (checkedDatamolinoUrl): what fails is dropped, and listed in `dropped`
 * so the audit log can count it. The background runs this on every report: the content script reads links from a
 * page that may be hostile, and the report is stored and its links opened later.
 */
export function withCheckedUrls(page: PageSnapshot): { page: PageSnapshot; dropped: string[] } {
  const dropped: string[] = [];
  const keep = (raw: string, expect: UrlExpectation | undefined) => {
    const url = expect && checkedDatamolinoUrl(raw, expect);
    if (!url) dropped.push(raw.slice(0, 200));
    return url;
  };
  const checked: PageSnapshot = { ...page, documentUrls: {} };
  const folderId = page.folderId;
  if (page.folderUrl !== undefined) checked.folderUrl = keep(page.folderUrl, folderId ? { folderId } : undefined);
  for (const [documentId, url] of Object.entries(page.documentUrls)) {
    const ok = keep(url, folderId ? { folderId, documentId } : undefined);
    if (ok) checked.documentUrls[documentId] = ok;
  }
  if (page.dashboard)
    checked.dashboard = page.dashboard.flatMap((f) => {
      const url = keep(f.url, { folderId: f.folderId });
      return url ? [{ ...f, url }] : [];
    });
  return { page: checked, dropped };
}

/** Any folder or document page of Datamolino (checkedDatamolinoUrl with the ids the URL itself names), or undefined. */
export function datamolinoPageUrl(raw: string): string | undefined {
  let folderId: string | undefined;
  let documentId: string | undefined;
  try {
    folderId = folderIdFromUrl(raw);
    documentId = documentIdFromUrl(raw);
  } catch {
    return undefined;
  }
  return folderId ? checkedDatamolinoUrl(raw, { folderId, documentId }) : undefined;
}

/**
 * Where Datamolino runs and the shapes of its URLs, in one place. The sandbox build also runs on loopback
 * (wxt.config.ts). Folder and document URL shapes are our model's (/{lang}/folders/{id}/documents/{id}); the real
 * ones are unverified, so identity may use them but detection never does.
 */

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

const FOLDER_IN_PATH = /\/folders\/(\d+)(?:\/|$|\?|#)/;
const DOCUMENT_IN_PATH = /\/documents\/(\d+)/;

/** The folder id a URL names ("/en/folders/201/…" → "201"). */
export const folderIdFromUrl = (url: string) => FOLDER_IN_PATH.exec(`${new URL(url).pathname}/`)?.[1];
/** The document id a URL or path names ("…/documents/9001" → "9001"). */
export const documentIdFromPath = (path: string | null | undefined) =>
  path ? DOCUMENT_IN_PATH.exec(path)?.[1] : undefined;
export const documentIdFromUrl = (url: string) => documentIdFromPath(new URL(url).pathname);

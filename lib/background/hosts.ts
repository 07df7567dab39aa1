import { DATAMOLINO_MATCHES } from '../datamolino/hosts';

const PRODUCTION_ORIGINS = DATAMOLINO_MATCHES.map((m) => new URL(m.replace('/*', '/')).origin);

/** Is this URL a Datamolino page our content script runs on? (The sandbox build also runs on loopback.) */
export function isDatamolinoUrl(url: string): boolean {
  const u = new URL(url);
  if (PRODUCTION_ORIGINS.includes(u.origin)) return true;
  if (import.meta.env.MODE === 'sandbox')
    return u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost');
  return false;
}

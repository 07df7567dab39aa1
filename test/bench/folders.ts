/** Folder health records as the background stores them (`local:health`), for seeding the extension with N folders. */
import { digestOf } from '../../lib/health/digest';
import type { FolderHealth } from '../../lib/health/model';
import type { BrowserRun } from './lab';

const PROVIDERS = ['xero', 'quickbooks', 'freeagent'] as const;
const STATES = ['healthy', 'healthy', 'healthy', 'expired', 'forbidden', 'unchecked'] as const;

export const FOLDER_NAME_PREFIX = 'Bench Client ';
const benchFolderName = (i: number) => `${FOLDER_NAME_PREFIX}${String(i + 1).padStart(4, '0')} Ltd`;

export function benchFolders(count: number, origin: string, now = new Date()): Record<string, FolderHealth> {
  const map: Record<string, FolderHealth> = {};
  for (let i = 0; i < count; i++) {
    const folderId = String(100_000 + i);
    const state = STATES[i % STATES.length]!;
    const at = new Date(now.getTime() - (i % 48) * 3600_000).toISOString();
    const key = `${origin}|${folderId}`;
    map[key] = {
      key,
      origin,
      folderId,
      name: benchFolderName(i),
      account: `Practice ${1 + (i % 3)}`,
      provider: PROVIDERS[i % PROVIDERS.length]!,
      state,
      since: at,
      lastSeen: at,
      ...(state === 'unchecked' ? {} : { lastRead: at }),
      forbiddenDocuments: state === 'forbidden' ? [String(900_000 + i)] : [],
      url: `${origin}/en/folders/${folderId}`,
    };
  }
  return map;
}

/**
 * Replaces the extension's folder health with `count` folders, written as the background writes it: the map and the
 * popup's first screen (its digest) with it.
 */
export async function seedFolders(run: BrowserRun, count: number, origin: string) {
  const health = benchFolders(count, origin);
  const healthDigest = digestOf(Object.values(health), new Date());
  await run.extension!.worker.evaluate((values) => chrome.storage.local.set(values), { health, healthDigest });
}

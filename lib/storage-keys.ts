/**
 * Keys of the items the popup reads before its first frame (lib/storage.ts declares the items). Apart from zod and
 * the items, so the popup's first, tiny script (components/first-screen-read.ts) can read them.
 */
export const FIRST_SCREEN_KEYS = {
  digest: 'local:healthDigest',
  flows: 'session:flows',
  batch: 'session:batch',
} as const;

/** Every page action the content script can do (lib/datamolino/snapshot.ts has their schemas). */
export const PAGE_ACTION_OPS = [
  'navigate',
  'menu',
  'inspect-menu',
  'connect',
  'connect-as',
  'confirm-disconnect',
  'open-tab',
  'set-approval',
  'dismiss',
  'export',
] as const;

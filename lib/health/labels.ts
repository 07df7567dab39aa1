/** Display names, kept free of schemas so the content script stays small. */
export type ProviderKey = 'xero' | 'quickbooks' | 'freeagent' | 'unknown';

export const PROVIDER_LABEL: Record<ProviderKey, string> = {
  xero: 'Xero',
  quickbooks: 'QuickBooks',
  freeagent: 'FreeAgent',
  unknown: 'accounting',
};

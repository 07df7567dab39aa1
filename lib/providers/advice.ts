/**
 * What to do when a provider keeps refusing a folder's exports while its connection works. Xero has the draft-status
 * test (approval rights); QuickBooks and FreeAgent have no approval status to test, so the advice is who may connect
 * apps and create bills there. Read when shown, so each is in the browser's language.
 */
import { t } from '../i18n';
import type { ProviderName } from '../model';

export const REFUSED_ADVICE: Record<ProviderName, string> = {
  get xero() {
    return t('providerAdvice.xero');
  },
  get quickbooks() {
    return t('providerAdvice.quickbooks');
  },
  get freeagent() {
    return t('providerAdvice.freeagent');
  },
  get unknown() {
    return t('providerAdvice.unknown');
  },
};

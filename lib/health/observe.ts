/** Turns what a page shows (a PageSnapshot) into observations of folder health. Pure. */
import type { PageSnapshot } from '../datamolino/snapshot';
import type { FolderObservation } from './model';

export function observationsFromPage(page: PageSnapshot): FolderObservation[] {
  if (page.kind === 'dashboard')
    return (page.dashboard ?? []).map((f) => ({
      origin: page.origin,
      folderId: f.folderId,
      name: f.name,
      account: f.account,
      business: f.business,
      provider: f.provider,
      url: f.url,
      scope: 'dashboard',
      expired: f.expired,
      forbiddenDocuments: [],
    }));
  if (!page.folderId) return [];
  // A folder's own page that did not look like what the extension knows, once it has settled: recorded as such.
  if (page.kind === 'other' && page.unrecognised && page.statusLoaded)
    return [
      {
        origin: page.origin,
        folderId: page.folderId,
        provider: page.provider,
        url: page.folderUrl ?? page.url,
        scope: 'folder',
        expired: page.expired,
        settled: true,
        unrecognised: page.unrecognised,
        forbiddenDocuments: [],
      },
    ];
  if (page.kind === 'folder' || page.kind === 'connect-screen')
    return [
      {
        origin: page.origin,
        folderId: page.folderId,
        name: page.folderName,
        organisation: page.organisation,
        provider: page.provider,
        url: page.folderUrl ?? page.url,
        scope: 'folder',
        expired: page.expired,
        settled: page.statusLoaded,
        disconnected: page.kind === 'connect-screen',
        // Only the Export Failed tab lists every failed document; other tabs say nothing about them.
        forbiddenComplete: page.exportFailedTab,
        forbiddenDocuments: page.forbiddenDocuments,
        lastExportSeen: page.lastExportSeen,
      },
    ];
  if (page.kind === 'document' && page.document)
    return [
      {
        origin: page.origin,
        folderId: page.folderId,
        provider: page.provider,
        url: page.folderUrl ?? page.url,
        scope: 'document',
        expired: page.expired,
        documentId: page.document.id,
        forbiddenDocuments: page.document.forbidden ? [page.document.id] : [],
        lastExportSeen: page.lastExportSeen,
      },
    ];
  return [];
}

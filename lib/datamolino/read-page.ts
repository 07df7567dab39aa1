/**
 * Reads a Datamolino page into a PageSnapshot: which kind of page it is, the folder and document it shows, the
 * problems on it and the controls a fix flow needs. Text-first, like detection; URLs are used for identity only.
 */

import { APPROVAL_STATUSES, PROVIDERS, type ProviderId, type ProviderName } from '../model';
import { accessibleName, controlTexts, findControl, findFolderMenu, findSelect, hasText, isHidden } from './controls';
import type { Finding } from './findings';
import { type StatusTexts, TEXTS } from './phrases';
import type { DashboardFolder, PageKind, PageSnapshot } from './snapshot';
import { documentIdFromPath, documentIdFromUrl, folderIdFromUrl } from './urls';
import { collapseWhitespace, normaliseText } from './visible-text';

/** The status texts, normalised once. */
const STATUS = Object.fromEntries(
  Object.entries(TEXTS.en.pageTexts).map(([k, v]) => [k, (v as readonly string[]).map(normaliseText)]),
) as Record<keyof StatusTexts, string[]>;
const texts = () => STATUS;

/** Which provider a piece of text names, if exactly one. */
export function providerNamedIn(text: string): ProviderName {
  const t = normaliseText(text);
  const named = PROVIDERS.filter((p) => TEXTS.en.providerNames[p].some((n) => t.includes(normaliseText(n))));
  return named.length === 1 ? named[0]! : 'unknown';
}

function pageKind(doc: Document, url: string): PageKind {
  const body = doc.body;
  if (!body) return 'other';
  if (findControl(body, [...controlTexts('freeAgentConnectAsPractice'), ...controlTexts('freeAgentConnectAsCompany')]))
    return 'connect-choice';
  if (hasText(body, 'h1, h2, h3, p', texts().disconnectConfirm) || inDialog(body, texts().disconnectConfirm))
    return 'disconnect-confirm';
  if (hasText(body, 'h1', texts().dashboardHeading)) return 'dashboard';
  if (documentIdFromUrl(url) && hasText(body, 'h2, h3, h4', [...TEXTS.en.historyHeadings])) return 'document';
  if (hasText(body, 'h1, h2, h3', controlTexts('connectYourAccounting')) && connectButtons(body).length)
    return 'connect-screen';
  if (findFolderMenu(body)) return 'folder';
  return 'other';
}

/**
 * Text anywhere in a dialog. Dialogs are found first: a '[role="dialog"] *' selector would make the browser check
 * the ancestors of every element of the page, which on a folder with thousands of documents costs milliseconds.
 */
function inDialog(body: HTMLElement, wanted: string[]): boolean {
  return [...body.querySelectorAll('[role="dialog"], [role="alertdialog"]')].some((dialog) =>
    hasText(dialog, '*', wanted),
  );
}

function connectButtons(root: ParentNode): ProviderId[] {
  return PROVIDERS.filter((p) => findControl(root, controlTexts('connectTo', p)));
}

/** The folder's provider as the page tells it: the banner, the menu items, or a "Connected to …" line. */
function folderProvider(doc: Document, findings: Finding[]): ProviderName {
  const fromFindings = findings.find((f) => f.provider !== 'unknown')?.provider;
  if (fromFindings) return fromFindings;
  for (const item of doc.querySelectorAll('[role="menuitem"], button')) {
    const name = accessibleName(item);
    if (name.startsWith('refresh ') || name.startsWith('disconnect ')) {
      const p = providerNamedIn(name);
      if (p !== 'unknown') return p;
    }
  }
  for (const el of doc.querySelectorAll('p, span, div, dd, li')) {
    if (el.children.length > 3) continue;
    const t = normaliseText(el.textContent ?? '');
    if (texts().connectedTo.some((c) => t.startsWith(c))) return providerNamedIn(t);
  }
  return 'unknown';
}

function syncState(doc: Document): PageSnapshot['sync'] {
  for (const el of doc.querySelectorAll('p, span, div, li')) {
    if (el.children.length > 2) continue;
    const t = normaliseText(el.textContent ?? '');
    if (!texts().chartOfAccounts.some((c) => t.startsWith(c))) continue;
    if (isHidden(el)) continue;
    if (texts().syncing.some((s) => t.includes(s))) return 'syncing';
    if (texts().notSynced.some((s) => t.includes(s))) return 'unknown';
    if (texts().synced.some((s) => t.includes(s))) return 'synced';
  }
  return 'unknown';
}

function activeTab(doc: Document): string | undefined {
  const tab = doc.querySelector(
    '[role="tab"][aria-selected="true"], [role="tab"][aria-current="page"], [aria-current="page"]',
  );
  return tab ? collapseWhitespace(tab.textContent ?? '') : undefined;
}

/**
 * Links to the given documents: id → absolute URL. Only documents a flow may open are asked for: a folder page can
 * list thousands, and sending every link with every report made each report a large message and a lot of garbage
 * on the page's main thread.
 */
function documentLinks(doc: Document, ids: string[]): Record<string, string> {
  const links: Record<string, string> = {};
  if (ids.length === 0) return links;
  const wanted = new Set(ids);
  for (const a of doc.querySelectorAll<HTMLAnchorElement>('a[href]')) {
    const id = documentIdFromPath(a.pathname);
    if (id && wanted.has(id) && !links[id]) links[id] = a.href;
  }
  return links;
}

function folderLink(doc: Document, base: string, folderId: string | undefined): string | undefined {
  if (!folderId) return undefined;
  for (const a of doc.querySelectorAll<HTMLAnchorElement>('a[href]')) {
    const href = new URL(a.getAttribute('href')!, base);
    if (folderIdFromUrl(href.href) === folderId && !documentIdFromPath(href.pathname))
      return href.origin + href.pathname;
  }
  return undefined;
}

function readDocument(doc: Document, id: string, findings: Finding[]): PageSnapshot['document'] {
  const body = doc.body;
  const forbidden = findings.some((f) => f.problem === 'forbidden');
  const dismiss = findControl(body, controlTexts('dismiss'));
  // The error box is the alert that holds the Dismiss button.
  const box = dismiss?.closest('[role="alert"]');
  const dismissName = collapseWhitespace(dismiss?.textContent ?? '');
  const errorText = box
    ? collapseWhitespace(box.textContent ?? '')
        .replace(dismissName, '')
        .trim()
    : undefined;
  const exportButton = findControl(body, controlTexts('export'));
  const select = findSelect(body, 'approvalStatus');
  const approval = select?.selectedOptions[0]?.textContent?.trim();
  const exportedLine = [...doc.querySelectorAll('p, strong, span, dd')].find(
    (el) =>
      el.children.length === 0 &&
      texts().exported.some((e) => normaliseText(el.textContent ?? '') === e) &&
      !el.closest('[role="status"], [role="alert"], li') &&
      !isHidden(el),
  );
  return {
    id,
    errorText: errorText || undefined,
    forbidden,
    approvalStatus: APPROVAL_STATUSES.find((s) => s === approval),
    exported: Boolean(exportedLine),
    exportedAs: exportedLine ? collapseWhitespace(exportedLine.parentElement?.textContent ?? '') : undefined,
    canExport: Boolean(exportButton && !(exportButton as HTMLButtonElement).disabled),
    canDismiss: Boolean(dismiss),
  };
}

/** "My Folders": one entry per folder card, with its account (section heading) and the card's warning. */
function readDashboard(doc: Document, base: string): DashboardFolder[] {
  const folders: DashboardFolder[] = [];
  for (const a of doc.querySelectorAll<HTMLAnchorElement>('a[href]')) {
    const href = new URL(a.getAttribute('href')!, base);
    const folderId = folderIdFromUrl(href.href);
    if (!folderId || documentIdFromPath(href.pathname) || folders.some((f) => f.folderId === folderId)) continue;
    const card = a.closest('li, article, tr, [role="listitem"], [role="row"]') ?? a.parentElement ?? a;
    const section = card.closest('section, [role="region"]');
    const cardText = normaliseText(card.textContent ?? '');
    const sectionHead = normaliseText(section?.textContent?.slice(0, 300) ?? '');
    folders.push({
      folderId,
      url: href.origin + href.pathname,
      name: collapseWhitespace(a.textContent ?? ''),
      account: collapseWhitespace(section?.querySelector('h2, h3')?.textContent ?? '') || undefined,
      business: texts().businessPlan.some((b) => sectionHead.includes(b)) || undefined,
      provider: providerNamedIn(cardText),
      expired: texts().expiredCard.some((e) => cardText.includes(e)),
    });
  }
  return folders;
}

export function readPage(
  doc: Document,
  url: string,
  findings: Finding[],
  loadId: string,
  settled: boolean,
): PageSnapshot {
  const kind = pageKind(doc, url);
  const tab = activeTab(doc);
  const u = new URL(url);
  const folderId = folderIdFromUrl(url);
  const documentId = documentIdFromUrl(url);
  const heading = doc.querySelector('h1');
  const forbiddenDocuments = [
    ...new Set(findings.filter((f) => f.problem === 'forbidden' && f.documentId).map((f) => f.documentId!)),
  ];
  const documentUrls = kind === 'dashboard' ? {} : documentLinks(doc, forbiddenDocuments);
  const snapshot: PageSnapshot = {
    loadId,
    url,
    origin: u.origin,
    kind,
    folderId,
    folderName:
      kind === 'folder' || kind === 'connect-screen' ? collapseWhitespace(heading?.textContent ?? '') : undefined,
    provider: kind === 'dashboard' ? 'unknown' : folderProvider(doc, findings),
    expired: findings.some((f) => f.problem === 'expired'),
    statusLoaded: settled,
    refreshFailed: hasText(doc.body ?? doc, '[role="alert"], [role="status"], p, div', controlTexts('couldNotRefresh')),
    sync: syncState(doc),
    folderMenu: Boolean(doc.body && findFolderMenu(doc.body)),
    activeTab: tab,
    exportFailedTab: tab !== undefined && controlTexts('exportFailedTab').some((t) => normaliseText(tab).startsWith(t)),
    forbiddenDocuments,
    documentUrls,
    folderUrl: kind === 'folder' || kind === 'connect-screen' ? u.origin + u.pathname : folderLink(doc, url, folderId),
  };
  if (kind === 'document' && documentId) snapshot.document = readDocument(doc, documentId, findings);
  if (kind === 'dashboard') snapshot.dashboard = readDashboard(doc, url);
  return snapshot;
}

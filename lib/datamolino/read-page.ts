/**
 * Reads a Datamolino page into a PageSnapshot: which kind of page it is, the folder and document it shows, the
 * problems on it and the controls a fix flow needs. Text-first, like detection; URLs are used for identity only.
 */

import { PROVIDERS, type ProviderName } from '../model';
import {
  accessibleName,
  approvalShown,
  controlTexts,
  findApprovalField,
  findControl,
  findFolderMenu,
  hasText,
  isHidden,
  opensNoMenu,
} from './controls';
import type { Finding } from './findings';
import { languageReason, pageLanguage, readsLanguage } from './language';
import { type StatusTexts, TEXTS } from './phrases';
import type { DashboardFolder, PageKind, PageSnapshot } from './snapshot';
import {
  checkedDatamolinoUrl,
  documentIdFromPath,
  documentIdFromUrl,
  folderIdFromUrl,
  isDocumentPath,
  isFolderPagePath,
} from './urls';
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

/** What tells a folder's page: its Folder Menu (with a menu behind it), or the connect screen. */
function folderSigns(body: HTMLElement) {
  const menu = findFolderMenu(body);
  return {
    menu,
    deadMenu: Boolean(menu && opensNoMenu(menu)),
    // Its heading is the sign; a folder User sees it without the "Connect to …" buttons.
    connectScreen: hasText(body, 'h1, h2, h3', controlTexts('connectYourAccounting')),
  };
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
  const signs = folderSigns(body);
  if (signs.connectScreen) return 'connect-screen';
  if (signs.menu && !signs.deadMenu) return 'folder';
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

/**
 * The organisation a folder's page says it is connected to: "Connected to Xero – Northwind Traders (shared by …)"
 * → "Northwind Traders". Our model's wording (the real app's is unknown): undefined when the page does not say.
 */
function folderOrganisation(doc: Document): string | undefined {
  for (const el of doc.querySelectorAll('p, span, div, dd, li')) {
    if (el.children.length > 3 || isHidden(el)) continue;
    const line = collapseWhitespace(el.textContent ?? '');
    const prefix = texts().connectedTo.find((c) => normaliseText(line).startsWith(c));
    if (!prefix) continue;
    let rest = line
      .slice(prefix.length)
      .replace(/\s*\(.*\)\s*$/, '')
      .trim();
    const named = PROVIDERS.flatMap((p) => TEXTS.en.providerNames[p]).find((n) =>
      rest.toLowerCase().startsWith(n.toLowerCase()),
    );
    if (named) rest = rest.slice(named.length);
    rest = rest.replace(/^[\s:–—-]+/, '').trim();
    return rest || undefined;
  }
  return undefined;
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
function documentLinks(doc: Document, ids: string[], folderId: string | undefined): Record<string, string> {
  const links: Record<string, string> = {};
  if (ids.length === 0 || !folderId) return links;
  const wanted = new Set(ids);
  for (const a of doc.querySelectorAll<HTMLAnchorElement>('a[href]')) {
    const id = documentIdFromPath(a.pathname);
    if (!id || !wanted.has(id) || links[id]) continue;
    const url = checkedDatamolinoUrl(a.href, { folderId, documentId: id });
    if (url) links[id] = url;
  }
  return links;
}

/** A link to the folder's own page (not to its settings, users or export history, which name the folder too). */
function folderLink(doc: Document, base: string, folderId: string | undefined): string | undefined {
  if (!folderId) return undefined;
  for (const a of doc.querySelectorAll<HTMLAnchorElement>('a[href]')) {
    const url = checkedDatamolinoUrl(a.getAttribute('href') ?? '', { folderId }, base);
    if (url && isFolderPagePath(new URL(url).pathname)) return url;
  }
  return undefined;
}

/** Why a folder's page was not recognised, in plain words: what was looked for, and what was found. */
function unrecognisedReason(doc: Document): string {
  const body = doc.body;
  if (!body) return 'the page has no content';
  const signs = folderSigns(body);
  if (signs.deadMenu)
    return 'the Folder Menu button opens no menu Connection Doctor can see, so its Refresh and Disconnect cannot be found';
  const list =
    findControl(body, controlTexts('exportFailedTab')) !== undefined ||
    [...body.querySelectorAll('[role="tab"]')].some((tab) =>
      controlTexts('exportFailedTab').some((t) => normaliseText(tab.textContent ?? '').startsWith(t)),
    ) ||
    [...body.querySelectorAll('a[href]')].some((a) => documentIdFromPath(a.getAttribute('href')));
  return `looked for the Folder Menu button, the connect screen (“Connect your accounting”) and the document list; ${
    list ? 'found only the document list' : 'found none of them'
  }`;
}

function readDocument(doc: Document, id: string, findings: Finding[]): PageSnapshot['document'] {
  const body = doc.body;
  const forbidden = findings.find((f) => f.problem === 'forbidden');
  const dismiss = findControl(body, controlTexts('dismiss'));
  // The error text: the Forbidden-access message found (in whatever box), else the alert that holds the Dismiss button.
  const box = dismiss?.closest('[role="alert"]');
  const errorText =
    forbidden?.text ??
    collapseWhitespace(box?.textContent ?? '')
      .replace(collapseWhitespace(dismiss?.textContent ?? ''), '')
      .trim();
  const exportButton = findControl(body, controlTexts('export'));
  const approval = findApprovalField(body);
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
    forbidden: Boolean(forbidden),
    approvalStatus: approval && approvalShown(approval),
    exported: Boolean(exportedLine),
    exportedAs: exportedLine ? collapseWhitespace(exportedLine.parentElement?.textContent ?? '') : undefined,
    canExport: Boolean(exportButton && !(exportButton as HTMLButtonElement).disabled),
    canDismiss: Boolean(dismiss),
  };
}

/**
 * The latest successful export the page's history shows: an audit-trail (or export-history) entry that begins with
 * "Exported to" and carries a machine-readable time (<time datetime>). Undefined when the page shows none: a time
 * written only for people (its format and time zone unknown) is not guessed.
 */
function lastExportShown(doc: Document): string | undefined {
  let latest: number | undefined;
  for (const time of doc.querySelectorAll('li time[datetime], tr time[datetime]')) {
    const entry = time.closest('li, tr')!;
    const words = normaliseText((entry.textContent ?? '').replace(time.textContent ?? '', ''));
    if (!texts().exportedEntry.some((e) => words.startsWith(e))) continue;
    const at = Date.parse(time.getAttribute('datetime') ?? '');
    // Not in the future (a clock or a parser gone wrong), not before 2000.
    if (Number.isFinite(at) && at <= Date.now() + 86_400_000 && at > 946_684_800_000)
      latest = Math.max(latest ?? at, at);
  }
  return latest === undefined ? undefined : new Date(latest).toISOString();
}

function folderIdIn(href: string, base: string): string | undefined {
  try {
    return folderIdFromUrl(new URL(href, base).href);
  } catch {
    return undefined;
  }
}

/** "My Folders": one entry per folder card, with its account (section heading) and the card's warning. */
function readDashboard(doc: Document, base: string): DashboardFolder[] {
  const folders: DashboardFolder[] = [];
  for (const a of doc.querySelectorAll<HTMLAnchorElement>('a[href]')) {
    const folderId = folderIdIn(a.getAttribute('href') ?? '', base);
    if (!folderId || folders.some((f) => f.folderId === folderId)) continue;
    // A link elsewhere (another site, javascript:, another shape) is no folder of ours.
    const url = checkedDatamolinoUrl(a.getAttribute('href') ?? '', { folderId }, base);
    if (!url) continue;
    const card = a.closest('li, article, tr, [role="listitem"], [role="row"]') ?? a.parentElement ?? a;
    const section = card.closest('section, [role="region"]');
    const cardText = normaliseText(card.textContent ?? '');
    const sectionHead = normaliseText(section?.textContent?.slice(0, 300) ?? '');
    folders.push({
      folderId,
      url,
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
  pageFindings: Finding[],
  loadId: string,
  settled: boolean,
): PageSnapshot {
  const language = pageLanguage(doc);
  // A page in a language without texts is not read: nothing on it is a problem or a control.
  const unread = language !== undefined && !readsLanguage(language);
  const findings = unread ? [] : pageFindings;
  const kind = unread ? 'other' : pageKind(doc, url);
  const tab = activeTab(doc);
  const u = new URL(url);
  const folderId = folderIdFromUrl(url);
  const documentId = documentIdFromUrl(url);
  const heading = doc.querySelector('h1');
  const forbiddenDocuments = [
    ...new Set(findings.filter((f) => f.problem === 'forbidden' && f.documentId).map((f) => f.documentId!)),
  ];
  const documentUrls = kind === 'dashboard' ? {} : documentLinks(doc, forbiddenDocuments, folderId);
  const folderPage = kind === 'folder' || kind === 'connect-screen';
  const snapshot: PageSnapshot = {
    loadId,
    url,
    origin: u.origin,
    kind,
    folderId,
    folderName: folderPage ? collapseWhitespace(heading?.textContent ?? '') : undefined,
    provider: kind === 'dashboard' || unread ? 'unknown' : folderProvider(doc, findings),
    expired: findings.some((f) => f.problem === 'expired'),
    statusLoaded: settled,
    refreshFailed:
      !unread && hasText(doc.body ?? doc, '[role="alert"], [role="status"], p, div', controlTexts('couldNotRefresh')),
    sync: unread ? 'unknown' : syncState(doc),
    folderMenu: Boolean(!unread && doc.body && findFolderMenu(doc.body)),
    activeTab: tab,
    exportFailedTab:
      !unread && tab !== undefined && controlTexts('exportFailedTab').some((t) => normaliseText(tab).startsWith(t)),
    forbiddenDocuments,
    documentUrls,
    // A folder page without its id in the address (another shape) has no link the background could check. The
    // folder's own address is its page's, also when the page is not recognised (its links may lead below it).
    folderUrl:
      folderId && (folderPage || isFolderPagePath(u.pathname)) ? u.origin + u.pathname : folderLink(doc, url, folderId),
  };
  if (language) snapshot.language = language;
  if (folderPage) {
    const organisation = folderOrganisation(doc);
    if (organisation) snapshot.organisation = organisation;
  }
  // A folder's own page (its address names the folder and nothing below it) that is none of the pages we know; or
  // any folder or document page in a language the extension does not read.
  if (unread && (isFolderPagePath(u.pathname) || isDocumentPath(u.pathname)))
    snapshot.unrecognised = languageReason(language!);
  else if (kind === 'other' && !documentId && isFolderPagePath(u.pathname))
    snapshot.unrecognised = unrecognisedReason(doc);
  if (kind === 'document' && documentId) {
    snapshot.document = readDocument(doc, documentId, findings);
    const lastExport = lastExportShown(doc);
    if (lastExport) snapshot.lastExportSeen = lastExport;
  }
  if (kind === 'dashboard') snapshot.dashboard = readDashboard(doc, url);
  return snapshot;
}

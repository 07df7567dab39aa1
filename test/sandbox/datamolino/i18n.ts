/**
 * The visible texts of the Datamolino model, in English (the texts the real app is known to use, see
 * HOST-AND-PROVIDERS.md) and Slovak (the 'slovak' page variant: Datamolino is a Slovak company, so a Slovak UI is
 * likely, but its exact words are our own translation).
 */
import type { ProviderId } from '../providers/types';
import { type ApprovalStatus, type DocumentState, PROVIDER_NAMES } from './model';

export type Locale = 'en' | 'sk';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

export interface Strings {
  lang: Locale;
  mainNav: string;
  myFolders: string;
  breadcrumb: string;
  /** "27 Nov 2026 10:02" / "27. 11. 2026 10:02" (UTC, so pages read the same on every machine). */
  time(ms: number): string;
  /** A document date (ISO YYYY-MM-DD). */
  date(iso: string): string;
  notConnected: string;
  connectedTo(tenant: string): string;
  sharedBy(tenant: string, siblings: number, account: string): string;
  chartSyncing: string;
  chartNotSynced: string;
  chartSynced(time: string): string;
  folderMenu: string;
  refreshItem(provider: ProviderId, short: boolean): string;
  disconnectItem(provider: ProviderId, short: boolean): string;
  connectYourAccounting: string;
  connectTo(provider: ProviderId): string;
  accountingAutomation: string;
  manageUsers: string;
  exportHistory: string;
  tabs: Record<'ready' | 'needs-review' | 'export-failed' | 'all' | 'archive' | 'trash', string>;
  documentsTabs: string;
  columns: {
    supplier: string;
    number: string;
    date: string;
    amount: string;
    approval: string;
    state: string;
    error: string;
  };
  noDocuments: string;
  states: Record<DocumentState, string>;
  approval: Record<ApprovalStatus, string>;
  connectScreenText: string;
  adminOnlyConnect: string;
  /** The expired banner. */
  banner(providerName: string): string;
  learnMore: string;
  exportsPaused: string;
  // Flashes
  refreshed(provider: ProviderId): string;
  refreshFailed(provider: ProviderId, reconnect: boolean): string;
  refreshNotConnected: string;
  disconnected(provider: ProviderId): string;
  connected(provider: ProviderId): string;
  connectCancelled(provider: ProviderId): string;
  connectFailed(provider: ProviderId): string;
  exported(provider: ProviderId): string;
  dismissFirst: string;
  onlyDrafts: string;
  alreadyExported: string;
  // Document page
  status(state: string): string;
  supplier: string;
  exportToBills: string;
  approvalStatus: string;
  save: string;
  exportTo(provider: ProviderId): string;
  exportedLabel: string;
  exportedAsDraft: string;
  exportButton: string;
  dismiss: string;
  dismissToExport: string;
  auditTrail: string;
  noEvents: string;
  /** A stored export error (English, as recorded) in this language. */
  exportError(text: string, provider: ProviderId): string;
  /** A stored audit entry (English, as recorded) in this language. */
  auditEntry(text: string, provider: ProviderId): string;
  // Other folder pages
  disconnectTitle(provider: ProviderId): string;
  disconnectQuestion(folder: string, provider: ProviderId): string;
  disconnectStops: string;
  disconnectShared(account: string): string;
  disconnectButton: string;
  cancel: string;
  freeAgentQuestion: string;
  freeAgentExplain: string;
  connectAsPractice: string;
  connectAsCompany: string;
  accountingSoftware: string;
  notConnectedShort: string;
  software: string;
  organisation: string;
  statusLabel: string;
  expired: string;
  connectedLabel: string;
  authorisedBy: string;
  user: string;
  folderRole: string;
  admin: string;
  memberUser: string;
  inviteUsers: string;
  timeColumn: string;
  documentColumn: string;
  resultColumn: string;
}

const name = (p: ProviderId) => PROVIDER_NAMES[p];

const en: Strings = {
  lang: 'en',
  mainNav: 'Main',
  myFolders: 'My Folders',
  breadcrumb: 'Breadcrumb',
  time(ms) {
    const d = new Date(ms);
    return `${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  },
  date(iso) {
    const [y, m, d] = iso.split('-');
    return `${d} ${MONTHS[Number(m) - 1]} ${y}`;
  },
  notConnected: 'Not connected to accounting software',
  connectedTo: (tenant) => `Connected to ${tenant}`,
  sharedBy: (tenant, siblings, account) => `Connected to ${tenant} (shared by all ${siblings} folders of ${account})`,
  chartSyncing: 'Chart of accounts: syncing…',
  chartNotSynced: 'Chart of accounts: not synced yet',
  chartSynced: (time) => `Chart of accounts: synced ${time}`,
  folderMenu: 'Folder Menu',
  refreshItem: (p, short) => (short ? 'Refresh' : `Refresh ${name(p)} Connection`),
  disconnectItem: (p, short) => (short ? 'Disconnect' : `Disconnect ${name(p)}`),
  connectYourAccounting: 'Connect your accounting',
  connectTo: (p) => `Connect to ${name(p)}`,
  accountingAutomation: 'Accounting & Automation',
  manageUsers: 'Manage Users',
  exportHistory: 'Export history',
  tabs: {
    ready: 'Ready',
    'needs-review': 'Needs Review',
    'export-failed': 'Export Failed',
    all: 'All Files',
    archive: 'Archive',
    trash: 'Trash',
  },
  documentsTabs: 'Documents',
  columns: {
    supplier: 'Supplier',
    number: 'Number',
    date: 'Date',
    amount: 'Amount',
    approval: 'Approval status',
    state: 'State',
    error: 'Error',
  },
  noDocuments: 'No documents here.',
  states: {
    ready: 'Ready',
    'needs-review': 'Needs Review',
    'export-failed': 'Export Failed',
    exported: 'Exported',
    trashed: 'Trash',
  },
  approval: { Draft: 'Draft', 'Awaiting Approval': 'Awaiting Approval', 'Awaiting Payment': 'Awaiting Payment' },
  connectScreenText:
    'This folder is not connected to accounting software. Exports and the chart-of-accounts sync are paused until you connect it.',
  adminOnlyConnect: 'Only a folder Admin can connect this folder. Ask a folder Admin to connect it.',
  banner: (providerName) =>
    `Your connection to ${providerName} has expired, please go to folder settings and reconnect.`,
  learnMore: 'Learn more',
  exportsPaused: 'Exports are paused until then.',
  refreshed: (p) =>
    `The connection to ${name(p)} was refreshed. New accounts, tax codes and tracking categories will appear shortly.`,
  refreshFailed: (p, reconnect) =>
    `We couldn't refresh the connection to ${name(p)}. ${reconnect ? 'Please reconnect.' : 'Please try again later.'}`,
  refreshNotConnected: 'This folder is not connected to accounting software.',
  disconnected: (p) => `Disconnected from ${name(p)}`,
  connected: (p) => `Connected to ${name(p)}`,
  connectCancelled: (p) => `Connecting to ${name(p)} was cancelled.`,
  connectFailed: (p) => `We couldn't connect to ${name(p)}. Please try again.`,
  exported: (p) => `Exported to ${name(p)}`,
  dismissFirst: 'Dismiss the error before exporting again.',
  onlyDrafts: 'Only drafts can be re-exported',
  alreadyExported: 'This document has already been exported.',
  status: (state) => `Status: ${state}`,
  supplier: 'Supplier',
  exportToBills: 'Export to: Bills',
  approvalStatus: 'Approval status',
  save: 'Save',
  exportTo: (p) => `Export to ${name(p)}`,
  exportedLabel: 'Exported',
  exportedAsDraft: '<strong>Exported</strong> as Draft',
  exportButton: 'Export',
  dismiss: 'Dismiss',
  dismissToExport: 'Dismiss the error to export again.',
  auditTrail: 'Audit Trail',
  noEvents: 'No events yet.',
  exportError: (text) => text,
  auditEntry: (text) => text,
  disconnectTitle: (p) => `Disconnect ${name(p)}`,
  disconnectQuestion: (folder, p) => `Are you sure you want to disconnect ${folder} from ${name(p)}?`,
  disconnectStops: 'Exports and the chart-of-accounts sync stop until the folder is connected again.',
  disconnectShared: (account) => `All folders of ${account} share this connection and will be disconnected too.`,
  disconnectButton: 'Disconnect',
  cancel: 'Cancel',
  freeAgentQuestion: 'How do you want to connect to FreeAgent?',
  freeAgentExplain:
    'Accountancy practices connect through their practice account; businesses connect their own company.',
  connectAsPractice: 'Connect as Accountant/Practice',
  connectAsCompany: 'Connect as Company',
  accountingSoftware: 'Accounting software',
  notConnectedShort: 'Not connected.',
  software: 'Software',
  organisation: 'Organisation',
  statusLabel: 'Status',
  expired: 'Expired',
  connectedLabel: 'Connected',
  authorisedBy: 'Authorised by',
  user: 'User',
  folderRole: 'Folder role',
  admin: 'Admin',
  memberUser: 'User',
  inviteUsers: 'Invite users',
  timeColumn: 'Time',
  documentColumn: 'Document',
  resultColumn: 'Result',
};

/** "k Xero", "ku QuickBooks" (before a k sound Slovak uses "ku"), "k FreeAgent". */
const skTo = (providerName: string) => `${/^(k|g|q)/i.test(providerName) ? 'ku' : 'k'} ${providerName}`;
const skName = (p: ProviderId) => skTo(name(p));
const SK_APPROVAL: Record<ApprovalStatus, string> = {
  Draft: 'Koncept',
  'Awaiting Approval': 'Čaká na schválenie',
  'Awaiting Payment': 'Čaká na úhradu',
};

function skExportError(text: string, p: ProviderId): string {
  if (text === `Forbidden access. If the issue persists please reconnect your folder to ${name(p)}`) {
    return `Prístup zamietnutý. Ak problém pretrváva, znova pripojte priečinok ${skName(p)}.`;
  }
  const failed = `Export to ${name(p)} failed: `;
  if (text.startsWith(failed)) return `Export do ${name(p)} zlyhal: ${text.slice(failed.length)}`;
  if (text === en.dismissFirst) return sk.dismissFirst;
  return text;
}

const sk: Strings = {
  lang: 'sk',
  mainNav: 'Hlavná navigácia',
  myFolders: 'Moje priečinky',
  breadcrumb: 'Navigačná cesta',
  time(ms) {
    const d = new Date(ms);
    return `${d.getUTCDate()}. ${d.getUTCMonth() + 1}. ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  },
  date(iso) {
    const [y, m, d] = iso.split('-');
    return `${Number(d)}. ${Number(m)}. ${y}`;
  },
  notConnected: 'Nepripojené k účtovnému softvéru',
  connectedTo: (tenant) => `Pripojené ${skTo(tenant)}`,
  sharedBy: (tenant, siblings, account) =>
    `Pripojené ${skTo(tenant)} (zdieľajú ho všetky priečinky účtu ${account}, spolu ${siblings})`,
  chartSyncing: 'Účtový rozvrh: synchronizuje sa…',
  chartNotSynced: 'Účtový rozvrh: zatiaľ nesynchronizovaný',
  chartSynced: (time) => `Účtový rozvrh: synchronizovaný ${time}`,
  folderMenu: 'Menu priečinka',
  refreshItem: () => 'Obnoviť',
  disconnectItem: () => 'Odpojiť',
  connectYourAccounting: 'Pripojte svoje účtovníctvo',
  connectTo: (p) => `Pripojiť ${skName(p)}`,
  accountingAutomation: 'Účtovníctvo a automatizácia',
  manageUsers: 'Správa používateľov',
  exportHistory: 'História exportov',
  tabs: {
    ready: 'Pripravené',
    'needs-review': 'Na kontrolu',
    'export-failed': 'Chyba exportu',
    all: 'Všetky súbory',
    archive: 'Archív',
    trash: 'Kôš',
  },
  documentsTabs: 'Doklady',
  columns: {
    supplier: 'Dodávateľ',
    number: 'Číslo',
    date: 'Dátum',
    amount: 'Suma',
    approval: 'Stav schválenia',
    state: 'Stav',
    error: 'Chyba',
  },
  noDocuments: 'Nie sú tu žiadne doklady.',
  states: {
    ready: 'Pripravené',
    'needs-review': 'Na kontrolu',
    'export-failed': 'Chyba exportu',
    exported: 'Exportované',
    trashed: 'Kôš',
  },
  approval: SK_APPROVAL,
  connectScreenText:
    'Tento priečinok nie je pripojený k účtovnému softvéru. Exporty a synchronizácia účtového rozvrhu sú pozastavené, kým ho nepripojíte.',
  adminOnlyConnect:
    'Tento priečinok môže pripojiť iba správca priečinka. Požiadajte správcu priečinka, aby ho pripojil.',
  banner: (providerName) =>
    `Vaše pripojenie ${skTo(providerName)} vypršalo, prejdite do nastavení priečinka a znova sa pripojte.`,
  learnMore: 'Viac informácií',
  exportsPaused: 'Dovtedy sú exporty pozastavené.',
  refreshed: (p) =>
    `Pripojenie ${skName(p)} bolo obnovené. Nové účty, daňové kódy a sledovacie kategórie sa čoskoro zobrazia.`,
  refreshFailed: (p, reconnect) =>
    `Pripojenie ${skName(p)} sa nepodarilo obnoviť. ${reconnect ? 'Pripojte sa znova.' : 'Skúste to znova neskôr.'}`,
  refreshNotConnected: 'Tento priečinok nie je pripojený k účtovnému softvéru.',
  disconnected: (p) => `Odpojené od ${name(p)}`,
  connected: (p) => `Pripojené ${skName(p)}`,
  connectCancelled: (p) => `Pripájanie ${skName(p)} bolo zrušené.`,
  connectFailed: (p) => `Nepodarilo sa pripojiť ${skName(p)}. Skúste to znova.`,
  exported: (p) => `Exportované do ${name(p)}`,
  dismissFirst: 'Pred ďalším exportom chybu zavrite.',
  onlyDrafts: 'Znova exportovať možno iba koncepty',
  alreadyExported: 'Tento doklad už bol exportovaný.',
  status: (state) => `Stav: ${state}`,
  supplier: 'Dodávateľ',
  exportToBills: 'Export do: Prijaté faktúry',
  approvalStatus: 'Stav schválenia',
  save: 'Uložiť',
  exportTo: (p) => `Export do ${name(p)}`,
  exportedLabel: 'Exportované',
  exportedAsDraft: '<strong>Exportované</strong> ako koncept',
  exportButton: 'Exportovať',
  dismiss: 'Zavrieť',
  dismissToExport: 'Ak chcete exportovať znova, chybu zavrite.',
  auditTrail: 'Auditná stopa',
  noEvents: 'Zatiaľ žiadne udalosti.',
  exportError: skExportError,
  auditEntry(text, p) {
    if (text === 'Document uploaded') return 'Doklad nahraný';
    if (text === 'Error dismissed') return 'Chyba zavretá';
    if (text.startsWith('Export failed: ')) return `Export zlyhal: ${skExportError(text.slice(15), p)}`;
    const xero = /^Exported to Xero as (Draft|Awaiting Approval|Awaiting Payment) \(Invoice (.*)\)$/.exec(text);
    if (xero) return `Exportované do Xero ako ${SK_APPROVAL[xero[1] as ApprovalStatus]} (faktúra ${xero[2]})`;
    const bill = /^Exported to (QuickBooks|FreeAgent) \(Bill (.*)\)$/.exec(text);
    if (bill) return `Exportované do ${bill[1]} (faktúra ${bill[2]})`;
    const approval = /^Approval status changed to (.*)$/.exec(text);
    if (approval) return `Stav schválenia zmenený na ${SK_APPROVAL[approval[1] as ApprovalStatus] ?? approval[1]}`;
    return text;
  },
  disconnectTitle: (p) => `Odpojiť ${name(p)}`,
  disconnectQuestion: (folder, p) => `Naozaj chcete odpojiť priečinok ${folder} od ${name(p)}?`,
  disconnectStops: 'Exporty a synchronizácia účtového rozvrhu sa zastavia, kým priečinok znova nepripojíte.',
  disconnectShared: (account) => `Toto pripojenie zdieľajú všetky priečinky účtu ${account}, odpoja sa preto tiež.`,
  disconnectButton: 'Odpojiť',
  cancel: 'Zrušiť',
  freeAgentQuestion: 'Ako sa chcete pripojiť k FreeAgent?',
  freeAgentExplain: 'Účtovnícke kancelárie sa pripájajú cez účet kancelárie, firmy pripájajú vlastnú spoločnosť.',
  connectAsPractice: 'Pripojiť ako účtovník/kancelária',
  connectAsCompany: 'Pripojiť ako spoločnosť',
  accountingSoftware: 'Účtovný softvér',
  notConnectedShort: 'Nepripojené.',
  software: 'Softvér',
  organisation: 'Organizácia',
  statusLabel: 'Stav',
  expired: 'Vypršané',
  connectedLabel: 'Pripojené',
  authorisedBy: 'Autorizoval(a)',
  user: 'Používateľ',
  folderRole: 'Rola v priečinku',
  admin: 'Správca',
  memberUser: 'Používateľ',
  inviteUsers: 'Pozvať používateľov',
  timeColumn: 'Čas',
  documentColumn: 'Doklad',
  resultColumn: 'Výsledok',
};

export function strings(locale: Locale): Strings {
  return locale === 'sk' ? sk : en;
}

/**
 * Every phrase of Datamolino's page (and the provider consent pages) that the extension reads or clicks, one table per
 * UI language. Another language is one more table of the same shape, added only once its texts are seen on the real
 * app: a page in a language without a table is not read at all (see ./language.ts). Texts are written as the user
 * sees them; matching is done on normalised text (see normaliseText in ./visible-text.ts), so case, whitespace and
 * quote style do not matter, and a control's name may carry arrows or carets ("Folder Menu ▾", see ./controls.ts).
 * `{provider}` stands for one of the provider's names (expand with providerTexts).
 */
import { PROVIDERS, type ProviderId, type ProviderName } from '../model';
import type { ProblemKind } from './findings';

export interface ControlTexts {
  folderMenu: readonly string[];
  /** Other menus that hold connect/disconnect on older page versions. */
  legacyConnectionMenus: readonly string[];
  refresh: readonly string[];
  disconnect: readonly string[];
  connectYourAccounting: readonly string[];
  connectTo: readonly string[];
  freeAgentConnectAsPractice: readonly string[];
  freeAgentConnectAsCompany: readonly string[];
  dismiss: readonly string[];
  export: readonly string[];
  approvalStatus: readonly string[];
  approvalDraft: readonly string[];
  approvalAwaitingApproval: readonly string[];
  approvalAwaitingPayment: readonly string[];
  exportFailedTab: readonly string[];
  exportToBills: readonly string[];
  xeroConsentContinue: readonly string[];
  couldNotRefresh: readonly string[];
}

export interface PageTexts {
  /** The language's name in English, for telling the user which languages are read. */
  name: string;
  /** Names by which the page calls each provider; longer variants are matched first. */
  providerNames: Readonly<Record<ProviderId, readonly string[]>>;
  /** Stand-ins for a provider name that name none of them (the finding's provider is then 'unknown'). */
  genericProviderNames: readonly string[];
  /**
   * The messages that are findings, with `{provider}` where the page names the provider (or lists several, as in
   * "Xero (or QuickBooks, or FreeAgent)"). Punctuation in them is optional when matching.
   */
  messages: Readonly<Record<ProblemKind, readonly string[]>>;
  /**
   * Shorter forms of the messages, whose words also begin other sentences: a finding only as the whole text of an
   * element (with its buttons), never followed by more words.
   */
  bareMessages: Readonly<Record<ProblemKind, readonly string[]>>;
  /**
   * One word per message that always sits whole inside a single text node: the cheap case-insensitive prefilter.
   * Every message above must contain one of them.
   */
  keywords: readonly string[];
  /** Controls that may sit inside the same element as a message without making it "more than the message". */
  messageTrailers: readonly string[];
  /** Headings of sections that list past events: a message there is history, not a current problem. */
  historyHeadings: readonly string[];
  controls: ControlTexts;
  /** Texts that tell which page is shown and what it says about the folder (read, never clicked). */
  pageTexts: StatusTexts;
}

export interface StatusTexts {
  dashboardHeading: readonly string[];
  disconnectConfirm: readonly string[];
  connectedTo: readonly string[];
  chartOfAccounts: readonly string[];
  syncing: readonly string[];
  notSynced: readonly string[];
  synced: readonly string[];
  exported: readonly string[];
  /** How an audit-trail entry of a successful export begins (after its time). */
  exportedEntry: readonly string[];
  businessPlan: readonly string[];
  expiredCard: readonly string[];
}

const en: PageTexts = {
  name: 'English',
  providerNames: {
    xero: [
      'Xero', // every page version
    ],
    quickbooks: [
      'QuickBooks Online', // Intuit's full product name (not seen on Datamolino yet, tolerated)
      'QuickBooks', // help articles and menu items ("Refresh QuickBooks Connection")
    ],
    freeagent: [
      'FreeAgent', // every page version
      'Free Agent', // spaced spelling (not seen on Datamolino yet, tolerated)
    ],
  },
  genericProviderNames: [
    'your accounting software', // a banner that names no provider (not seen yet, tolerated)
    'the accounting software', // same, other wording
    'accounting software', // same, shortest wording
  ],
  messages: {
    expired: [
      'Your connection to {provider} has expired, please go to folder settings and reconnect.', // folder banner, current app and help article
    ],
    forbidden: [
      'Forbidden access. If the issue persists please reconnect your folder to {provider}', // export error on a document and in the Export Failed list
    ],
  },
  bareMessages: {
    expired: [],
    forbidden: [
      'Forbidden access', // the export error's first sentence alone in an error box (not seen yet, tolerated)
    ],
  },
  keywords: ['expired', 'forbidden'],
  messageTrailers: [
    'Dismiss', // document error box with its Dismiss button inside
    'Close', // banner with a close button inside
    '×', // banner with an icon-only close button
    'Reconnect', // banner with its own reconnect button (not seen yet, tolerated)
    'Refresh', // same, with a refresh button
  ],
  historyHeadings: [
    'Audit Trail', // document page: past export errors and successes
    'Export history', // folder menu page listing past exports
  ],
  controls: {
    folderMenu: [
      'Folder Menu', // folder page, top right (current app); also "Folder menu" as an icon button's aria-label or title
    ],
    legacyConnectionMenus: [
      'Export', // older folder page: arrow next to Export
      'Review&Export', // older folder page: arrow next to Review&Export
      'Review & Export', // same, spaced spelling
      'Bulk Edit', // older folder page: arrow next to Bulk Edit
    ],
    refresh: [
      'Refresh', // Folder Menu item, short form (help article)
      'Refresh {provider} Connection', // Folder Menu item, long form ("Refresh Xero Connection")
    ],
    disconnect: [
      'Disconnect', // Folder Menu item, short form (help article)
      'Disconnect {provider}', // Folder Menu item, long form ("Disconnect Xero")
    ],
    connectYourAccounting: [
      'Connect your accounting', // Folder Menu item of a folder with no connection
    ],
    connectTo: [
      'Connect to {provider}', // connect screen shown right after Disconnect
    ],
    freeAgentConnectAsPractice: [
      'Connect as Accountant/Practice', // FreeAgent connect screen, practice account
    ],
    freeAgentConnectAsCompany: [
      'Connect as Company', // FreeAgent connect screen, company account
    ],
    dismiss: [
      'Dismiss', // document page: removes the shown export error
    ],
    export: [
      'Export', // document page and folder toolbar
    ],
    approvalStatus: [
      'Approval status', // Xero bills: Supplier panel drop-down next to "Export to: Bills"
    ],
    approvalDraft: [
      'Draft', // Approval status option
    ],
    approvalAwaitingApproval: [
      'Awaiting Approval', // Approval status option
    ],
    approvalAwaitingPayment: [
      'Awaiting Payment', // Approval status option
    ],
    exportFailedTab: [
      'Export Failed', // folder tab listing documents whose export failed
    ],
    exportToBills: [
      'Export to: Bills', // Supplier panel export target for Xero purchases
    ],
    xeroConsentContinue: [
      'Continue with 1 organisation', // Xero consent page with one organisation selected
    ],
    couldNotRefresh: [
      "We couldn't refresh the connection to {provider}", // flash message after a failed Folder Menu → Refresh
    ],
  },
  pageTexts: {
    dashboardHeading: [
      'My Folders', // dashboard heading
    ],
    disconnectConfirm: [
      'Are you sure you want to disconnect', // confirmation before Disconnect (if the app asks)
    ],
    connectedTo: [
      'Connected to', // folder header line naming the organisation ("Connected to Northwind Traders")
    ],
    chartOfAccounts: [
      'Chart of accounts:', // folder header sync line
    ],
    syncing: [
      'syncing', // "Chart of accounts: syncing…" while a refresh runs
    ],
    notSynced: [
      'not synced', // "Chart of accounts: not synced yet"
    ],
    synced: [
      'synced', // "Chart of accounts: synced 27 Nov 2026 10:02"
    ],
    exported: [
      'Exported', // document page: "Exported" / "Exported as Draft"
    ],
    exportedEntry: [
      'Exported to', // audit trail: "22 Nov 2026 10:02 Exported to Xero as Awaiting Payment (Invoice WS-4410)"
    ],
    businessPlan: [
      'Business plan', // dashboard account header: folders share one connection
    ],
    expiredCard: [
      'Connection expired', // dashboard folder card warning
    ],
  },
};

/** One table per language the extension reads, by its BCP-47 primary subtag. Only English is verified. */
export const TEXTS = { en } as const satisfies Readonly<Record<string, PageTexts>>;
export type UiLanguage = keyof typeof TEXTS;

/**
 * Expands `{provider}` in each text with every name of the provider (of all providers for 'unknown'); texts without
 * the placeholder pass through.
 */
export function providerTexts(texts: readonly string[], provider: ProviderName, lang: UiLanguage = 'en'): string[] {
  const table = TEXTS[lang].providerNames;
  const names = provider === 'unknown' ? PROVIDERS.flatMap((p) => table[p]) : table[provider];
  return texts.flatMap((text) =>
    text.includes('{provider}') ? names.map((n) => text.replace('{provider}', n)) : [text],
  );
}

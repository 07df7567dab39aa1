/** Server-rendered HTML of the Datamolino model: semantic markup and the visible texts of the real app. */
import type { ProviderId } from '../providers/types';
import { type Locale, type Strings, strings } from './i18n';
import {
  type Account,
  APPROVAL_STATUSES,
  type Connection,
  type DatamolinoState,
  type DocumentRecord,
  type Folder,
  folderAccount,
  folderConnection,
  folderDocuments,
  foldersSharing,
  forbiddenText,
  isChartSyncing,
  PROVIDER_NAMES,
  PROVIDERS,
  type Variant,
} from './model';

export interface Flash {
  kind: 'notice' | 'alert';
  text: string;
}

export const TABS = [
  { id: 'ready', label: 'Ready' },
  { id: 'needs-review', label: 'Needs Review' },
  { id: 'export-failed', label: 'Export Failed' },
  { id: 'all', label: 'All Files' },
  { id: 'archive', label: 'Archive' },
  { id: 'trash', label: 'Trash' },
] as const;
export type TabId = (typeof TABS)[number]['id'];

/** How one folder's pages are drawn: where they live, in which language, in which variant. */
export interface FolderView {
  /** /en/folders/{id}, or /en/workspace/{token} when the page was opened there ('no-folder-id'). */
  base: string;
  s: Strings;
  variant: Variant;
}

export function folderLocale(folder: Folder): Locale {
  return folder.variant === 'slovak' ? 'sk' : 'en';
}

export function folderView(folder: Folder, base = `/en/folders/${folder.id}`): FolderView {
  return { base, s: strings(folderLocale(folder)), variant: folder.variant };
}

export function esc(text: string | number): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A value embedded in an inline script. */
function scriptValue(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

const EN = strings('en');

/** "27 Nov 2026 10:02" (UTC, so pages read the same on every machine). */
export function formatTime(ms: number): string {
  return EN.time(ms);
}

function formatAmount(amount: number, currency: string): string {
  return `${currency} ${amount.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function chartSyncText(connection: Connection, now: number, s: Strings = EN): string {
  if (isChartSyncing(connection, now)) return s.chartSyncing;
  if (connection.chartSyncedAt === undefined) return s.chartNotSynced;
  return s.chartSynced(s.time(connection.chartSyncedAt));
}

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2933;background:#f4f6f8}
a{color:#1764c0}.app-header{display:flex;align-items:center;gap:24px;padding:10px 24px;background:#17324d;color:#fff}
.app-header a{color:#fff;text-decoration:none}.brand{font-weight:700;font-size:18px}main{max-width:1100px;margin:0 auto;padding:20px 24px}
h1{font-size:22px;margin:4px 0}h2{font-size:17px;margin:0 0 8px}h3{font-size:15px;margin:0 0 4px}
button,.button{font:inherit;padding:6px 12px;border:1px solid #b8c2cc;border-radius:4px;background:#fff;color:#1f2933;cursor:pointer;text-decoration:none;display:inline-block}
button.primary,.button.primary{background:#1764c0;border-color:#1764c0;color:#fff}button:disabled{opacity:.5;cursor:not-allowed}
form.inline{display:inline}.flash{padding:10px 14px;border-radius:4px;margin-bottom:12px}.flash.notice{background:#e3f4e8;border:1px solid #9fd3ae}
.flash.alert{background:#fdecea;border:1px solid #f1aeb5}.banner{padding:12px 16px;margin-bottom:14px;background:#fff4e5;border:1px solid #f0b35a;border-radius:4px;font-weight:600}
.breadcrumb{font-size:13px;margin-bottom:8px;color:#52606d}.page-head{display:flex;justify-content:space-between;align-items:flex-start;gap:16px;margin-bottom:14px}
.muted{color:#52606d;margin:2px 0}.menu-wrap{position:relative;display:inline-block}
[role=menu]{position:absolute;right:0;top:calc(100% + 4px);min-width:240px;background:#fff;border:1px solid #b8c2cc;border-radius:4px;box-shadow:0 4px 14px rgba(0,0,0,.12);padding:4px 0;z-index:10}
[role=menu][hidden]{display:none}[role=menuitem]{display:block;width:100%;text-align:left;border:0;border-radius:0;padding:7px 14px;background:none;color:#1f2933;text-decoration:none}
[role=menuitem]:hover,[role=menuitem]:focus{background:#eef2f6}[role=menu] form{margin:0}.menu-label{padding:6px 14px 2px;font-size:12px;color:#52606d;text-transform:uppercase}
[role=tablist]{display:flex;gap:4px;border-bottom:1px solid #cbd2d9;margin-bottom:10px}[role=tab]{padding:8px 12px;text-decoration:none;color:#3e4c59;border-bottom:3px solid transparent}
[role=tab][aria-selected=true]{border-bottom-color:#1764c0;color:#1f2933;font-weight:600}table{width:100%;border-collapse:collapse;background:#fff}
th,td{text-align:left;padding:7px 10px;border-bottom:1px solid #e4e7eb;vertical-align:top}th{font-size:12px;color:#52606d;text-transform:uppercase}
.error-text{color:#b42318}.panel{background:#fff;border:1px solid #e4e7eb;border-radius:6px;padding:14px 16px;margin-bottom:14px}
.doc-grid{display:grid;grid-template-columns:1fr 1fr;gap:14px}.export-error{background:#fdecea;border:1px solid #f1aeb5;border-radius:6px;padding:12px 16px;margin-bottom:14px}
.export-error p{margin:0 0 8px}.account{margin-bottom:22px}.account-head{display:flex;align-items:baseline;gap:10px}
.folder-list{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px}
.folder-card{background:#fff;border:1px solid #e4e7eb;border-radius:6px;padding:12px 14px}.card-actions{display:flex;gap:8px;align-items:center;margin-top:8px}
.warning{color:#b54708;font-weight:600;margin:2px 0}.connect-screen{background:#fff;border:1px solid #e4e7eb;border-radius:6px;padding:28px;text-align:center}
.connect-screen button{margin:4px}.audit{list-style:none;padding:0;margin:0}.audit li{padding:4px 0;border-bottom:1px solid #f0f2f4}.audit time{color:#52606d;margin-right:8px}
dl{display:grid;grid-template-columns:120px 1fr;gap:4px 10px;margin:0 0 10px}dt{color:#52606d}dd{margin:0}
`;

/** The real app opens and closes its menus with a small script; Escape or a click elsewhere closes them. */
const MENU_SCRIPT = `(() => {
  const buttons = [...document.querySelectorAll('button[aria-haspopup="menu"][aria-controls]')].filter(
    (b) => document.getElementById(b.getAttribute('aria-controls')),
  );
  const menuOf = (b) => document.getElementById(b.getAttribute('aria-controls'));
  const close = (b) => { b.setAttribute('aria-expanded', 'false'); menuOf(b).hidden = true; };
  for (const b of buttons) {
    b.addEventListener('click', (event) => {
      event.stopPropagation();
      const wasOpen = b.getAttribute('aria-expanded') === 'true';
      buttons.forEach(close);
      if (wasOpen) return;
      b.setAttribute('aria-expanded', 'true');
      const menu = menuOf(b);
      menu.hidden = false;
      menu.querySelector('[role="menuitem"]')?.focus();
    });
  }
  document.addEventListener('click', (event) => {
    if (!event.target.closest('[role="menu"]')) buttons.forEach(close);
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') buttons.forEach(close);
  });
})();`;

export function layout(opts: {
  title: string;
  body: string;
  flash?: Flash;
  scripts?: string[];
  /** The page's language (default English). */
  s?: Strings;
  /** Extra markup at the end of <head> (a variant's own stylesheet). */
  head?: string;
  /** The folder page's status check is running: aria-busy on <main> until its script has finished. */
  busy?: boolean;
}): string {
  const s = opts.s ?? EN;
  const flash = opts.flash
    ? `<div class="flash ${opts.flash.kind}" role="${opts.flash.kind === 'alert' ? 'alert' : 'status'}">${esc(opts.flash.text)}</div>`
    : '';
  const scripts = [MENU_SCRIPT, ...(opts.scripts ?? [])].map((s) => `<script>${s}</script>`).join('\n');
  return `<!doctype html>
<html lang="${s.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(opts.title)} | Datamolino</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>${opts.head ?? ''}
</head>
<body>
<header class="app-header"><a class="brand" href="/en/folders">Datamolino</a><nav aria-label="${esc(s.mainNav)}"><a href="/en/folders">${esc(s.myFolders)}</a></nav></header>
<main${opts.busy ? ' aria-busy="true"' : ''}>
${flash}
${opts.body}
</main>
${scripts}
</body>
</html>`;
}

export function messagePage(title: string, message: string, backHref = '/en/folders', flash?: Flash): string {
  return layout({
    title,
    flash,
    body: `<h1>${esc(title)}</h1><p>${esc(message)}</p><p><a href="${esc(backHref)}">Back</a></p>`,
  });
}

export function signInPage(): string {
  return layout({
    title: 'Sign in',
    body: `<h1>Sign in to Datamolino</h1>
<form method="post" action="/en/auth/users/sign_in" class="panel" style="max-width:360px">
<p><label for="user-email">Email</label><br><input id="user-email" type="email" name="user[email]" autocomplete="username"></p>
<p><label for="user-password">Password</label><br><input id="user-password" type="password" name="user[password]" autocomplete="current-password"></p>
<button type="submit" class="primary">Sign in</button>
</form>`,
  });
}

function connectionSummary(state: DatamolinoState, connection: Connection, account: Account, s: Strings = EN): string {
  if (connection.state === 'disconnected') return s.notConnected;
  const name = PROVIDER_NAMES[connection.provider];
  const tenant = connection.tenantName ? `${name} – ${connection.tenantName}` : name;
  if (account.plan !== 'business') return s.connectedTo(tenant);
  const siblings = foldersSharing(state, connection.id).length;
  return s.sharedBy(tenant, siblings, account.name);
}

function folderCard(state: DatamolinoState, folder: Folder): string {
  const connection = folderConnection(state, folder);
  const provider =
    connection.state === 'disconnected'
      ? 'Not connected'
      : `${PROVIDER_NAMES[connection.provider]}${connection.tenantName ? ` · ${connection.tenantName}` : ''}`;
  const href = `/en/folders/${folder.id}`;
  const menuId = `folder-${folder.id}-actions`;
  return `<li class="folder-card">
<h3><a href="${href}">${esc(folder.name)}</a></h3>
<p class="muted">${esc(provider)}</p>
${connection.state === 'expired' ? '<p class="warning">Connection expired</p>' : ''}
<div class="card-actions">
${connection.state === 'disconnected' ? `<a class="button" href="${href}">Connect</a>` : ''}
<a class="button" href="${href}/users">Invite users</a>
<div class="menu-wrap"><button type="button" aria-label="More actions" aria-haspopup="menu" aria-expanded="false" aria-controls="${menuId}">⋯</button>
<div role="menu" id="${menuId}" aria-label="More actions" hidden>
<a role="menuitem" href="${href}">Open folder</a>
<a role="menuitem" href="${href}/settings">Accounting &amp; Automation</a>
<a role="menuitem" href="${href}/exports">Export history</a>
</div></div>
</div>
</li>`;
}

export function dashboardPage(state: DatamolinoState, flash?: Flash): string {
  const sections = state.accounts.map((account) => {
    const folders = [...state.folders.values()].filter((f) => f.accountId === account.id);
    return `<section class="account" aria-label="${esc(account.name)}">
<div class="account-head"><h2>${esc(account.name)}</h2><span class="muted">${account.plan === 'business' ? 'Business plan' : 'Accountant plan'}</span></div>
<ul class="folder-list">
${folders.map((f) => folderCard(state, f)).join('\n')}
</ul>
</section>`;
  });
  return layout({
    title: 'My Folders',
    flash,
    body: `<div class="page-head"><h1>My Folders</h1><form method="get" action="/en/folders/new"><button type="submit" class="primary">Add Folder</button></form></div>
${sections.join('\n')}`,
  });
}

function menuForm(action: string, label: string, hidden: Record<string, string> = {}): string {
  const inputs = Object.entries(hidden)
    .map(([name, value]) => `<input type="hidden" name="${esc(name)}" value="${esc(value)}">`)
    .join('');
  return `<form method="post" action="${esc(action)}">${inputs}<button type="submit" role="menuitem">${esc(label)}</button></form>`;
}

function folderMenu(connection: Connection, view: FolderView): string {
  const { base, s, variant } = view;
  const items: string[] = [];
  const isAdmin = variant !== 'no-disconnect';
  if (isAdmin && connection.state === 'disconnected') {
    items.push(
      `<div role="group" aria-labelledby="connect-accounting-label"><div class="menu-label" id="connect-accounting-label">${esc(s.connectYourAccounting)}</div>`,
      ...PROVIDERS.map((p) => menuForm(`${base}/connection/connect`, s.connectTo(p), { provider: p })),
      '</div>',
    );
  } else if (isAdmin) {
    // Older versions of the app name the items without the provider.
    const renamed = variant === 'renamed-menu' || variant === 'provider-unnamed';
    items.push(
      menuForm(`${base}/connection/refresh`, s.refreshItem(connection.provider, renamed)),
      menuForm(`${base}/connection/disconnect`, s.disconnectItem(connection.provider, renamed)),
    );
  }
  if (isAdmin) items.push(`<a role="menuitem" href="${base}/settings">${esc(s.accountingAutomation)}</a>`);
  items.push(
    `<a role="menuitem" href="${base}/users">${esc(s.manageUsers)}</a>`,
    `<a role="menuitem" href="${base}/exports">${esc(s.exportHistory)}</a>`,
  );
  // 'dead-menu': the button is there, but it opens nothing (no menu behind it).
  if (variant === 'dead-menu') {
    return `<div class="menu-wrap">
<button type="button" aria-haspopup="menu" aria-expanded="false">${esc(s.folderMenu)}</button>
</div>`;
  }
  // 'no-folder-menu': older versions of the app, with the connection's items under the arrow next to Export.
  if (variant === 'no-folder-menu') {
    return `<div class="menu-wrap">
<button type="button" disabled>${esc(s.exportButton)}</button><button type="button" aria-haspopup="menu" aria-expanded="false" aria-controls="folder-menu" aria-label="More export options">▾</button>
<div role="menu" id="folder-menu" aria-label="More export options" hidden>
${items.join('\n')}
</div></div>`;
  }
  let button = `<button type="button" aria-haspopup="menu" aria-expanded="false" aria-controls="folder-menu">${esc(s.folderMenu)}</button>`;
  let menuLabel = s.folderMenu;
  if (variant === 'icon-menu') {
    menuLabel = 'Folder menu';
    button = `<button type="button" aria-haspopup="menu" aria-expanded="false" aria-controls="folder-menu" aria-label="${menuLabel}"><span aria-hidden="true">⋮</span></button>`;
  } else if (variant === 'menu-suffix') {
    button = `<button type="button" aria-haspopup="menu" aria-expanded="false" aria-controls="folder-menu">${esc(s.folderMenu)} ▾</button>`;
  }
  return `<div class="menu-wrap">
${button}
<div role="menu" id="folder-menu" aria-label="${esc(menuLabel)}" hidden>
${items.join('\n')}
</div></div>`;
}

export function tabDocuments(docs: DocumentRecord[], tab: TabId): DocumentRecord[] {
  switch (tab) {
    case 'ready':
      return docs.filter((d) => d.state === 'ready');
    case 'needs-review':
      return docs.filter((d) => d.state === 'needs-review');
    case 'export-failed':
      return docs.filter((d) => d.state === 'export-failed');
    case 'all':
      return docs.filter((d) => d.state !== 'trashed');
    case 'archive':
      return docs.filter((d) => d.state === 'exported');
    case 'trash':
      return docs.filter((d) => d.state === 'trashed');
  }
}

/** A document's export error as the page shows it ('banner-with-link' shortens Forbidden access). */
function shownExportError(error: string, provider: ProviderId, view: FolderView): string {
  if (view.variant === 'banner-with-link' && error === forbiddenText(provider)) return 'Forbidden access';
  return view.s.exportError(error, provider);
}

function documentTable(docs: DocumentRecord[], provider: ProviderId, showErrors: boolean, view: FolderView): string {
  const { s } = view;
  const showApproval = provider === 'xero';
  if (docs.length === 0) return `<p class="muted">${esc(s.noDocuments)}</p>`;
  const rows = docs.map((d) => {
    const cells = [
      `<td><a href="${view.base}/documents/${d.id}">${esc(d.supplier)}</a></td>`,
      `<td>${esc(d.number)}</td>`,
      `<td>${s.date(d.date)}</td>`,
      `<td>${esc(formatAmount(d.amount, d.currency))}</td>`,
      showApproval ? `<td>${esc(s.approval[d.approvalStatus])}</td>` : '',
      `<td>${s.states[d.state]}</td>`,
      showErrors
        ? `<td class="error-text">${esc(d.exportError ? shownExportError(d.exportError, provider, view) : '')}</td>`
        : '',
    ];
    return `<tr>${cells.join('')}</tr>`;
  });
  const c = s.columns;
  const heads = [
    c.supplier,
    c.number,
    c.date,
    c.amount,
    showApproval ? c.approval : '',
    c.state,
    showErrors ? c.error : '',
  ].filter(Boolean);
  return `<table><thead><tr>${heads.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
}

function connectScreen(view: FolderView): string {
  const { s } = view;
  const canConnect = view.variant !== 'no-disconnect';
  const buttons = canConnect
    ? `<form method="post" action="${view.base}/connection/connect">
${PROVIDERS.map((p) => `<button type="submit" class="primary" name="provider" value="${p}">${esc(s.connectTo(p))}</button>`).join('\n')}
</form>`
    : `<p>${esc(s.adminOnlyConnect)}</p>`;
  return `<section class="connect-screen" aria-labelledby="connect-heading">
<h2 id="connect-heading">${esc(s.connectYourAccounting)}</h2>
<p>${esc(s.connectScreenText)}</p>
${buttons}
</section>`;
}

/**
 * Like the real single-page app, the folder page asks for the connection status after load, then shows the
 * expired banner and keeps the chart-of-accounts line current (re-checking only while a sync runs). Until the
 * first check has finished, <main> carries aria-busy="true" (from the server's HTML); the script removes it once
 * the banner is in (or known not to be needed), whether the check succeeded or not.
 */
function folderStatusScript(view: FolderView, providerName: string): string {
  const { s, variant } = view;
  const banners = Object.fromEntries(PROVIDERS.map((p) => [PROVIDER_NAMES[p], s.banner(PROVIDER_NAMES[p])]));
  const options = {
    statusUrl: `${view.base}/status.json`,
    banners,
    fallback: s.banner(providerName),
    className: variant === 'css-hidden-banner' ? 'banner is-hidden' : 'banner',
    link:
      variant === 'banner-with-link'
        ? { text: s.learnMore, href: `${view.base}/settings`, after: s.exportsPaused }
        : null,
  };
  return `(() => {
  const options = ${scriptValue(options)};
  const main = document.querySelector('main');
  let banner = null;
  let first = true;
  function show(status) {
    const expired = status.connection === 'expired';
    if (expired && !banner) {
      banner = document.createElement('div');
      banner.className = options.className;
      banner.setAttribute('role', 'alert');
      banner.textContent = options.banners[status.providerName] || options.fallback;
      if (options.link) {
        const link = document.createElement('a');
        link.href = options.link.href;
        link.textContent = options.link.text;
        banner.append(' ', link, ' ' + options.link.after);
      }
      main.prepend(banner);
    } else if (!expired && banner) {
      banner.remove();
      banner = null;
    }
    const chart = document.querySelector('.chart-sync');
    if (chart && status.chart) chart.textContent = status.chart.text;
  }
  async function check() {
    let status = null;
    try {
      const res = await fetch(options.statusUrl, { headers: { accept: 'application/json' } });
      if (res.ok) status = await res.json();
    } catch {
      status = null;
    }
    if (status) show(status);
    if (first) {
      first = false;
      main.removeAttribute('aria-busy');
    }
    if (status && status.chart && status.chart.syncing) setTimeout(check, 500);
  }
  setTimeout(check, 100);
})();`;
}

const HIDDEN_CLASS_STYLE = '\n<style>.is-hidden { display: none }</style>';

export function folderPage(
  state: DatamolinoState,
  folder: Folder,
  tab: TabId,
  now: number,
  flash?: Flash,
  view: FolderView = folderView(folder),
): string {
  const { s, base } = view;
  const connection = folderConnection(state, folder);
  const account = folderAccount(state, folder);
  const providerName = PROVIDER_NAMES[connection.provider];
  const docs = folderDocuments(state, folder.id);
  const failedCount = docs.filter((d) => d.state === 'export-failed').length;
  let content: string;
  if (connection.state === 'disconnected') {
    content = connectScreen(view);
  } else {
    const tabs = TABS.map((t) => {
      const label = t.id === 'export-failed' ? `${s.tabs[t.id]} (${failedCount})` : s.tabs[t.id];
      return `<a role="tab" href="${base}?tab=${t.id}" aria-selected="${t.id === tab}">${label}</a>`;
    }).join('');
    const label = s.tabs[tab];
    content = `<div role="tablist" aria-label="${esc(s.documentsTabs)}">${tabs}</div>
<div role="tabpanel" aria-label="${esc(label)}">
${documentTable(tabDocuments(docs, tab), connection.provider, tab === 'export-failed', view)}
</div>`;
  }
  const chartLine =
    connection.state === 'disconnected' || view.variant === 'no-refresh-feedback'
      ? ''
      : `<p class="muted chart-sync">${esc(chartSyncText(connection, now, s))}</p>`;
  return layout({
    title: folder.name,
    flash,
    s,
    busy: true,
    head: view.variant === 'css-hidden-banner' ? HIDDEN_CLASS_STYLE : undefined,
    scripts: [folderStatusScript(view, providerName)],
    body: `<nav aria-label="${esc(s.breadcrumb)}" class="breadcrumb"><a href="/en/folders">${esc(s.myFolders)}</a> › ${esc(account.name)}</nav>
<div class="page-head">
<div>
<h1>${esc(folder.name)}</h1>
<p class="muted">${esc(view.variant === 'provider-unnamed' && connection.state !== 'disconnected' ? `Accounting connected – ${connection.tenantName ?? ''}` : connectionSummary(state, connection, account, s))}</p>
${chartLine}
</div>
${folderMenu(connection, view)}
</div>
${content}`,
  });
}

export function folderStatus(state: DatamolinoState, folder: Folder, now: number) {
  const connection = folderConnection(state, folder);
  const s = strings(folderLocale(folder));
  return {
    folderId: folder.id,
    provider: connection.provider,
    providerName: PROVIDER_NAMES[connection.provider],
    connection: connection.state,
    tenantName: connection.tenantName ?? null,
    chart:
      connection.state === 'disconnected'
        ? null
        : {
            syncing: isChartSyncing(connection, now),
            syncedAt: connection.chartSyncedAt === undefined ? null : new Date(connection.chartSyncedAt).toISOString(),
            text: chartSyncText(connection, now, s),
          },
  };
}

const APPROVAL_SCRIPT = `(() => {
  const select = document.querySelector('select[name="approval_status"]');
  select?.addEventListener('change', () => select.form.requestSubmit());
})();`;

/**
 * 'select-less-approval': a select-only combobox (a button with role=combobox opening a role=listbox); choosing
 * another option sets the form's hidden approval_status and submits it, as the <select> does.
 */
const LISTBOX_SCRIPT = `(() => {
  const box = document.querySelector('[role="combobox"][aria-controls="approval-status-options"]');
  if (!box) return;
  const list = document.getElementById('approval-status-options');
  const input = box.form.elements.namedItem('approval_status');
  const options = [...list.querySelectorAll('[role="option"]')];
  const selected = () => options.find((o) => o.getAttribute('aria-selected') === 'true') || options[0];
  const setOpen = (open) => {
    box.setAttribute('aria-expanded', String(open));
    list.hidden = !open;
    if (open) selected().focus();
  };
  const choose = (option) => {
    setOpen(false);
    box.focus();
    if (option.dataset.value === input.value) return;
    input.value = option.dataset.value;
    for (const o of options) o.setAttribute('aria-selected', String(o === option));
    box.textContent = option.textContent;
    box.form.requestSubmit();
  };
  box.addEventListener('click', (event) => {
    event.stopPropagation();
    setOpen(box.getAttribute('aria-expanded') !== 'true');
  });
  box.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setOpen(true);
    }
  });
  for (const option of options) {
    option.addEventListener('click', (event) => {
      event.stopPropagation();
      choose(option);
    });
    option.addEventListener('keydown', (event) => {
      const i = options.indexOf(option);
      if (event.key === 'ArrowDown') options[Math.min(i + 1, options.length - 1)].focus();
      else if (event.key === 'ArrowUp') options[Math.max(i - 1, 0)].focus();
      else if (event.key === 'Enter' || event.key === ' ') choose(option);
      else if (event.key === 'Escape') {
        setOpen(false);
        box.focus();
      } else return;
      event.preventDefault();
    });
  }
  document.addEventListener('click', () => setOpen(false));
})();`;

function approvalControl(doc: DocumentRecord, view: FolderView, action: string): string {
  const { s } = view;
  if (view.variant === 'select-less-approval') {
    const options = APPROVAL_STATUSES.map(
      (status) =>
        `<li role="option" id="approval-status-${status.toLowerCase().replace(/ /g, '-')}" data-value="${esc(status)}" aria-selected="${status === doc.approvalStatus}" tabindex="-1">${esc(s.approval[status])}</li>`,
    ).join('\n');
    return `<form method="post" action="${action}">
<span id="approval-status-label">${esc(s.approvalStatus)}</span>
<input type="hidden" name="approval_status" value="${esc(doc.approvalStatus)}">
<button type="button" id="approval-status" role="combobox" aria-labelledby="approval-status-label" aria-haspopup="listbox" aria-expanded="false" aria-controls="approval-status-options">${esc(s.approval[doc.approvalStatus])}</button>
<ul role="listbox" id="approval-status-options" class="listbox" aria-labelledby="approval-status-label" hidden>
${options}
</ul>
<noscript><button type="submit">${esc(s.save)}</button></noscript>
</form>`;
  }
  return `<form method="post" action="${action}">
<label for="approval-status">${esc(s.approvalStatus)}</label>
<select id="approval-status" name="approval_status">
${APPROVAL_STATUSES.map((status) => `<option value="${esc(status)}"${status === doc.approvalStatus ? ' selected' : ''}>${esc(s.approval[status])}</option>`).join('\n')}
</select>
<noscript><button type="submit">${esc(s.save)}</button></noscript>
</form>`;
}

function errorBox(doc: DocumentRecord, provider: ProviderId, view: FolderView, docBase: string): string {
  if (!doc.exportError) return '';
  const dismiss = `<form method="post" action="${docBase}/dismiss"><button type="submit">${esc(view.s.dismiss)}</button></form>`;
  const text = esc(shownExportError(doc.exportError, provider, view));
  // 'banner-with-link': the short text in a plain error box, no alert role.
  if (view.variant === 'banner-with-link') {
    return `<div class="export-error-panel">
<div class="error">${text}</div>
${dismiss}
</div>`;
  }
  return `<div class="export-error" role="alert">
<p>${text}</p>
${dismiss}
</div>`;
}

export function documentPage(
  state: DatamolinoState,
  folder: Folder,
  doc: DocumentRecord,
  flash?: Flash,
  view: FolderView = folderView(folder),
): string {
  const { s } = view;
  const connection = folderConnection(state, folder);
  const provider: ProviderId = connection.provider;
  const base = `${view.base}/documents/${doc.id}`;
  const approval = provider === 'xero' ? approvalControl(doc, view, `${base}/approval-status`) : '';
  const exported = doc.state === 'exported';
  const canReexport = exported && doc.exportedAs === 'Draft';
  let exportBlock: string;
  if (exported && !canReexport) {
    exportBlock = `<p><strong>${esc(s.exportedLabel)}</strong></p><p class="muted">${esc(provider === 'xero' ? s.onlyDrafts : s.alreadyExported)}</p>`;
  } else {
    const disabled = doc.exportError ? ' disabled' : '';
    exportBlock = `${exported ? `<p>${s.exportedAsDraft}</p>` : ''}
<form method="post" action="${base}/export"><button type="submit" class="primary"${disabled}>${esc(s.exportButton)}</button></form>
${doc.exportError ? `<p class="muted">${esc(s.dismissToExport)}</p>` : ''}`;
  }
  const audit = [...doc.audit]
    .reverse()
    .map(
      (e) =>
        `<li><time datetime="${new Date(e.at).toISOString()}">${s.time(e.at)}</time>${esc(s.auditEntry(e.text, provider))}</li>`,
    )
    .join('\n');
  return layout({
    title: `${doc.supplier} ${doc.number}`,
    flash,
    s,
    scripts: [view.variant === 'select-less-approval' ? LISTBOX_SCRIPT : APPROVAL_SCRIPT],
    head: view.variant === 'select-less-approval' ? LISTBOX_STYLE : undefined,
    body: `<nav aria-label="${esc(s.breadcrumb)}" class="breadcrumb"><a href="/en/folders">${esc(s.myFolders)}</a> › <a href="${view.base}">${esc(folder.name)}</a> › ${esc(doc.number)}</nav>
<h1>${esc(doc.supplier)} – ${esc(doc.number)}</h1>
<p class="muted">${esc(s.status(s.states[doc.state]))}</p>
${errorBox(doc, provider, view, base)}
<div class="doc-grid">
<section class="panel" aria-labelledby="supplier-heading">
<h2 id="supplier-heading">${esc(s.supplier)}</h2>
<dl><dt>${esc(s.columns.supplier)}</dt><dd>${esc(doc.supplier)}</dd><dt>${esc(s.columns.number)}</dt><dd>${esc(doc.number)}</dd><dt>${esc(s.columns.date)}</dt><dd>${s.date(doc.date)}</dd><dt>${esc(s.columns.amount)}</dt><dd>${esc(formatAmount(doc.amount, doc.currency))}</dd></dl>
<p>${esc(s.exportToBills)}</p>
${approval}
</section>
<section class="panel" aria-labelledby="export-heading">
<h2 id="export-heading">${esc(s.exportTo(provider))}</h2>
${exportBlock}
</section>
</div>
<section class="panel" aria-labelledby="audit-heading">
<h2 id="audit-heading">${esc(s.auditTrail)}</h2>
<ol class="audit">
${audit || `<li>${esc(s.noEvents)}</li>`}
</ol>
</section>`,
  });
}

const LISTBOX_STYLE = `
<style>.listbox{list-style:none;margin:4px 0 0;padding:4px 0;background:#fff;border:1px solid #b8c2cc;border-radius:4px;max-width:240px}
.listbox[hidden]{display:none}[role=option]{padding:6px 12px;cursor:pointer}[role=option]:hover,[role=option]:focus{background:#eef2f6}
[role=option][aria-selected=true]{font-weight:600}</style>`;

export function freeAgentChoicePage(folder: Folder, view: FolderView = folderView(folder)): string {
  const { s } = view;
  const action = `${view.base}/connection/connect`;
  return layout({
    title: s.connectTo('freeagent'),
    s,
    body: `<nav aria-label="${esc(s.breadcrumb)}" class="breadcrumb"><a href="${view.base}">${esc(folder.name)}</a></nav>
<section class="connect-screen">
<h1>${esc(s.freeAgentQuestion)}</h1>
<p>${esc(s.freeAgentExplain)}</p>
<form method="post" action="${action}">
<input type="hidden" name="provider" value="freeagent">
<button type="submit" class="primary" name="mode" value="practice">${esc(s.connectAsPractice)}</button>
<button type="submit" class="primary" name="mode" value="company">${esc(s.connectAsCompany)}</button>
</form>
<p><a href="${view.base}">${esc(s.cancel)}</a></p>
</section>`,
  });
}

export function disconnectConfirmPage(
  state: DatamolinoState,
  folder: Folder,
  view: FolderView = folderView(folder),
): string {
  const { s } = view;
  const connection = folderConnection(state, folder);
  const account = folderAccount(state, folder);
  const shared = account.plan === 'business' ? `<p>${esc(s.disconnectShared(account.name))}</p>` : '';
  if (view.variant === 'unfamiliar-disconnect')
    return layout({
      title: 'Remove link',
      s,
      body: `<section class="panel" style="max-width:520px">
<h1>Remove the link between ${esc(folder.name)} and ${PROVIDER_NAMES[connection.provider]}?</h1>
<form method="post" action="${view.base}/connection/disconnect" class="inline">
<input type="hidden" name="confirm" value="yes">
<button type="submit" class="primary">Yes, remove</button>
</form>
<form method="get" action="${view.base}" class="inline"><button type="submit">Keep it</button></form>
</section>`,
    });
  return layout({
    title: s.disconnectTitle(connection.provider),
    s,
    body: `<section class="panel" role="dialog" aria-labelledby="confirm-heading" aria-modal="true" style="max-width:520px">
<h1 id="confirm-heading">${esc(s.disconnectQuestion(folder.name, connection.provider))}</h1>
<p>${esc(s.disconnectStops)}</p>
${shared}
<form method="post" action="${view.base}/connection/disconnect" class="inline">
<input type="hidden" name="confirm" value="yes">
<button type="submit" class="primary">${esc(s.disconnectButton)}</button>
</form>
<form method="get" action="${view.base}" class="inline"><button type="submit">${esc(s.cancel)}</button></form>
</section>`,
  });
}

export function settingsPage(state: DatamolinoState, folder: Folder, view: FolderView = folderView(folder)): string {
  const { s } = view;
  const connection = folderConnection(state, folder);
  const account = folderAccount(state, folder);
  const details =
    connection.state === 'disconnected'
      ? `<p>${esc(s.notConnectedShort)}</p>`
      : `<dl><dt>${esc(s.software)}</dt><dd>${PROVIDER_NAMES[connection.provider]}</dd><dt>${esc(s.organisation)}</dt><dd>${esc(connection.tenantName ?? '')}</dd><dt>${esc(s.statusLabel)}</dt><dd>${esc(connection.state === 'expired' ? s.expired : s.connectedLabel)}</dd>${connection.authorisedBy ? `<dt>${esc(s.authorisedBy)}</dt><dd>${esc(connection.authorisedBy)}</dd>` : ''}</dl>`;
  return layout({
    title: s.accountingAutomation,
    s,
    body: `<nav aria-label="${esc(s.breadcrumb)}" class="breadcrumb"><a href="${view.base}">${esc(folder.name)}</a></nav>
<h1>${esc(s.accountingAutomation)}</h1>
<section class="panel"><h2>${esc(s.accountingSoftware)}</h2>${details}
<p class="muted">${esc(connectionSummary(state, connection, account, s))}</p></section>`,
  });
}

export function usersPage(folder: Folder, view: FolderView = folderView(folder)): string {
  const { s } = view;
  return layout({
    title: s.manageUsers,
    s,
    body: `<nav aria-label="${esc(s.breadcrumb)}" class="breadcrumb"><a href="${view.base}">${esc(folder.name)}</a></nav>
<h1>${esc(s.manageUsers)}</h1>
<table><thead><tr><th scope="col">${esc(s.user)}</th><th scope="col">${esc(s.folderRole)}</th></tr></thead>
<tbody><tr><td>you@example.test</td><td>${esc(folder.variant === 'no-disconnect' ? s.memberUser : s.admin)}</td></tr></tbody></table>
<p><button type="button">${esc(s.inviteUsers)}</button></p>`,
  });
}

export function exportHistoryPage(
  state: DatamolinoState,
  folder: Folder,
  view: FolderView = folderView(folder),
): string {
  const { s } = view;
  const provider = folderConnection(state, folder).provider;
  const rows = folderDocuments(state, folder.id)
    .flatMap((d) => d.audit.filter((e) => e.text.startsWith('Export')).map((e) => ({ d, e })))
    .sort((a, b) => b.e.at - a.e.at)
    .map(
      ({ d, e }) =>
        `<tr><td>${s.time(e.at)}</td><td><a href="${view.base}/documents/${d.id}">${esc(d.supplier)} ${esc(d.number)}</a></td><td>${esc(s.auditEntry(e.text, provider))}</td></tr>`,
    );
  return layout({
    title: s.exportHistory,
    s,
    body: `<nav aria-label="${esc(s.breadcrumb)}" class="breadcrumb"><a href="${view.base}">${esc(folder.name)}</a></nav>
<h1>${esc(s.exportHistory)}</h1>
<table><thead><tr><th scope="col">${esc(s.timeColumn)}</th><th scope="col">${esc(s.documentColumn)}</th><th scope="col">${esc(s.resultColumn)}</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`,
  });
}

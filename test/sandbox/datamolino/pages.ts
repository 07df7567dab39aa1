/** Server-rendered HTML of the Datamolino model: semantic markup and the visible texts of the real app. */
import type { ProviderId } from '../providers/types';
import {
  type Account,
  APPROVAL_STATUSES,
  type Connection,
  type DatamolinoState,
  type DocumentRecord,
  type DocumentState,
  type Folder,
  folderAccount,
  folderConnection,
  folderDocuments,
  foldersSharing,
  isChartSyncing,
  PROVIDER_NAMES,
  PROVIDERS,
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

const STATE_LABELS: Record<DocumentState, string> = {
  ready: 'Ready',
  'needs-review': 'Needs Review',
  'export-failed': 'Export Failed',
  exported: 'Exported',
  trashed: 'Trash',
};

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

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "27 Nov 2026 10:02" (UTC, so pages read the same on every machine). */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

function formatDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d} ${MONTHS[Number(m) - 1]} ${y}`;
}

function formatAmount(amount: number, currency: string): string {
  return `${currency} ${amount.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function chartSyncText(connection: Connection, now: number): string {
  if (isChartSyncing(connection, now)) return 'Chart of accounts: syncing…';
  if (connection.chartSyncedAt === undefined) return 'Chart of accounts: not synced yet';
  return `Chart of accounts: synced ${formatTime(connection.chartSyncedAt)}`;
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
  const buttons = [...document.querySelectorAll('button[aria-haspopup="menu"]')];
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

export function layout(opts: { title: string; body: string; flash?: Flash; scripts?: string[] }): string {
  const flash = opts.flash
    ? `<div class="flash ${opts.flash.kind}" role="${opts.flash.kind === 'alert' ? 'alert' : 'status'}">${esc(opts.flash.text)}</div>`
    : '';
  const scripts = [MENU_SCRIPT, ...(opts.scripts ?? [])].map((s) => `<script>${s}</script>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(opts.title)} | Datamolino</title>
<style>${STYLE}</style>
</head>
<body>
<header class="app-header"><a class="brand" href="/en/folders">Datamolino</a><nav aria-label="Main"><a href="/en/folders">My Folders</a></nav></header>
<main>
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

function connectionSummary(state: DatamolinoState, connection: Connection, account: Account): string {
  if (connection.state === 'disconnected') return 'Not connected to accounting software';
  const name = PROVIDER_NAMES[connection.provider];
  const tenant = connection.tenantName ? `${name} – ${connection.tenantName}` : name;
  if (account.plan !== 'business') return `Connected to ${tenant}`;
  const siblings = foldersSharing(state, connection.id).length;
  return `Connected to ${tenant} (shared by all ${siblings} folders of ${account.name})`;
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

function folderMenu(folder: Folder, connection: Connection): string {
  const base = `/en/folders/${folder.id}`;
  const name = PROVIDER_NAMES[connection.provider];
  const items: string[] = [];
  const isAdmin = folder.variant !== 'no-disconnect';
  if (isAdmin && connection.state === 'disconnected') {
    items.push(
      `<div role="group" aria-labelledby="connect-accounting-label"><div class="menu-label" id="connect-accounting-label">Connect your accounting</div>`,
      ...PROVIDERS.map((p) =>
        menuForm(`${base}/connection/connect`, `Connect to ${PROVIDER_NAMES[p]}`, { provider: p }),
      ),
      '</div>',
    );
  } else if (isAdmin) {
    // Older versions of the app name the items without the provider.
    const renamed = folder.variant === 'renamed-menu';
    items.push(
      menuForm(`${base}/connection/refresh`, renamed ? 'Refresh' : `Refresh ${name} Connection`),
      menuForm(`${base}/connection/disconnect`, renamed ? 'Disconnect' : `Disconnect ${name}`),
    );
  }
  if (isAdmin) items.push(`<a role="menuitem" href="${base}/settings">Accounting &amp; Automation</a>`);
  items.push(
    `<a role="menuitem" href="${base}/users">Manage Users</a>`,
    `<a role="menuitem" href="${base}/exports">Export history</a>`,
  );
  return `<div class="menu-wrap">
<button type="button" aria-haspopup="menu" aria-expanded="false" aria-controls="folder-menu">Folder Menu</button>
<div role="menu" id="folder-menu" aria-label="Folder Menu" hidden>
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

function documentTable(folder: Folder, docs: DocumentRecord[], showApproval: boolean, showErrors: boolean): string {
  if (docs.length === 0) return '<p class="muted">No documents here.</p>';
  const rows = docs.map((d) => {
    const cells = [
      `<td><a href="/en/folders/${folder.id}/documents/${d.id}">${esc(d.supplier)}</a></td>`,
      `<td>${esc(d.number)}</td>`,
      `<td>${formatDate(d.date)}</td>`,
      `<td>${esc(formatAmount(d.amount, d.currency))}</td>`,
      showApproval ? `<td>${esc(d.approvalStatus)}</td>` : '',
      `<td>${STATE_LABELS[d.state]}</td>`,
      showErrors ? `<td class="error-text">${esc(d.exportError ?? '')}</td>` : '',
    ];
    return `<tr>${cells.join('')}</tr>`;
  });
  const heads = [
    'Supplier',
    'Number',
    'Date',
    'Amount',
    showApproval ? 'Approval status' : '',
    'State',
    showErrors ? 'Error' : '',
  ].filter(Boolean);
  return `<table><thead><tr>${heads.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
}

function connectScreen(folder: Folder): string {
  const canConnect = folder.variant !== 'no-disconnect';
  const buttons = canConnect
    ? `<form method="post" action="/en/folders/${folder.id}/connection/connect">
${PROVIDERS.map((p) => `<button type="submit" class="primary" name="provider" value="${p}">Connect to ${PROVIDER_NAMES[p]}</button>`).join('\n')}
</form>`
    : '<p>Only a folder Admin can connect this folder. Ask a folder Admin to connect it.</p>';
  return `<section class="connect-screen" aria-labelledby="connect-heading">
<h2 id="connect-heading">Connect your accounting</h2>
<p>This folder is not connected to accounting software. Exports and the chart-of-accounts sync are paused until you connect it.</p>
${buttons}
</section>`;
}

/**
 * Like the real single-page app, the folder page asks for the connection status after load, then shows the
 * expired banner and keeps the chart-of-accounts line current (re-checking only while a sync runs).
 */
function folderStatusScript(folder: Folder, providerName: string): string {
  return `(() => {
  const statusUrl = ${scriptValue(`/en/folders/${folder.id}/status.json`)};
  let banner = null;
  async function check() {
    let status;
    try {
      const res = await fetch(statusUrl, { headers: { accept: 'application/json' } });
      if (!res.ok) return;
      status = await res.json();
    } catch {
      return;
    }
    const expired = status.connection === 'expired';
    if (expired && !banner) {
      banner = document.createElement('div');
      banner.className = 'banner';
      banner.setAttribute('role', 'alert');
      banner.textContent = 'Your connection to ' + (status.providerName || ${scriptValue(providerName)}) + ' has expired, please go to folder settings and reconnect.';
      document.querySelector('main').prepend(banner);
    } else if (!expired && banner) {
      banner.remove();
      banner = null;
    }
    const chart = document.querySelector('.chart-sync');
    if (chart && status.chart) chart.textContent = status.chart.text;
    if (status.chart && status.chart.syncing) setTimeout(check, 500);
  }
  setTimeout(check, 100);
})();`;
}

export function folderPage(state: DatamolinoState, folder: Folder, tab: TabId, now: number, flash?: Flash): string {
  const connection = folderConnection(state, folder);
  const account = folderAccount(state, folder);
  const providerName = PROVIDER_NAMES[connection.provider];
  const docs = folderDocuments(state, folder.id);
  const failedCount = docs.filter((d) => d.state === 'export-failed').length;
  const base = `/en/folders/${folder.id}`;
  let content: string;
  if (connection.state === 'disconnected') {
    content = connectScreen(folder);
  } else {
    const tabs = TABS.map((t) => {
      const label = t.id === 'export-failed' ? `${t.label} (${failedCount})` : t.label;
      return `<a role="tab" href="${base}?tab=${t.id}" aria-selected="${t.id === tab}">${label}</a>`;
    }).join('');
    const label = TABS.find((t) => t.id === tab)!.label;
    content = `<div role="tablist" aria-label="Documents">${tabs}</div>
<div role="tabpanel" aria-label="${label}">
${documentTable(folder, tabDocuments(docs, tab), connection.provider === 'xero', tab === 'export-failed')}
</div>`;
  }
  const chartLine =
    connection.state === 'disconnected' ? '' : `<p class="muted chart-sync">${esc(chartSyncText(connection, now))}</p>`;
  return layout({
    title: folder.name,
    flash,
    scripts: [folderStatusScript(folder, providerName)],
    body: `<nav aria-label="Breadcrumb" class="breadcrumb"><a href="/en/folders">My Folders</a> › ${esc(account.name)}</nav>
<div class="page-head">
<div>
<h1>${esc(folder.name)}</h1>
<p class="muted">${esc(connectionSummary(state, connection, account))}</p>
${chartLine}
</div>
${folderMenu(folder, connection)}
</div>
${content}`,
  });
}

export function folderStatus(state: DatamolinoState, folder: Folder, now: number) {
  const connection = folderConnection(state, folder);
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
            text: chartSyncText(connection, now),
          },
  };
}

const APPROVAL_SCRIPT = `(() => {
  const select = document.querySelector('select[name="approval_status"]');
  select?.addEventListener('change', () => select.form.requestSubmit());
})();`;

export function documentPage(state: DatamolinoState, folder: Folder, doc: DocumentRecord, flash?: Flash): string {
  const connection = folderConnection(state, folder);
  const provider: ProviderId = connection.provider;
  const base = `/en/folders/${folder.id}/documents/${doc.id}`;
  const errorBox = doc.exportError
    ? `<div class="export-error" role="alert">
<p>${esc(doc.exportError)}</p>
<form method="post" action="${base}/dismiss"><button type="submit">Dismiss</button></form>
</div>`
    : '';
  const approval =
    provider === 'xero'
      ? `<form method="post" action="${base}/approval-status">
<label for="approval-status">Approval status</label>
<select id="approval-status" name="approval_status">
${APPROVAL_STATUSES.map((s) => `<option value="${esc(s)}"${s === doc.approvalStatus ? ' selected' : ''}>${esc(s)}</option>`).join('\n')}
</select>
<noscript><button type="submit">Save</button></noscript>
</form>`
      : '';
  const exported = doc.state === 'exported';
  const canReexport = exported && doc.exportedAs === 'Draft';
  let exportBlock: string;
  if (exported && !canReexport) {
    exportBlock = `<p><strong>Exported</strong></p><p class="muted">${provider === 'xero' ? 'Only drafts can be re-exported' : 'This document has already been exported.'}</p>`;
  } else {
    const disabled = doc.exportError ? ' disabled' : '';
    exportBlock = `${exported ? '<p><strong>Exported</strong> as Draft</p>' : ''}
<form method="post" action="${base}/export"><button type="submit" class="primary"${disabled}>Export</button></form>
${doc.exportError ? '<p class="muted">Dismiss the error to export again.</p>' : ''}`;
  }
  const audit = [...doc.audit]
    .reverse()
    .map((e) => `<li><time datetime="${new Date(e.at).toISOString()}">${formatTime(e.at)}</time>${esc(e.text)}</li>`)
    .join('\n');
  return layout({
    title: `${doc.supplier} ${doc.number}`,
    flash,
    scripts: [APPROVAL_SCRIPT],
    body: `<nav aria-label="Breadcrumb" class="breadcrumb"><a href="/en/folders">My Folders</a> › <a href="/en/folders/${folder.id}">${esc(folder.name)}</a> › ${esc(doc.number)}</nav>
<h1>${esc(doc.supplier)} – ${esc(doc.number)}</h1>
<p class="muted">Status: ${STATE_LABELS[doc.state]}</p>
${errorBox}
<div class="doc-grid">
<section class="panel" aria-labelledby="supplier-heading">
<h2 id="supplier-heading">Supplier</h2>
<dl><dt>Supplier</dt><dd>${esc(doc.supplier)}</dd><dt>Number</dt><dd>${esc(doc.number)}</dd><dt>Date</dt><dd>${formatDate(doc.date)}</dd><dt>Amount</dt><dd>${esc(formatAmount(doc.amount, doc.currency))}</dd></dl>
<p>Export to: Bills</p>
${approval}
</section>
<section class="panel" aria-labelledby="export-heading">
<h2 id="export-heading">Export to ${PROVIDER_NAMES[provider]}</h2>
${exportBlock}
</section>
</div>
<section class="panel" aria-labelledby="audit-heading">
<h2 id="audit-heading">Audit Trail</h2>
<ol class="audit">
${audit || '<li>No events yet.</li>'}
</ol>
</section>`,
  });
}

export function freeAgentChoicePage(folder: Folder): string {
  const action = `/en/folders/${folder.id}/connection/connect`;
  return layout({
    title: 'Connect to FreeAgent',
    body: `<nav aria-label="Breadcrumb" class="breadcrumb"><a href="/en/folders/${folder.id}">${esc(folder.name)}</a></nav>
<section class="connect-screen">
<h1>How do you want to connect to FreeAgent?</h1>
<p>Accountancy practices connect through their practice account; businesses connect their own company.</p>
<form method="post" action="${action}">
<input type="hidden" name="provider" value="freeagent">
<button type="submit" class="primary" name="mode" value="practice">Connect as Accountant/Practice</button>
<button type="submit" class="primary" name="mode" value="company">Connect as Company</button>
</form>
<p><a href="/en/folders/${folder.id}">Cancel</a></p>
</section>`,
  });
}

export function disconnectConfirmPage(state: DatamolinoState, folder: Folder): string {
  const connection = folderConnection(state, folder);
  const account = folderAccount(state, folder);
  const name = PROVIDER_NAMES[connection.provider];
  const shared =
    account.plan === 'business'
      ? `<p>All folders of ${esc(account.name)} share this connection and will be disconnected too.</p>`
      : '';
  return layout({
    title: `Disconnect ${name}`,
    body: `<section class="panel" role="dialog" aria-labelledby="confirm-heading" aria-modal="true" style="max-width:520px">
<h1 id="confirm-heading">Are you sure you want to disconnect ${esc(folder.name)} from ${name}?</h1>
<p>Exports and the chart-of-accounts sync stop until the folder is connected again.</p>
${shared}
<form method="post" action="/en/folders/${folder.id}/connection/disconnect" class="inline">
<input type="hidden" name="confirm" value="yes">
<button type="submit" class="primary">Disconnect</button>
</form>
<form method="get" action="/en/folders/${folder.id}" class="inline"><button type="submit">Cancel</button></form>
</section>`,
  });
}

export function settingsPage(state: DatamolinoState, folder: Folder): string {
  const connection = folderConnection(state, folder);
  const account = folderAccount(state, folder);
  const details =
    connection.state === 'disconnected'
      ? '<p>Not connected.</p>'
      : `<dl><dt>Software</dt><dd>${PROVIDER_NAMES[connection.provider]}</dd><dt>Organisation</dt><dd>${esc(connection.tenantName ?? '')}</dd><dt>Status</dt><dd>${connection.state === 'expired' ? 'Expired' : 'Connected'}</dd>${connection.authorisedBy ? `<dt>Authorised by</dt><dd>${esc(connection.authorisedBy)}</dd>` : ''}</dl>`;
  return layout({
    title: 'Accounting & Automation',
    body: `<nav aria-label="Breadcrumb" class="breadcrumb"><a href="/en/folders/${folder.id}">${esc(folder.name)}</a></nav>
<h1>Accounting &amp; Automation</h1>
<section class="panel"><h2>Accounting software</h2>${details}
<p class="muted">${esc(connectionSummary(state, connection, account))}</p></section>`,
  });
}

export function usersPage(folder: Folder): string {
  return layout({
    title: 'Manage Users',
    body: `<nav aria-label="Breadcrumb" class="breadcrumb"><a href="/en/folders/${folder.id}">${esc(folder.name)}</a></nav>
<h1>Manage Users</h1>
<table><thead><tr><th scope="col">User</th><th scope="col">Folder role</th></tr></thead>
<tbody><tr><td>you@example.test</td><td>${folder.variant === 'no-disconnect' ? 'User' : 'Admin'}</td></tr></tbody></table>
<p><button type="button">Invite users</button></p>`,
  });
}

export function exportHistoryPage(state: DatamolinoState, folder: Folder): string {
  const rows = folderDocuments(state, folder.id)
    .flatMap((d) => d.audit.filter((e) => e.text.startsWith('Export')).map((e) => ({ d, e })))
    .sort((a, b) => b.e.at - a.e.at)
    .map(
      ({ d, e }) =>
        `<tr><td>${formatTime(e.at)}</td><td><a href="/en/folders/${folder.id}/documents/${d.id}">${esc(d.supplier)} ${esc(d.number)}</a></td><td>${esc(e.text)}</td></tr>`,
    );
  return layout({
    title: 'Export history',
    body: `<nav aria-label="Breadcrumb" class="breadcrumb"><a href="/en/folders/${folder.id}">${esc(folder.name)}</a></nav>
<h1>Export history</h1>
<table><thead><tr><th scope="col">Time</th><th scope="col">Document</th><th scope="col">Result</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`,
  });
}

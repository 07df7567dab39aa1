/// <reference types="chrome" />
/**
 * Saying only what is known: the draft-status test's verdict for the folder's own organisation and role, refusals
 * that are not about the connection, the approval status put back, nothing disconnected that could not be connected
 * again, endings that say what is left, FreeAgent's "Connect as", and Xero asked for read scopes only.
 */
import { expect, test } from './fixtures';
import { FolderPage, openPopup, visit } from './pages';
import {
  CLIENT_ID,
  checkProviders,
  connectThroughConsent,
  extensionPage,
  registerExtensionClients,
} from './provider-pages';
import { SandboxApi } from './sandbox-api';

const PARTNER = 'partner@ledgerlight.test';
const NORTHWIND = 'Northwind Traders';
const FERNBROOK = 'Fernbrook Dental Ltd';

test.beforeEach(async ({ sandbox }) => {
  await registerExtensionClients(sandbox.url);
});

test('two Xero organisations, a different role in each: each folder’s verdict names its organisation and role', async ({
  context,
  page,
  sandbox,
}) => {
  const api = new SandboxApi(sandbox.url);
  // The practice's partner: Invoice only at Northwind Traders, Managed client at Fernbrook Dental.
  const { folderIds } = (await api.post('folders/bulk', { count: 1, organisation: FERNBROOK })) as {
    folderIds: number[];
  };
  const fernbrook = String(folderIds[0]);
  // Connected while the partner is an Adviser in both (only Standard and Adviser users may connect apps) ...
  const popup = await extensionPage(context);
  await connectThroughConsent(context, popup, 'xero', { signedInAs: PARTNER, organisations: [NORTHWIND, FERNBROOK] });
  // ... then the partner's role changes in each organisation, differently.
  await api.role({ provider: 'xero', email: PARTNER, role: 'INVOICEONLY', organisation: NORTHWIND });
  await api.role({ provider: 'xero', email: PARTNER, role: 'MANAGEDCLIENT', organisation: FERNBROOK });
  const xero = (await checkProviders(popup)).find((s) => s.provider === 'xero')!;
  expect(xero.organisations?.map((o) => [o.name, o.roleLabel])).toEqual([
    [NORTHWIND, 'Invoice only'],
    [FERNBROOK, 'Managed client'],
  ]);
  // Xero was asked for read scopes only.
  const authorize = (await api.log({ service: 'xero', event: 'oauth.authorize' })).filter(
    (e) => e.client === CLIENT_ID,
  );
  const scopes = new Set(authorize.flatMap((e) => (e.detail?.scopes as string[]) ?? []));
  expect([...scopes].filter((s) => s.startsWith('accounting.'))).toEqual(['accounting.settings.read']);

  // A document refused with Forbidden access at Fernbrook (exported as Awaiting Payment by a Managed client).
  const folder = new FolderPage(page, sandbox.url);
  const fernbrookDoc = `${Number(fernbrook) * 10 + 2}`;
  await page.goto(`${sandbox.url}/en/folders/${fernbrook}/documents/${fernbrookDoc}`);
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(page.getByText(/^Forbidden access/).first()).toBeVisible();

  const verdictFor = async (folderId: string, documentId: string) => {
    await visit(page, sandbox.url, folderId); // the folder page names its organisation
    await page.goto(`${sandbox.url}/en/folders/${folderId}/documents/${documentId}`);
    await folder.fix.getByRole('button', { name: 'Run draft-status test' }).click();
    await folder.panelButton('Export as Draft');
    await folder.expectOutcome('Draft worked: the connection is fine');
    // The panel's words (in its shadow root, which Playwright's text assertions read).
    return folder.panel;
  };
  const northwindDoc = (await api.state()).documents.find(
    (d) => d.folderId === '201' && d.state === 'export-failed' && d.approvalStatus !== 'Draft',
  )!;
  const northwind = await verdictFor('201', northwindDoc.id);
  await expect(northwind).toContainText(`has the role Invoice only in “${NORTHWIND}”, which can’t approve bills`);
  await expect(northwind).not.toContainText(FERNBROOK);
  const dental = await verdictFor(fernbrook, fernbrookDoc);
  await expect(dental).toContainText(`has the role Managed client in “${FERNBROOK}”, which can’t approve bills`);
  await expect(dental).not.toContainText(NORTHWIND);

  // The popup's provider section answers per organisation, per approval status.
  const shown = await openPopup(context, popup.url().split('/')[2]!);
  await shown.getByText('Provider connections').first().click();
  const orgs = shown.getByRole('list', { name: 'Xero organisations' });
  await expect(orgs.getByRole('listitem').filter({ hasText: NORTHWIND })).toContainText(
    'Can export bills as Draft: yes · Awaiting Approval: no · Awaiting Payment: no',
  );
});

test('a draft export refused for another reason: Datamolino’s words, no reconnect advice; the status put back', async ({
  page,
  sandbox,
}) => {
  const api = new SandboxApi(sandbox.url);
  const doc = (await api.state()).documents.find(
    (d) => d.folderId === '201' && d.state === 'export-failed' && d.approvalStatus === 'Awaiting Payment',
  )!;
  const folder = new FolderPage(page, sandbox.url);
  await page.goto(`${sandbox.url}/en/folders/201/documents/${doc.id}`);
  await folder.fix.getByRole('button', { name: 'Run draft-status test' }).click();
  await expect(folder.panel.getByRole('status')).toContainText('You can put it back afterwards');
  // Xero refuses the bill itself this time: an archived account code.
  await api.post('fault', { provider: 'xero', pathIncludes: 'Invoices', kind: 'validation', count: 1 });
  await folder.panelButton('Export as Draft');
  await folder.expectOutcome('Export failed for another reason');
  const panel = folder.panel;
  await expect(panel).toContainText("Account code '429' has been archived");
  await expect(panel).toContainText('reconnecting will not help');
  await expect(panel.getByRole('button', { name: /Reconnect/ })).toHaveCount(0);
  await expect(panel).toContainText('it was Awaiting Payment');
  let now = (await api.state()).documents.find((d) => d.id === doc.id)!;
  expect(now.approvalStatus).toBe('Draft');

  await folder.panelButton('Put the approval status back');
  await folder.expectOutcome('Approval status is Awaiting Payment again');
  now = (await api.state()).documents.find((d) => d.id === doc.id)!;
  expect(now.approvalStatus).toBe('Awaiting Payment');
  // One change there and one back, on that document only.
  const changes = await api.log({ event: 'document.approval-status' });
  expect(changes.map((e) => [(e.detail as { documentId: number }).documentId, e.detail?.status])).toEqual([
    [Number(doc.id), 'Draft'],
    [Number(doc.id), 'Awaiting Payment'],
  ]);
});

test('a folder page that names no provider: Reconnect stops before Disconnect', async ({
  context,
  page,
  sandbox,
  extensionId,
}) => {
  const api = new SandboxApi(sandbox.url);
  await api.variant('202', 'provider-unnamed');
  await visit(page, sandbox.url, '202');
  const popup = await openPopup(context, extensionId);
  await popup
    .getByRole('listitem', { name: 'Northwind Traders – Second Entity', exact: true })
    .getByRole('button', { name: 'Reconnect…' })
    .click();
  const card = popup.getByRole('region', { name: 'Reconnect · Northwind Traders – Second Entity' });
  await expect(card.getByRole('status')).toHaveText('Which accounting software?', { timeout: 30_000 });
  await expect(card).toContainText('did not disconnect it');
  await expect(card).toContainText('Nothing was changed.');
  await popup.waitForTimeout(500);
  expect(await api.log({ event: 'folder.disconnect' })).toHaveLength(0);
});

test('Disconnect asking in words it does not know: nothing confirmed, the folder stays connected', async ({
  page,
  sandbox,
}) => {
  const api = new SandboxApi(sandbox.url);
  await api.expire('201', 'revoked');
  await api.variant('201', 'unfamiliar-disconnect');
  const folder = new FolderPage(page, sandbox.url);
  await folder.open('201');
  await folder.fix.getByRole('button', { name: /^Fix/ }).click();
  await folder.expectOutcome('Refresh was not enough');
  await folder.panelButton('Reconnect…');
  await folder.panelButton('Reconnect');
  await folder.expectOutcome('Datamolino showed a page Connection Doctor does not know');
  await expect(page.getByRole('heading', { name: /^Remove the link between/ })).toBeVisible();
  expect(await api.log({ event: 'folder.disconnect' })).toHaveLength(0);
  const state = await api.state();
  expect(state.folders.find((f) => f.id === '201')?.connection).not.toBe('disconnected');
});

test('consent not given after Disconnect: the ending says the folder is disconnected and how to finish', async ({
  page,
  sandbox,
}) => {
  const api = new SandboxApi(sandbox.url);
  await api.expire('201', 'revoked');
  const folder = new FolderPage(page, sandbox.url);
  await folder.open('201');
  await folder.fix.getByRole('button', { name: /^Fix/ }).click();
  await folder.expectOutcome('Refresh was not enough');
  await folder.panelButton('Reconnect…');
  await folder.panelButton('Reconnect');
  // At Xero's consent page, the user cancels.
  const cancel = page.getByRole('main').getByRole('button', { name: 'Cancel' });
  await cancel.waitFor({ timeout: 30_000 });
  await cancel.click();
  await expect(folder.panel.getByRole('status')).not.toHaveText(/Approve access/, { timeout: 30_000 });
  await folder.expectOutcome(/access was not approved|Cancelled|did not respond/);
  await expect(folder.panel).toContainText('Done so far: disconnected the folder from Xero');
  await expect(folder.panel).toContainText('Not reconnected: finish with Folder Menu → Connect to Xero');
  await expect(folder.panel).not.toContainText('Stopped before changing anything');
  await expect(folder.panel.getByRole('button', { name: 'Reconnect…' })).toBeVisible();
  expect(await api.log({ event: 'folder.disconnect' })).toHaveLength(1);
});

test('FreeAgent asks Accountant/Practice or Company, pre-selected; the choice is what Datamolino is told', async ({
  page,
  sandbox,
}) => {
  const api = new SandboxApi(sandbox.url);
  await api.expire('204', 'revoked');
  const folder = new FolderPage(page, sandbox.url);
  await folder.open('204');
  await folder.fix.getByRole('button', { name: /^Fix/ }).click();
  await folder.expectOutcome('Refresh was not enough');
  await folder.panelButton('Reconnect…');
  const choice = folder.panel.getByRole('group', { name: 'Connect to FreeAgent as' });
  // A practice's folder: Accountant/Practice is pre-selected.
  await expect(choice.getByRole('radio', { name: /^Accountant\/Practice/ })).toBeChecked();
  await choice.getByRole('radio', { name: /^Company/ }).check();
  await folder.panelButton('Reconnect');
  const approve = page.getByRole('button', { name: 'Approve' });
  await approve.waitFor({ timeout: 30_000 });
  await approve.click();
  await folder.expectOutcome('Reconnected to FreeAgent', 60_000);
  // Connect to FreeAgent (Datamolino then asks how), then the choice: Company, as the user picked.
  const starts = await api.log({ event: 'folder.connect.start' });
  expect(starts.map((e) => [e.detail?.provider, e.detail?.mode])).toEqual([
    ['freeagent', undefined],
    ['freeagent', 'company'],
  ]);
});

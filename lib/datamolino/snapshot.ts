/**
 * What a Datamolino page shows, as plain data: the content script reads it (lib/datamolino/read-page.ts), the fix
 * flows decide from it (lib/fix/). Also the page actions a flow asks for and their results. Nothing here touches the
 * DOM.
 */
import * as z from 'zod/mini';
import { ApprovalStatusSchema, ProviderIdSchema, ProviderNameSchema } from '../schemas';
import { MenuInspection } from './menu-inspection';
import type { PAGE_ACTION_OPS } from './page-action-ops';

export { MenuInspection };

export const PageKind = z.enum([
  'folder', // a folder's own page with its document list
  'connect-screen', // a folder page showing "Connect your accounting" (no connection)
  'connect-choice', // FreeAgent: "Connect as Accountant/Practice" or "Connect as Company"
  'disconnect-confirm', // a confirmation before Disconnect
  'document',
  'dashboard',
  'other',
]);
export type PageKind = z.infer<typeof PageKind>;

const id = z.string().check(z.maxLength(64));
const text = z.string().check(z.maxLength(2000));

export const DashboardFolder = z.object({
  folderId: id,
  url: z.string().check(z.maxLength(2000)),
  name: text,
  account: z.optional(text),
  business: z.optional(z.boolean()),
  provider: ProviderNameSchema,
  expired: z.boolean(),
});
export type DashboardFolder = z.infer<typeof DashboardFolder>;

export const PageSnapshot = z.object({
  /** Random per page load: a new value means the page was (re)loaded. */
  loadId: z.string().check(z.maxLength(64)),
  url: z.string().check(z.maxLength(2000)),
  origin: z.string().check(z.maxLength(200)),
  kind: PageKind,
  folderId: z.optional(id),
  folderName: z.optional(text),
  provider: ProviderNameSchema,
  /** The expired banner is shown. */
  expired: z.boolean(),
  /** The page's status script has finished (banner and sync line are final for this load). */
  statusLoaded: z.boolean(),
  /**
   * How this page load came about (the Navigation Timing type): 'reload' is the user's F5, after which an earlier
   * click may have been lost; a form's answer is a 'navigate'. Set by the content script.
   */
  navigation: z.optional(z.enum(['navigate', 'reload', 'back_forward', 'prerender'])),
  /** "We couldn't refresh the connection …" is shown. */
  refreshFailed: z.boolean(),
  sync: z.enum(['syncing', 'synced', 'unknown']),
  /** Folder Menu present; and which of its items exist (read without opening it where the page allows). */
  folderMenu: z.boolean(),
  /** The tab currently shown, e.g. "Export Failed". */
  activeTab: z.optional(text),
  /** The tab shown is Export Failed: its list is every document of the folder whose export failed. */
  exportFailedTab: z.boolean(),
  /** Documents listed on this page with a Forbidden-access error. */
  forbiddenDocuments: z.array(id).check(z.maxLength(10_000)),
  /**
   * Links to the documents this page shows a problem for (id → URL), so a flow can open them without guessing URL
   * patterns. Not every document link: a folder page may list thousands.
   */
  documentUrls: z.record(id, z.string().check(z.maxLength(2000))),
  /** Link to the folder's own page, when the page has one (breadcrumb, header). */
  folderUrl: z.optional(z.string().check(z.maxLength(2000))),
  /** Last successful export mentioned on the page (ISO), if any. */
  lastExportSeen: z.optional(z.string().check(z.maxLength(64))),
  document: z.optional(
    z.object({
      id,
      errorText: z.optional(text),
      forbidden: z.boolean(),
      approvalStatus: z.optional(ApprovalStatusSchema),
      exported: z.boolean(),
      exportedAs: z.optional(text),
      canExport: z.boolean(),
      canDismiss: z.boolean(),
    }),
  ),
  dashboard: z.optional(z.array(DashboardFolder).check(z.maxLength(5000))),
  /** Business plan: folders share one connection (reconnecting one realigns the others). */
  business: z.optional(z.boolean()),
  /** The provider organisation the folder's page says it is connected to ("Connected to …"), when it says. */
  organisation: z.optional(text),
  /** The page's language (BCP-47 primary subtag: "en", "sk"), as it declares it or its texts show; absent if unknown. */
  language: z.optional(z.string().check(z.regex(/^[a-z]{2,8}$/))),
  /**
   * A folder's own page that did not look like what the extension knows: why, in plain words. On a folder or document
   * page in a language the extension does not read, it begins "language:".
   */
  unrecognised: z.optional(z.string().check(z.maxLength(500))),
});
export type PageSnapshot = z.infer<typeof PageSnapshot>;

/** One page action the background asks the content script to do. */
export const PageAction = z.discriminatedUnion('op', [
  z.object({ op: z.literal('navigate'), url: z.string().check(z.maxLength(2000)) }),
  z.object({ op: z.literal('menu'), item: z.enum(['refresh', 'disconnect']) }),
  /** Opens Folder Menu and reports which items exist, then closes it: nothing is clicked. */
  z.object({ op: z.literal('inspect-menu') }),
  z.object({ op: z.literal('connect'), provider: ProviderIdSchema }),
  z.object({ op: z.literal('connect-as'), as: z.enum(['practice', 'company']) }),
  z.object({ op: z.literal('confirm-disconnect') }),
  z.object({ op: z.literal('open-tab'), tab: z.enum(['export-failed']) }),
  z.object({ op: z.literal('set-approval'), value: ApprovalStatusSchema }),
  z.object({ op: z.literal('dismiss') }),
  z.object({ op: z.literal('export') }),
]);
export type PageAction = z.infer<typeof PageAction>;
/** The content script checks an action's op against PAGE_ACTION_OPS (it carries no zod): the lists must agree. */
export const PAGE_ACTION_OPS_AGREE: [PageAction['op'], PageActionOp] extends [PageActionOp, PageAction['op']]
  ? true
  : never = true;
type PageActionOp = (typeof PAGE_ACTION_OPS)[number];

/** Where a changing page action may be done: the page the flow is about. The page checks it before acting. */
export const ActionTarget = z.object({ origin: z.string(), folderId: id, documentId: z.optional(id) });
export type ActionTarget = z.infer<typeof ActionTarget>;

export const ActionResult = z.object({
  ok: z.boolean(),
  /** The page load that handled the action (it may be newer than the one the action was chosen on). */
  loadId: z.optional(z.string().check(z.maxLength(64))),
  /** Why it could not act, in plain words (a control was missing, …). Nothing was clicked when ok is false. */
  error: z.optional(z.string().check(z.maxLength(500))),
  menu: z.optional(MenuInspection),
  /** The page is not the action's target (another folder or document): nothing was done. */
  elsewhere: z.optional(z.boolean()),
  /** Connection Doctor's own script in the tab could not act (its page actions did not load): nothing was done. */
  unable: z.optional(z.boolean()),
});
export type ActionResult = z.infer<typeof ActionResult>;

/**
 * What the content script checks before it acts on a page: how the load came about, whether the page is the one an
 * action is for, and whether a request from the background is one it knows.
 */

import { PAGE_ACTION_OPS } from '../datamolino/page-action-ops';
import { documentIdFromUrl, folderIdFromUrl } from '../datamolino/urls';
import type { Flow } from '../fix/flow';
import { t } from '../i18n';
import type { ContentRequest } from '../messages';

/** How this page load came about: a reload (F5) may have cut off an earlier click. */
export function navigationType(): 'navigate' | 'reload' | 'back_forward' | 'prerender' | undefined {
  const entry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  const type = entry?.type;
  return type === 'navigate' || type === 'reload' || type === 'back_forward' || type === 'prerender' ? type : undefined;
}

/** Is this page the one a changing action is for? */
export function isTarget(target: { origin: string; folderId: string; documentId?: string }): boolean {
  return (
    location.origin === target.origin &&
    folderIdFromUrl(location.href) === target.folderId &&
    documentIdFromUrl(location.href) === target.documentId
  );
}

/**
 * What the background asks of this page is checked against the protocol before it is acted on: the message types are
 * those the handlers below answer (lib/messaging.ts refuses any other); an action's op must be one this script
 * knows; a flow must look like one. (The background checks its own side with zod; this script carries none.)
 */
export function refusalOf(request: ContentRequest): string | undefined {
  if (request.type === 'runAction') {
    const op = (request.action as { op?: unknown } | undefined)?.op;
    if (typeof request.flowId !== 'string' || !(PAGE_ACTION_OPS as readonly unknown[]).includes(op))
      return t('pageRefusals.unknownAction');
  }
  if (request.type === 'flowChanged' && request.flow !== null) {
    const flow = request.flow as Partial<Flow> | undefined;
    if (typeof flow?.id !== 'string' || !Array.isArray(flow.steps) || typeof flow.status !== 'string')
      return t('pageRefusals.notAFlow');
  }
  return undefined;
}

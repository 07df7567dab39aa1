/**
 * Injected by the background into a Datamolino tab the first time its page shows the progress panel or runs a page
 * action (lib/content/flow-ui.ts says why): leaves the panel and the page actions where the content script finds
 * them, in the same isolated world.
 */
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { FlowPanel } from '@/lib/content/flow-panel';
import { FLOW_UI_GLOBAL, type FlowUi } from '@/lib/content/flow-ui';
import { prepareAction } from '@/lib/datamolino/page-actions';

export default defineUnlistedScript(() => {
  const ui: FlowUi = { FlowPanel, prepareAction };
  (globalThis as Record<string, unknown>)[FLOW_UI_GLOBAL] ??= ui;
});

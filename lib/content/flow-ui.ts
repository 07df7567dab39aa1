/**
 * The flow UI (the progress panel, lib/content/flow-panel.ts) and the page actions (lib/datamolino/page-actions.ts)
 * are not part of the content script that runs on every Datamolino page: the background injects them into the tab
 * (entrypoints/flow-ui.ts, into this script's own isolated world) the first time the page needs them — a fix starts
 * or a notice is shown. The content script stays within its 16 KiB budget; pages where nothing goes wrong never load
 * them.
 */

import type { prepareAction } from '../datamolino/page-actions';
import type { Flow } from '../fix/flow';
import { t } from '../i18n';
import { ask } from '../messaging';
import type { FlowPanel, Notice, PanelHandlers } from './flow-panel';

export { PANEL_TAG } from './tags';

/** Where the injected script leaves its exports: a property of this isolated world, which the page cannot reach. */
export const FLOW_UI_GLOBAL = '__connectionDoctorFlowUi';

export interface FlowUi {
  FlowPanel: typeof FlowPanel;
  prepareAction: typeof prepareAction;
}

const loaded = () => (globalThis as Record<string, unknown>)[FLOW_UI_GLOBAL] as FlowUi | undefined;
let loading: Promise<FlowUi> | undefined;

/** The flow UI, injected by the background on first use. */
export function loadFlowUi(): Promise<FlowUi> {
  const ui = loaded();
  if (ui) return Promise.resolve(ui);
  loading ??= ask('loadFlowUi', {}).then(
    () => {
      const injected = loaded();
      if (!injected) throw new Error(t('pageRefusals.flowUiMissing'));
      return injected;
    },
    (error: Error) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/**
 * The panel as watch.ts uses it: created when first shown; calls keep their order while it loads. When it cannot load
 * (the extension was updated or turned off since the page loaded, the tab refused the script), a flow it should show
 * is handed to `cannotShow` once, so the user still hears of it.
 */
export class LazyPanel {
  private panel: FlowPanel | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly told = new Set<string>();

  constructor(
    private readonly handlers: PanelHandlers,
    private readonly cannotShow: (flow: Flow, error: Error) => void = () => {},
  ) {}

  private run(action: (panel: FlowPanel) => void, fallback?: (error: Error) => void) {
    this.queue = this.queue
      .then(() => loadFlowUi())
      .then((ui) => {
        this.panel ??= new ui.FlowPanel(this.handlers);
        action(this.panel);
      })
      .catch((error: Error) => {
        console.warn('Connection Doctor:', error.message);
        fallback?.(error);
      });
  }

  notice(notice: Notice) {
    // Without the panel (the extension was updated or turned off since this page loaded), the words still reach the
    // user who clicked.
    this.run(
      (panel) => panel.notice(notice),
      () => window.alert(`${notice.title}\n\n${notice.detail}`),
    );
  }

  render(flow: Flow) {
    this.run(
      (panel) => panel.render(flow),
      (error) => {
        if (this.told.has(flow.id)) return;
        this.told.add(flow.id);
        this.cannotShow(flow, error);
      },
    );
  }

  remove() {
    if (!this.panel && !loading) return;
    this.run((panel) => panel.remove());
  }
}

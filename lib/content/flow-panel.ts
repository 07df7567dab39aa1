/**
 * The floating progress panel of a running fix (bottom right of the page): step by step, the question when the
 * flow needs the user (confirm, consent), and the ending with what to do next.
 */
import type { Flow } from '../fix/flow';
import type { FlowKind } from '../model';

export const PANEL_TAG = 'connection-doctor-panel';

const CSS = `
:host { all: initial; position: fixed; right: 16px; bottom: 16px; z-index: 2147483647; width: 360px;
  font: 13px/1.45 system-ui, sans-serif; color: #1b1b1b; }
.panel { background: #fff; border: 1px solid #c9ced6; border-radius: 8px; box-shadow: 0 6px 24px rgba(0,0,0,.18); padding: 12px 14px; }
h2 { font-size: 14px; margin: 0 0 6px; }
ol { margin: 6px 0; padding-left: 20px; }
li.done { color: #2e7d32; } li.active { font-weight: 600; } li.failed { color: #c62828; }
li.done::marker { content: '✓ '; } li.failed::marker { content: '✗ '; }
.msg { margin: 6px 0; }
.actions { display: flex; gap: 8px; flex-wrap: wrap; margin-top: 8px; }
button { font: inherit; padding: 4px 12px; border-radius: 4px; border: 1px solid #1f5fbf; background: #1f5fbf; color: #fff; cursor: pointer; }
button.secondary { background: transparent; color: #1f5fbf; }
button:focus-visible { outline: 3px solid #8ab4ff; outline-offset: 2px; }
.ok { color: #2e7d32; } .bad { color: #c62828; }
@media (prefers-color-scheme: dark) {
  .panel { background: #1e1f22; border-color: #444; color: #eee; } button.secondary { color: #8ab4ff; border-color: #8ab4ff; }
}
`;

const NEXT_LABEL: Record<FlowKind, string> = {
  fix: 'Fix',
  refresh: 'Refresh',
  reconnect: 'Reconnect…',
  'retry-exports': 'Retry failed exports',
  'draft-test': 'Run the draft-status test',
};

export interface PanelHandlers {
  answer(flowId: string, answer: 'confirm' | 'cancel'): void;
  start(flow: FlowKind): void;
  close(flowId: string): void;
}

export class FlowPanel {
  readonly host: HTMLElement;
  private readonly root: ShadowRoot;

  constructor(private readonly handlers: PanelHandlers) {
    this.host = document.createElement(PANEL_TAG);
    this.root = this.host.attachShadow({ mode: 'open' });
  }

  render(flow: Flow) {
    const h = (tag: string, props: Record<string, string> = {}, ...children: (Node | string)[]) => {
      const el = document.createElement(tag);
      for (const [k, v] of Object.entries(props)) el.setAttribute(k, v);
      el.append(...children);
      return el;
    };
    const button = (label: string, onClick: () => void, secondary = false) => {
      const b = h('button', { type: 'button', ...(secondary ? { class: 'secondary' } : {}) }, label);
      b.addEventListener('click', (e) => e.isTrusted && onClick());
      return b;
    };
    const style = h('style');
    style.textContent = CSS;
    const panel = h('section', { class: 'panel', role: 'region', 'aria-label': 'Connection Doctor' });
    panel.append(h('h2', {}, `Connection Doctor · ${flow.folderName}`));
    panel.append(
      h('ol', {}, ...flow.steps.map((s) => h('li', { class: s.state }, s.label + (s.state === 'active' ? ' …' : '')))),
    );
    const live = h('p', { class: 'msg', role: 'status', 'aria-live': 'polite' });
    const actions = h('div', { class: 'actions' });
    if (flow.outcome) {
      live.append(h('strong', { class: flow.outcome.ok ? 'ok' : 'bad' }, flow.outcome.title));
      panel.append(live, h('p', { class: 'msg' }, flow.outcome.detail));
      if (flow.outcome.manualSteps?.length)
        panel.append(h('ol', { 'aria-label': 'Manual steps' }, ...flow.outcome.manualSteps.map((s) => h('li', {}, s))));
      for (const next of flow.outcome.next) actions.append(button(NEXT_LABEL[next], () => this.handlers.start(next)));
      actions.append(button('Close', () => this.handlers.close(flow.id), true));
    } else {
      live.textContent = flow.message;
      panel.append(live);
      if (flow.waitingFor === 'confirm') {
        const yes = flow.kind === 'draft-test' ? 'Export as Draft' : 'Reconnect';
        actions.append(button(yes, () => this.handlers.answer(flow.id, 'confirm')));
      }
      actions.append(button('Cancel', () => this.handlers.answer(flow.id, 'cancel'), true));
    }
    panel.append(actions);
    this.root.replaceChildren(style, panel);
    if (!this.host.isConnected) document.body.append(this.host);
  }

  remove() {
    this.host.remove();
  }
}

/**
 * The floating progress panel of a running fix (bottom right of the page): step by step, the question when the
 * flow needs the user (confirm, consent), and the ending with what to do next.
 */
import type { Flow } from '../fix/flow';
import type { MessageKey } from '../i18n';
import type { FlowKind } from '../model';
import { PANEL_TAG } from './tags';
import { say } from './words';

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
fieldset.choice { border: 0; margin: 6px 0; padding: 0; } fieldset.choice label { display: block; margin: 2px 0; }
legend { font-weight: 600; padding: 0; }
@media (prefers-color-scheme: dark) {
  .panel { background: #1e1f22; border-color: #444; color: #eee; } button.secondary { color: #8ab4ff; border-color: #8ab4ff; }
}
`;

/** The button of each flow an ending offers next. */
const NEXT_LABEL = {
  fix: 'pagePanel.next.fix',
  refresh: 'pagePanel.next.refresh',
  reconnect: 'pagePanel.next.reconnect',
  'retry-exports': 'pagePanel.next.retryExports',
  'draft-test': 'pagePanel.next.draftTest',
  'restore-approval': 'pagePanel.next.restoreApproval',
} as const satisfies Record<FlowKind, MessageKey>;

/** FreeAgent asks how to connect; the reconnect's confirmation carries the user's choice. */
export type ConnectAs = 'practice' | 'company';
const CONNECT_AS = [
  ['practice', 'pagePanel.connectAsPractice'],
  ['company', 'pagePanel.connectAsCompany'],
] as const satisfies [ConnectAs, MessageKey][];

export interface PanelHandlers {
  answer(flowId: string, answer: 'confirm' | 'cancel', connectAs?: ConnectAs): void;
  start(flow: FlowKind): void;
  close(flowId: string): void;
  /** Puts the page's redacted report on the clipboard; resolves to what to tell the user. */
  copyReport(): Promise<string>;
}

/** Something the panel says without a flow: a Fix that could not start, a page it cannot read. */
export interface Notice {
  title: string;
  detail: string;
  manualSteps?: string[];
  /** Offer "Copy page report" (the page was not what Connection Doctor knows). */
  report?: boolean;
}

export class FlowPanel {
  readonly host: HTMLElement;
  private readonly root: ShadowRoot;
  /** FreeAgent's "Connect as" the user picked, by flow: kept across re-renders until they answer. */
  private readonly connectAs = new Map<string, ConnectAs>();

  constructor(private readonly handlers: PanelHandlers) {
    this.host = document.createElement(PANEL_TAG);
    this.root = this.host.attachShadow({ mode: 'open' });
  }

  /** Says something without a flow (closed with Close, nothing else to do here). */
  notice(notice: Notice) {
    const { h, button } = this.builders();
    const panel = h('section', { class: 'panel', role: 'region', 'aria-label': say('pagePanel.title') });
    panel.append(h('h2', {}, say('pagePanel.title')));
    const live = h(
      'p',
      { class: 'msg', role: 'status', 'aria-live': 'polite' },
      h('strong', { class: 'bad' }, notice.title),
    );
    panel.append(live, h('p', { class: 'msg' }, notice.detail));
    if (notice.manualSteps?.length)
      panel.append(
        h('ol', { 'aria-label': say('pagePanel.manualSteps') }, ...notice.manualSteps.map((s) => h('li', {}, s))),
      );
    const actions = h('div', { class: 'actions' });
    if (notice.report) actions.append(this.reportButton(panel));
    actions.append(button(say('pagePanel.close'), () => this.remove(), true));
    panel.append(actions);
    this.show(panel);
  }

  private builders() {
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
    return { h, button };
  }

  /** "Copy page report", with its result said next to it. */
  private reportButton(panel: HTMLElement): HTMLElement {
    const { h, button } = this.builders();
    const said = h('p', { class: 'msg', role: 'status' });
    const b = button(
      say('pagePanel.copyReport'),
      () =>
        void this.handlers.copyReport().then((text) => {
          said.textContent = text;
          if (!said.isConnected) panel.append(said);
        }),
      true,
    );
    return b;
  }

  private show(panel: HTMLElement) {
    const style = document.createElement('style');
    style.textContent = CSS;
    this.root.replaceChildren(style, panel);
    if (!this.host.isConnected) document.body.append(this.host);
  }

  render(flow: Flow) {
    const { h, button } = this.builders();
    const panel = h('section', { class: 'panel', role: 'region', 'aria-label': say('pagePanel.title') });
    panel.append(h('h2', {}, say('pagePanel.flowTitle', { folder: flow.folderName })));
    panel.append(
      h(
        'ol',
        {},
        ...flow.steps.map((s) =>
          h('li', { class: s.state }, s.state === 'active' ? say('pagePanel.activeStep', { step: s.label }) : s.label),
        ),
      ),
    );
    const live = h('p', { class: 'msg', role: 'status', 'aria-live': 'polite' });
    const actions = h('div', { class: 'actions' });
    if (flow.outcome) {
      live.append(h('strong', { class: flow.outcome.ok ? 'ok' : 'bad' }, flow.outcome.title));
      panel.append(live, h('p', { class: 'msg' }, flow.outcome.detail));
      if (flow.outcome.manualSteps?.length)
        panel.append(
          h(
            'ol',
            { 'aria-label': say('pagePanel.manualSteps') },
            ...flow.outcome.manualSteps.map((s) => h('li', {}, s)),
          ),
        );
      for (const next of flow.outcome.next)
        actions.append(button(say(NEXT_LABEL[next]), () => this.handlers.start(next)));
      // A fix that stopped on a page it did not expect: the page's structure helps whoever looks into it.
      if (!flow.outcome.ok && flow.status === 'failed') actions.append(this.reportButton(panel));
      actions.append(button(say('pagePanel.close'), () => this.handlers.close(flow.id), true));
    } else {
      live.textContent = flow.message;
      panel.append(live);
      if (flow.waitingFor === 'confirm') {
        const yes = say(flow.kind === 'draft-test' ? 'pagePanel.exportAsDraft' : 'pagePanel.reconnect');
        const asks = flow.kind === 'reconnect' && flow.provider === 'freeagent';
        if (asks) {
          const chosen = this.connectAs.get(flow.id) ?? flow.ctx.connectAs ?? 'practice';
          const choice = h('fieldset', { class: 'choice' }, h('legend', {}, say('pagePanel.connectAs')));
          for (const [value, label] of CONNECT_AS) {
            const input = h('input', { type: 'radio', name: 'connect-as', value }) as HTMLInputElement;
            input.checked = value === chosen;
            input.addEventListener('change', (e) => {
              if (e.isTrusted && input.checked) this.connectAs.set(flow.id, value);
            });
            choice.append(h('label', {}, input, ` ${say(label)}`));
          }
          panel.append(choice);
        }
        actions.append(
          button(yes, () =>
            this.handlers.answer(
              flow.id,
              'confirm',
              asks ? (this.connectAs.get(flow.id) ?? flow.ctx.connectAs ?? 'practice') : undefined,
            ),
          ),
        );
      }
      actions.append(button(say('pagePanel.cancel'), () => this.handlers.answer(flow.id, 'cancel'), true));
    }
    panel.append(actions);
    this.show(panel);
  }

  remove() {
    this.host.remove();
  }
}

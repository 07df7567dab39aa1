/**
 * One fix flow as the popup shows it: live step progress, the question when it needs the user (confirm, consent at
 * the provider), and the ending with the next step to take.
 */
import { browser } from 'wxt/browser';
import type { Flow } from '@/lib/fix/flow';
import { type FlowKind, isActive, PROVIDER_LABEL } from '@/lib/model';
import { FLOW_LABEL, START_LABEL } from './format';

const STEP_MARK = { pending: '○', active: '…', done: '✓', failed: '✗' } as const;
const STEP_STATE = { pending: 'to do', active: 'in progress', done: 'done', failed: 'failed' } as const;

export interface FlowActions {
  answer(flow: Flow, answer: 'confirm' | 'cancel'): void;
  start(flow: Flow, next: FlowKind): void;
  close(flow: Flow): void;
}

/** Brings the flow's tab (where the page or the provider's consent page is) to the front. */
export async function showTab(tabId: number) {
  const tab = await browser.tabs.update(tabId, { active: true });
  if (tab?.windowId !== undefined) await browser.windows.update(tab.windowId, { focused: true }).catch(() => {});
}

export function FlowCard({ flow, actions }: { flow: Flow; actions: FlowActions }) {
  const headingId = `flow-${flow.id}`;
  const active = isActive(flow);
  const provider = PROVIDER_LABEL[flow.provider];
  return (
    <section class={`flow-card ${flow.status}`} aria-labelledby={headingId}>
      <h3 id={headingId}>
        {FLOW_LABEL[flow.kind]} · {flow.folderName}
      </h3>
      <ol class="steps" aria-label="Steps">
        {flow.steps.map((s) => (
          <li key={s.id} class={s.state} aria-current={s.state === 'active' ? 'step' : undefined}>
            <span aria-hidden="true" class="mark">
              {STEP_MARK[s.state]}
            </span>{' '}
            {s.label}
            <span class="visually-hidden"> ({STEP_STATE[s.state]})</span>
          </li>
        ))}
      </ol>
      <p class="flow-message" role="status">
        {flow.outcome ? (
          <strong class={flow.outcome.ok ? 'ok' : 'bad'}>{flow.outcome.title}</strong>
        ) : flow.waitingFor === 'consent' ? (
          // The flow's own words speak from inside the tab ("in this tab"); here the tab is elsewhere.
          `Approve access at ${provider} in the folder’s tab (Show tab); the fix goes on when you are back.`
        ) : (
          flow.message
        )}
      </p>
      {flow.outcome && <p class="detail">{flow.outcome.detail}</p>}
      {flow.outcome?.manualSteps?.length ? (
        <ol class="manual" aria-label="Manual steps">
          {flow.outcome.manualSteps.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ol>
      ) : null}
      <div class="actions">
        {active && flow.waitingFor === 'confirm' && (
          <button type="button" onClick={() => actions.answer(flow, 'confirm')}>
            {flow.kind === 'draft-test' ? 'Export as Draft' : 'Reconnect'}
          </button>
        )}
        {active && (
          <button type="button" class="secondary" onClick={() => void showTab(flow.tabId).catch(() => {})}>
            Show tab
          </button>
        )}
        {active && (
          <button type="button" class="secondary" onClick={() => actions.answer(flow, 'cancel')}>
            Cancel
          </button>
        )}
        {!active &&
          flow.outcome?.next.map((next) => (
            <button type="button" key={next} onClick={() => actions.start(flow, next)}>
              {START_LABEL[next]}
            </button>
          ))}
        {!active && (
          <button type="button" class="secondary" onClick={() => actions.close(flow)}>
            Close
          </button>
        )}
      </div>
    </section>
  );
}

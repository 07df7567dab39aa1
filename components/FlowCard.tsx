/**
 * One fix flow as the popup shows it: live step progress, the question when it needs the user (confirm, consent at
 * the provider), and the ending with the next step to take.
 */
import { useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { Flow } from '@/lib/fix/flow';
import { t } from '@/lib/i18n';
import { type FlowKind, isActive, PROVIDER_LABEL } from '@/lib/model';
import { flowLabel, startLabel } from './format';

const STEP_MARK = { pending: '○', active: '…', done: '✓', failed: '✗' } as const;
const STEP_STATE = {
  pending: 'popupFlow.stepPending',
  active: 'popupFlow.stepActive',
  done: 'popupFlow.stepDone',
  failed: 'popupFlow.stepFailed',
} as const;

type ConnectAs = 'practice' | 'company';

export interface FlowActions {
  answer(flow: Flow, answer: 'confirm' | 'cancel', connectAs?: ConnectAs): void;
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
  // FreeAgent's "Connect as", pre-selected from the folder (its plan, or how it was connected last time).
  const asksConnectAs =
    active && flow.waitingFor === 'confirm' && flow.kind === 'reconnect' && flow.provider === 'freeagent';
  const [connectAs, setConnectAs] = useState<ConnectAs>(flow.ctx.connectAs ?? 'practice');
  return (
    <section class={`flow-card ${flow.status}`} aria-labelledby={headingId}>
      <h3 id={headingId}>
        {flowLabel(flow.kind)} · {flow.folderName}
      </h3>
      <ol class="steps" aria-label={t('popupFlow.steps')}>
        {flow.steps.map((s) => (
          <li key={s.id} class={s.state} aria-current={s.state === 'active' ? 'step' : undefined}>
            <span aria-hidden="true" class="mark">
              {STEP_MARK[s.state]}
            </span>{' '}
            {s.label}
            <span class="visually-hidden"> ({t(STEP_STATE[s.state])})</span>
          </li>
        ))}
      </ol>
      <p class="flow-message" role="status">
        {flow.outcome ? (
          <strong class={flow.outcome.ok ? 'ok' : 'bad'}>{flow.outcome.title}</strong>
        ) : flow.waitingFor === 'consent' ? (
          // The flow's own words speak from inside the tab ("in this tab"); here the tab is elsewhere.
          t('popupFlow.approveInTab', { provider })
        ) : (
          flow.message
        )}
      </p>
      {flow.outcome && <p class="detail">{flow.outcome.detail}</p>}
      {flow.outcome?.manualSteps?.length ? (
        <ol class="manual" aria-label={t('popupFlow.manualSteps')}>
          {flow.outcome.manualSteps.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ol>
      ) : null}
      <div class="actions">
        {asksConnectAs && (
          <fieldset class="choice">
            <legend>{t('popupFlow.connectAs', { provider })}</legend>
            {(
              [
                ['practice', t('popupFlow.connectAsPractice')],
                ['company', t('popupFlow.connectAsCompany')],
              ] as const
            ).map(([value, label]) => (
              <label key={value}>
                <input
                  type="radio"
                  name={`connect-as-${flow.id}`}
                  value={value}
                  checked={connectAs === value}
                  onChange={() => setConnectAs(value)}
                />{' '}
                {label}
              </label>
            ))}
          </fieldset>
        )}
        {active && flow.waitingFor === 'confirm' && (
          <button type="button" onClick={() => actions.answer(flow, 'confirm', asksConnectAs ? connectAs : undefined)}>
            {t(flow.kind === 'draft-test' ? 'popupFlow.exportAsDraft' : 'popupFlow.reconnect')}
          </button>
        )}
        {active && (
          <button type="button" class="secondary" onClick={() => void showTab(flow.tabId).catch(() => {})}>
            {t('ui.showTab')}
          </button>
        )}
        {active && (
          <button type="button" class="secondary" onClick={() => actions.answer(flow, 'cancel')}>
            {t('ui.cancel')}
          </button>
        )}
        {!active &&
          flow.outcome?.next.map((next) => (
            <button type="button" key={next} onClick={() => actions.start(flow, next)}>
              {startLabel(next)}
            </button>
          ))}
        {!active && (
          <button type="button" class="secondary" onClick={() => actions.close(flow)}>
            {t('ui.close')}
          </button>
        )}
      </div>
    </section>
  );
}

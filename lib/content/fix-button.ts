/**
 * The inline Fix UI placed next to a problem on the page: `<connection-doctor-fix>` with an open shadow root, so the
 * page's styles don't reach it and ours don't leak. Plain DOM: it must appear within milliseconds of the problem.
 */
import type { Finding } from '../datamolino/findings';
import { PROVIDER_LABEL } from '../model';
import { say } from './words';

export const FIX_TAG = 'connection-doctor-fix';

const CSS = `
:host { all: initial; display: block; margin: 6px 0; font: 13px/1.4 system-ui, sans-serif; color: #1b1b1b; }
.box { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; padding: 6px 10px; border-radius: 6px;
  background: #fff7e6; border: 1px solid #e0a030; }
button { font: inherit; padding: 4px 12px; border-radius: 4px; border: 1px solid #1f5fbf; background: #1f5fbf;
  color: #fff; cursor: pointer; }
button:focus-visible { outline: 3px solid #8ab4ff; outline-offset: 2px; }
button:disabled { opacity: .6; cursor: progress; }
@media (prefers-color-scheme: dark) { .box { background: #3a2a00; border-color: #b07a10; color: #f4f4f4; } }
`;

export function describeFinding(f: Pick<Finding, 'problem' | 'provider'>): { line: string; button: string } {
  const provider = f.provider === 'unknown' ? say('pageFix.anyProvider') : PROVIDER_LABEL[f.provider];
  return f.problem === 'expired'
    ? { line: say('pageFix.expired', { provider }), button: say('pageFix.fixConnection', { provider }) }
    : { line: say('pageFix.refused', { provider }), button: say('pageFix.fixExportError', { provider }) };
}

export interface FixAction {
  label: string;
  run: () => void;
}

/** Creates the element (not yet in the page). The first action is the Fix; others follow it. */
export function createFixElement(f: Finding, onFix: () => void, more: FixAction[] = []): HTMLElement {
  const host = document.createElement(FIX_TAG);
  host.dataset.problem = f.problem;
  host.dataset.provider = f.provider;
  const shadow = host.attachShadow({ mode: 'open' });
  const { line, button } = describeFinding(f);
  const style = document.createElement('style');
  style.textContent = CSS;
  const box = document.createElement('div');
  box.className = 'box';
  const text = document.createElement('span');
  text.textContent = line;
  box.append(text);
  for (const action of [{ label: button, run: onFix }, ...more]) {
    const el = document.createElement('button');
    el.type = 'button';
    el.textContent = action.label;
    el.addEventListener('click', (event) => {
      // Only a real user click acts: the page's scripts cannot synthesise a trusted event.
      if (event.isTrusted) action.run();
    });
    box.append(el);
  }
  shadow.append(style, box);
  return host;
}

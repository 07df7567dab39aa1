/**
 * The popup's code: one classic script with everything it needs, its stylesheet included, loaded by popup.html.
 * One file instead of a module, its shared chunk and a stylesheet: each file an extension page loads is a round trip
 * to the browser process before the first frame (popup.html starts the first storage read before this runs).
 */
import { render } from 'preact';
import { defineUnlistedScript } from '#imports';
import { whenFirstScreenRead } from '@/components/HealthPanel';
import { t } from '@/lib/i18n';
import { App } from './popup/App';
// The popup's stylesheet (it @imports the shared ui.css), as text: added to the page before the first render.
import css from './popup/style.css?inline';

export default defineUnlistedScript(() => {
  document.head.append(Object.assign(document.createElement('style'), { textContent: css }));
  // popup.html has no words of its own: the browser fills __MSG_…__ only in the manifest and CSS, not in pages.
  document.documentElement.lang = t('ui.lang');
  document.title = t('popup.title');
  const root = document.getElementById('app')!;
  whenFirstScreenRead((firstScreen) => render(<App firstScreen={firstScreen} />, root));
});

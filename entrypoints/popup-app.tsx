/**
 * The popup's code: one classic script with everything it needs, its stylesheet included, loaded by popup.html's
 * first script (entrypoints/popup-first-screen.ts), which has already started the first storage read and may be
 * showing the first screen as last drawn. One file instead of a module, its shared chunk and a stylesheet: each file
 * an extension page loads is a round trip to the browser process.
 */
import { render } from 'preact';
import { defineUnlistedScript } from '#imports';
import { popupStyle } from '@/components/first-screen-cache';
import { keepFirstScreen, whenFirstScreenRead } from '@/components/HealthPanel';
import { t } from '@/lib/i18n';
import { App } from './popup/App';
// The popup's stylesheet (it @imports the shared ui.css), as text: added to the page before the first render.
import css from './popup/style.css?inline';

export default defineUnlistedScript(() => {
  popupStyle(css);
  // popup.html has no words of its own: the browser fills __MSG_…__ only in the manifest and CSS, not in pages.
  document.documentElement.lang = t('ui.lang');
  document.title = t('popup.title');
  const root = document.getElementById('app')!;
  whenFirstScreenRead((firstScreen) => {
    // The first screen as last drawn (if popup.html showed it) gives way to the live one, in the same frame.
    const now = new Date();
    root.replaceChildren();
    root.inert = false;
    render(<App firstScreen={firstScreen} />, root);
    keepFirstScreen(firstScreen, root, css, now);
  });
});

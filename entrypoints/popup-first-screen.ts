/**
 * popup.html's one script: starts the popup's first storage read (components/first-screen-read.ts), shows the first
 * screen as last drawn when it still holds (components/first-screen-cache.ts), and loads the popup's own script
 * (entrypoints/popup-app.tsx): at once when there is nothing to show first, else once the page has loaded, so the
 * browser shows the popup with the kept screen before that script's work.
 */
import { defineUnlistedScript } from '#imports';
import { drawnScreen, screenKey, showDrawnScreen } from '@/components/first-screen-cache';
import { startFirstScreenRead } from '@/components/first-screen-read';

function loadApp() {
  document.head.append(Object.assign(document.createElement('script'), { src: '/popup-app.js' }));
}

const afterLoad = (run: () => void) =>
  document.readyState === 'complete' ? setTimeout(run, 0) : addEventListener('load', () => setTimeout(run, 0));

export default defineUnlistedScript(() => {
  const read = startFirstScreenRead();
  const drawn = drawnScreen();
  const root = document.getElementById('app');
  if (!read || !drawn || !root) return loadApp();
  read
    .then((values) => showDrawnScreen(root, drawn, screenKey(values), Date.now()))
    .catch(() => false)
    .then((shown) => (shown ? afterLoad(loadApp) : loadApp()));
});

import { render } from 'preact';
import { type PopupData, readFirstScreen } from '@/components/HealthPanel';
import { App } from './App';
// One stylesheet (it @imports the shared ui.css): one request fewer before the first frame.
import './style.css';

// The first screen (the small health digest, flows and batch) is read before the first render, so the popup's first
// frame lists folders instead of a loading line. Should storage fail or be slow, the panel renders without it: it
// shows "Loading…", reads again itself and shows any error with "Try again".
const root = document.getElementById('app')!;
let rendered = false;
const show = (firstScreen?: PopupData) => {
  if (rendered) return;
  rendered = true;
  render(<App firstScreen={firstScreen} />, root);
};
readFirstScreen().then(show, () => show());
setTimeout(() => show(), 500);

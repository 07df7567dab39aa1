import { render } from 'preact';
import { t } from '@/lib/i18n';
import { App } from './App';
import '@/components/ui.css';
import './style.css';

// options.html has no words of its own: the browser fills __MSG_…__ only in the manifest and CSS, not in pages.
document.documentElement.lang = t('ui.lang');
document.title = t('options.title');
render(<App />, document.getElementById('app')!);

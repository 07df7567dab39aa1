import { render } from 'preact';
import { whenFirstScreenRead } from '@/components/HealthPanel';
import { App } from './App';
// One stylesheet (it @imports the shared ui.css): one request fewer before the first frame.
import './style.css';

const root = document.getElementById('app')!;
whenFirstScreenRead((firstScreen) => render(<App firstScreen={firstScreen} />, root));

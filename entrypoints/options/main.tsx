import { render } from 'preact';

render(<h1>Connection Doctor</h1>, document.getElementById('app')!);

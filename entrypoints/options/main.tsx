import { render } from 'preact';

render(
  <main>
    <h1>Connection Doctor options</h1>
    <p>Provider apps and preferences.</p>
  </main>,
  document.getElementById('app')!,
);

import './app.css';

import { mount, tick } from 'svelte';

import App from './App.svelte';
import { selectBackend } from './lib/backend';

const target = document.getElementById('app');
if (target === null) throw new Error('index.html has no #app element');

void selectBackend().then(async (backend) => {
  mount(App, { target, props: { backend } });
  // The window is created hidden and shown once the mounted page is in the DOM and laid out,
  // so its first frame is the page. Not after a requestAnimationFrame: a hidden WebKit view
  // does not run frame callbacks, so the window would wait for the Rust side's fallback.
  await tick();
  void backend.windowReady();
});

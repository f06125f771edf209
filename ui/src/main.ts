import './app.css';

import { mount } from 'svelte';

import App from './App.svelte';
import { selectBackend } from './lib/backend';

const target = document.getElementById('app');
if (target === null) throw new Error('index.html has no #app element');

void selectBackend().then((backend) => mount(App, { target, props: { backend } }));

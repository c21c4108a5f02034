import { mount } from 'svelte';
import { registerSW } from 'virtual:pwa-register';
import App from './App.svelte';
import './app.css';

mount(App, { target: document.getElementById('app')! });
registerSW({
  immediate: true,
  // A new version (or a worker installed by another tab) must not reload this page: uploads and the
  // analysis loop may be running. The new app shell is used from the next page load on.
  onNeedReload() {},
});

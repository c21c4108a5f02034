import { mount } from 'svelte';
import { registerSW } from 'virtual:pwa-register';
import App from './App.svelte';
import './app.css';

mount(App, { target: document.getElementById('app')! });
registerSW({ immediate: true });

// Which device runs the models, decided by measurement: on first run per device and model set, the
// library's image embedder is timed on WebAssembly and on WebGPU (each in a throwaway worker), and the
// faster wins. A software WebGPU adapter (SwiftShader) usually loses on its own numbers. The result is
// kept per device (localStorage) and shown; the user may override it.
import { ModelBridge } from './bridge';
import { modelsKey } from './presets';
import type { Device, ModelConfig } from './protocol';

export interface DeviceChoice {
  backend: Device;
  /** Why, in a sentence the page shows. */
  reason: string;
  wasmMs?: number;
  webgpuMs?: number;
  adapter?: string;
  /** The model set measured (presets.modelsKey). */
  key?: string;
}

export type DevicePreference = Device | 'auto';

const STORED = 'darkroom.deviceChoice';
const PREFERENCE = 'darkroom.devicePreference';

export const devicePreference = (): DevicePreference => (localStorage.getItem(PREFERENCE) as DevicePreference | null) ?? 'auto';
export const setDevicePreference = (p: DevicePreference) => localStorage.setItem(PREFERENCE, p);

interface Adapter {
  info?: { vendor?: string; architecture?: string; isFallbackAdapter?: boolean };
}

async function webgpuAdapter(): Promise<Adapter | null> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<Adapter | null> } }).gpu;
  return (await gpu?.requestAdapter().catch(() => null)) ?? null;
}

export async function chooseDevice(config: ModelConfig, threads: number, preference: DevicePreference): Promise<DeviceChoice> {
  if (preference !== 'auto') return { backend: preference, reason: 'Chosen by hand.' };
  const adapter = await webgpuAdapter();
  if (!adapter) return { backend: 'wasm', reason: 'This browser offers no WebGPU adapter.' };
  const name = [adapter.info?.vendor, adapter.info?.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  const key = modelsKey(config.models!);
  const stored = read();
  if (stored?.key === key && stored.adapter === name) return stored;

  const time = async (device: Device) => {
    const bridge = new ModelBridge({ config, device, threads, onProgress: () => {}, benchmarkOnly: true });
    try {
      return await bridge.benchmark();
    } finally {
      bridge.terminate();
    }
  };
  const wasmMs = Math.round(await time('wasm'));
  let webgpuMs: number | undefined;
  let failed = '';
  try {
    webgpuMs = Math.round(await time('webgpu'));
  } catch (err) {
    failed = err instanceof Error ? err.message : String(err);
  }
  const backend: Device = webgpuMs !== undefined && webgpuMs < wasmMs ? 'webgpu' : 'wasm';
  const reason = webgpuMs === undefined
    ? `WebGPU (${name}) failed to run the models: ${failed}`
    : `Measured per image: WebGPU (${name}) ${webgpuMs} ms, WebAssembly ${wasmMs} ms.`;
  const choice: DeviceChoice = { backend, reason, wasmMs, webgpuMs, adapter: name, key };
  localStorage.setItem(STORED, JSON.stringify(choice));
  return choice;
}

function read(): DeviceChoice | null {
  try {
    return JSON.parse(localStorage.getItem(STORED) ?? 'null') as DeviceChoice | null;
  } catch {
    return null;
  }
}

// Shared by the pipeline tests that drive photos through the real Worker (miniflare R2/D1/Queues).
import { expect } from 'vitest';
import type { UploadResponse } from '../contract/http';
import { fixture, newLibrary, put, setSettings } from '../test/helpers';

/** A library whose uploads are not queued, so a test drives the pipeline itself. */
export async function manualLibrary() {
  const lib = await newLibrary();
  await setSettings(lib.token, { autoProcessOnUpload: false, scheduledProcessing: false });
  return lib;
}

export async function upload(name: string, token: string) {
  const res = await put(await fixture(name), name, token);
  expect(res.status).toBe(201);
  return (await res.json<UploadResponse>()).photo;
}

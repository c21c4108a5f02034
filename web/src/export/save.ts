// "Save into the library": each output goes through the normal upload path (PUT /api/photos, with its
// SHA-256 so a file the library has is not sent again, validated and developed like any upload),
// recording the photo it was made from (derivedFrom). Runs in the export worker, one output at a time.
import type { ErrorBody, UploadResponse } from '../../../worker/contract/http';

export async function saveToLibrary(token: string, bytes: Uint8Array, filename: string, derivedFrom: string, signal: AbortSignal): Promise<string> {
  const body = bytes as Uint8Array<ArrayBuffer>;
  const sha256 = [...new Uint8Array(await crypto.subtle.digest('SHA-256', body))].map((b) => b.toString(16).padStart(2, '0')).join('');
  const q = new URLSearchParams({ filename, derivedFrom });
  const res = await fetch(`/api/photos?${q}`, {
    method: 'PUT', body, signal, headers: { Authorization: `Bearer ${token}`, 'X-Content-SHA256': sha256 },
  });
  const answer = (await res.json().catch(() => null)) as (UploadResponse & Partial<ErrorBody>) | null;
  if (!res.ok || !answer?.photo) throw new Error(`Added to the ZIP, but not saved into the library: ${answer?.error?.message ?? `the server answered ${res.status}`}`);
  return answer.photo.id;
}

// Typed client for the darkroom API. Every failure becomes an ApiError with the server's code and message.
import type { CheckResponse, ErrorBody, PhotoListResponse, PhotoResponse, UploadResponse } from '../../../worker/contract/http';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class Api {
  constructor(private readonly token: string) {}

  private async request<T>(path: string, init: RequestInit = {}): Promise<T> {
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${this.token}`);
    let res: Response;
    try {
      res = await fetch(path, { ...init, headers });
    } catch {
      throw new ApiError(0, 'offline', 'Cannot reach darkroom. Check your connection.');
    }
    if (res.status === 204) return undefined as T;
    const body = await res.json().catch(() => null);
    if (!res.ok) {
      const error = (body as ErrorBody | null)?.error;
      throw new ApiError(res.status, error?.code ?? 'http_error', error?.message ?? `Request failed (${res.status}).`);
    }
    return body as T;
  }

  listPhotos(cursor?: string | null, limit = 60) {
    const q = new URLSearchParams({ limit: String(limit) });
    if (cursor) q.set('cursor', cursor);
    return this.request<PhotoListResponse>(`/api/photos?${q}`);
  }

  getPhoto(id: string) {
    return this.request<PhotoResponse>(`/api/photos/${id}`);
  }

  check(sha256: string[]) {
    return this.request<CheckResponse>('/api/photos/check', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sha256 }),
    });
  }

  deletePhoto(id: string) {
    return this.request<void>(`/api/photos/${id}`, { method: 'DELETE' });
  }

  /** PUT with upload progress (fetch cannot report it), aborted through `signal`. */
  upload(file: Blob, filename: string, onProgress: (sent: number) => void, signal?: AbortSignal): Promise<UploadResponse> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('PUT', `/api/photos?filename=${encodeURIComponent(filename)}`);
      xhr.setRequestHeader('Authorization', `Bearer ${this.token}`);
      xhr.upload.onprogress = (e) => onProgress(e.loaded);
      xhr.onload = () => {
        const body = JSON.parse(xhr.responseText || 'null');
        if (xhr.status === 200 || xhr.status === 201) resolve(body as UploadResponse);
        else reject(new ApiError(xhr.status, body?.error?.code ?? 'http_error', body?.error?.message ?? `Upload failed (${xhr.status}).`));
      };
      xhr.onerror = () => reject(new ApiError(0, 'offline', 'The connection dropped during the upload.'));
      xhr.onabort = () => reject(new ApiError(0, 'aborted', 'Upload cancelled.'));
      signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(file);
    });
  }
}

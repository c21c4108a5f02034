// Typed client for the darkroom API. Every failure becomes an ApiError with the server's code and message.
import type {
  CheckResponse, ErrorBody, MultipartUploadResponse, PhotoListResponse, PhotoResponse, RetryFailedResponse, TimelineResponse, UploadResponse,
} from '../../../worker/contract/http';
import type { AnalysisSubmission, ClaimResponse, DeviceInfo } from '../../../worker/contract/analysis';
import type { Settings, SettingsResponse } from '../../../worker/contract/settings';
import type { UploadSession, UploadSessionResponse } from '../../../worker/contract/uploads';
import type { StatusResponse } from '../../../worker/contract/status';
import type { NearDuplicatesResponse, SearchRequest, SearchResponse } from '../../../worker/contract/search';
import type { MoveFaceResponse, PatchPersonRequest, PeopleResponse, PersonResponse } from '../../../worker/contract/people';
import { retryAfterMs } from '../upload/concurrency';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** From a 429/503's Retry-After: how long the server asks us to wait, in ms. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/** What to tell the user about a failed call: the server's message, or `fallback` for anything that is not an ApiError. */
export function errorMessage(err: unknown, fallback: string): string {
  return err instanceof ApiError ? err.message : fallback;
}

export type { UploadSession };

export interface UploadOptions {
  sha256?: string;
  onProgress?: (sent: number) => void;
  signal?: AbortSignal;
}

export class Api {
  constructor(readonly token: string) {}

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
      throw new ApiError(res.status, error?.code ?? 'http_error', error?.message ?? `The server answered ${res.status}.`, retryAfterMs(res.headers.get('Retry-After')));
    }
    return body as T;
  }

  private json<T>(path: string, method: string, body: unknown) {
    return this.request<T>(path, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  }

  listPhotos(cursor?: string | null, limit = 60) {
    const q = new URLSearchParams({ limit: String(limit) });
    if (cursor) q.set('cursor', cursor);
    return this.request<PhotoListResponse>(`/api/photos?${q}`);
  }
  /** The timeline (date taken, else upload date), from a cursor or from a day or month (`at`). */
  listTimeline(start: { cursor?: string; at?: string }, limit = 200) {
    const q = new URLSearchParams({ order: 'taken', limit: String(limit) });
    if (start.cursor) q.set('cursor', start.cursor);
    else if (start.at) q.set('at', start.at);
    return this.request<PhotoListResponse>(`/api/photos?${q}`);
  }
  /** Photos per day and month, for the grid's geometry and the scrubber. */
  timeline = () => this.request<TimelineResponse>('/api/photos/timeline');
  getPhoto = (id: string) => this.request<PhotoResponse>(`/api/photos/${id}`);
  deletePhoto = (id: string) => this.request<void>(`/api/photos/${id}`, { method: 'DELETE' });
  /** A video's poster frame (video/poster-jobs.ts). */
  putPoster = (id: string, poster: Blob) => this.request<PhotoResponse>(`/api/photos/${id}/poster`, { method: 'PUT', body: poster });
  retry = (id: string) => this.request<PhotoResponse>(`/api/photos/${id}/retry`, { method: 'POST' });
  retryFailed = () => this.request<RetryFailedResponse>('/api/photos/retry-failed', { method: 'POST' });
  check = (sha256: string[]) => this.json<CheckResponse>('/api/photos/check', 'POST', { sha256 });
  status = () => this.request<StatusResponse>('/api/status');
  settings = () => this.request<SettingsResponse>('/api/settings');
  saveSettings = (patch: Partial<Settings>) => this.json<SettingsResponse>('/api/settings', 'PUT', patch);

  // Search and people.
  search = (query: Partial<SearchRequest>) => this.json<SearchResponse>('/api/search', 'POST', query);
  nearDuplicates = (cursor?: string | null) => this.request<NearDuplicatesResponse>(`/api/search/near-duplicates${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`);
  people = () => this.request<PeopleResponse>('/api/people');
  person = (id: string) => this.request<PersonResponse>(`/api/people/${encodeURIComponent(id)}`);
  patchPerson = (id: string, patch: PatchPersonRequest) => this.json<PersonResponse>(`/api/people/${encodeURIComponent(id)}`, 'PATCH', patch);
  mergePerson = (id: string, into: string) => this.json<PersonResponse>(`/api/people/${encodeURIComponent(id)}/merge`, 'POST', { into });
  createPerson = (faceId: string, name: string) => this.json<PersonResponse>('/api/people', 'POST', { faceId, name });
  moveFace = (faceId: string, personId: string | null) => this.json<MoveFaceResponse>(`/api/faces/${encodeURIComponent(faceId)}/person`, 'POST', { personId });

  // In-browser analysis jobs.
  /** `clientId`: this tab's own id, so leases are capped per tab rather than for the whole library. */
  claimAnalysis = (max: number, device: DeviceInfo, clientId?: string) =>
    this.json<ClaimResponse>('/api/analysis/claim', 'POST', { max, device, ...(clientId && { clientId }) });
  heartbeat = (photoId: string, lease: string) => this.json<{ expiresAt: string }>(`/api/analysis/${photoId}/heartbeat`, 'POST', { lease });
  postAnalysis = (photoId: string, result: AnalysisSubmission) => this.json<{ ok: true }>(`/api/analysis/${photoId}`, 'POST', result);
  failAnalysis = (photoId: string, lease: string, error: string) => this.json<void>(`/api/analysis/${photoId}/fail`, 'POST', { lease, error });

  // Resumable uploads for large files (R2 multipart through the Worker).
  createUpload = (filename: string, size: number, sha256: string) =>
    this.json<UploadSessionResponse | UploadResponse>('/api/uploads', 'POST', { filename, size, sha256 });
  getUpload = (id: string) => this.request<UploadSessionResponse>(`/api/uploads/${id}`);
  completeUpload = (id: string) => this.request<UploadResponse>(`/api/uploads/${id}/complete`, { method: 'POST' });
  uploadPart = (id: string, n: number, part: Blob, options: UploadOptions = {}) =>
    this.send<UploadSessionResponse>('PUT', `/api/uploads/${id}/parts/${n}`, part, options);

  /** PUT with upload progress (fetch cannot report it on every browser), aborted through `signal`. */
  upload(file: Blob, filename: string, options: UploadOptions = {}): Promise<UploadResponse> {
    return this.send<UploadResponse>('PUT', `/api/photos?filename=${encodeURIComponent(filename)}`, file, options);
  }

  /**
   * Several small files in one multipart POST, each with its hash (stored together, known ones skipped);
   * one result per file, in order. Progress counts the whole form.
   */
  uploadBatch(files: Array<{ blob: Blob; name: string; sha256: string }>, options: Omit<UploadOptions, 'sha256'> = {}): Promise<MultipartUploadResponse> {
    const form = new FormData();
    for (const f of files) {
      form.append('file', f.blob, f.name);
      form.append('sha256', f.sha256);
    }
    return this.send<MultipartUploadResponse>('POST', '/api/photos', form, options);
  }

  private send<T>(method: string, path: string, file: Blob | FormData, { sha256, onProgress, signal }: UploadOptions): Promise<T> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(method, path);
      xhr.setRequestHeader('Authorization', `Bearer ${this.token}`);
      if (sha256) xhr.setRequestHeader('X-Content-SHA256', sha256);
      xhr.upload.onprogress = (e) => onProgress?.(e.loaded);
      xhr.onload = () => {
        let body: (T & Partial<ErrorBody>) | null = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          // not JSON: reported below with the status
        }
        if ((xhr.status === 200 || xhr.status === 201) && body) resolve(body);
        else reject(new ApiError(xhr.status, body?.error?.code ?? 'http_error', body?.error?.message ?? `The upload failed (${xhr.status}).`, retryAfterMs(xhr.getResponseHeader('Retry-After'))));
      };
      xhr.onerror = () => reject(new ApiError(0, 'offline', 'The connection dropped during the upload.'));
      xhr.onabort = () => reject(new ApiError(0, 'aborted', 'Upload stopped.'));
      signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(file);
    });
  }
}

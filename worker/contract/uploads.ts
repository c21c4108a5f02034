// Resumable uploads (files over ~100 MB): create, send parts in any order (again after a drop), complete.

export interface CreateUploadRequest {
  filename: string;
  size: number;
  sha256: string;
}

export interface UploadSession {
  id: string;
  filename: string;
  size: number;
  partSize: number;
  partCount: number;
  /** Part numbers (1-based) the server already has. */
  parts: number[];
}

export interface UploadSessionResponse {
  upload: UploadSession;
}

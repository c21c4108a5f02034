// A photo as one JSON value built in SQL, and its mapping to the API shape. Reads select it, and feed
// events embed it in the transaction that changes the photo, so both see the same shape. `p` is the
// photos row in every query that uses these fragments. The SQL and its parsed type both come from one
// table (COLUMNS); toPhoto maps it to the wire type inferred from PhotoSchema (contract/photo.ts).
import { ALL_STAGES, type Photo, type PhotoKind, type PhotoStatus, type StageState } from '../contract/photo';
import type { PhotoAnalysis } from '../contract/analysis';
import { thumbnailFile, variantFile } from '../storage/keys';
import { FACES_JSON } from '../people/photo-faces-sql';

/** The analysis of a photo as one JSON value (NULL until results exist). */
const ANALYSIS_JSON = `(SELECT json_object('caption', a.caption, 'detailed_description', a.detailed_description, 'ocr_text', a.ocr_text, 'tags', json(a.tags), 'faces', json(${FACES_JSON}),
    'embedding_model', a.embedding_model, 'embedding_dims', a.embedding_dims, 'models', json(a.models),
    'device', json(a.device), 'timings', json(a.timings))
   FROM photo_analysis a WHERE a.photo_id = p.id AND a.embedding_model IS NOT NULL)`;

/** One key of PHOTO_JSON: the SQL that reads it, and (type only) what JSON.parse gives back for it. */
interface Column<T> {
  sql: string;
  parsed?: T;
}
const col = <T>(sql: string): Column<T> => ({ sql });

type StageJson = StageState & { ms: number | null; error: string | null };

/**
 * The photo row as one JSON object: the one list of its keys, each with the SQL that reads it. The keys
 * are D1's, not the wire's: feed events of the last week store this object (toPhoto maps it to the wire
 * shape, contract/photo.ts), so a key here is renamed only with care for the events already stored.
 */
const COLUMNS = {
  id: col<string>('p.id'),
  filename: col<string>('p.filename'),
  sha256: col<string>('p.sha256'),
  mime: col<string>('p.mime'),
  kind: col<PhotoKind>('p.kind'),
  bytes: col<number>('p.bytes'),
  width: col<number | null>('p.width'),
  height: col<number | null>('p.height'),
  status: col<PhotoStatus>('p.status'),
  exif: col<Photo['exif']>('json(p.exif)'),
  error: col<string | null>('p.error'),
  retryable: col<number>('p.retryable'),
  created_at: col<number>('p.created_at'),
  updated_at: col<number>('p.updated_at'),
  placeholder: col<string | null>('p.placeholder'),
  thumbnails: col<Record<string, unknown> | null>('json(p.thumbnails)'),
  variants: col<Record<string, unknown> | null>('json(p.variants)'),
  /** Absent in feed events written before migration 0016. */
  derived_from: col<string | null | undefined>('p.derived_from'),
  analysis: col<AnalysisJson | null>(`json(${ANALYSIS_JSON})`),
  video: col<Photo['video']>('json(p.video)'),
  // Stages come back as one JSON object per photo, so a page of photos is still one query.
  stages: col<Record<string, StageJson> | null>(
    `json((SELECT json_group_object(s.stage, json_object('status', s.status, 'attempts', s.attempts, 'ms', s.ms, 'error', s.error))
             FROM photo_stages s WHERE s.photo_id = p.id))`,
  ),
};

export const PHOTO_JSON = `json_object(${Object.entries(COLUMNS).map(([key, c]) => `'${key}', ${c.sql}`).join(',\n    ')})`;

/** PHOTO_JSON, parsed. */
export type PhotoJson = { [K in keyof typeof COLUMNS]: (typeof COLUMNS)[K] extends Column<infer T> ? T : never };

interface AnalysisJson {
  caption: string | null;
  detailed_description?: string | null;
  ocr_text?: string | null;
  tags: PhotoAnalysis['tags'] | null;
  faces: PhotoAnalysis['faces'] | null;
  embedding_model: string;
  embedding_dims: number;
  models: PhotoAnalysis['models'];
  device: PhotoAnalysis['device'];
  /** Absent in feed events (db/events.ts leaves them out). */
  timings?: PhotoAnalysis['timings'];
}

export function toPhoto(row: PhotoJson): Photo {
  const stages: Photo['stages'] = {};
  const raw = row.stages ?? {};
  // Pipeline order, then analysis: SQLite hands the rows back alphabetically.
  for (const name of ALL_STAGES) {
    const s = raw[name];
    if (!s) continue;
    stages[name] = {
      status: s.status,
      attempts: s.attempts,
      ...(s.ms !== null && s.ms !== undefined && { ms: s.ms }),
      ...(s.error && { error: s.error }),
    };
  }
  return {
    id: row.id,
    filename: row.filename,
    sha256: row.sha256,
    mime: row.mime,
    kind: row.kind,
    bytes: row.bytes,
    width: row.width,
    height: row.height,
    status: row.status,
    stages,
    exif: row.exif ?? null,
    error: row.error,
    ...(row.status === 'failed' && { retryable: row.retryable !== 0 }),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    placeholder: row.placeholder,
    // File names here; routes turn them into signed URLs (media/present.ts).
    thumbnails: files(row.thumbnails, thumbnailFile),
    variants: files(row.variants, variantFile),
    analysis: toAnalysis(row.analysis),
    video: row.video ?? null,
    ...(row.derived_from && { derivedFrom: row.derived_from }),
  };
}

function toAnalysis(a: AnalysisJson | null): PhotoAnalysis | null {
  if (!a) return null;
  return {
    caption: a.caption, detailedDescription: a.detailed_description ?? null, ocrText: a.ocr_text ?? null,
    tags: a.tags ?? [], faces: a.faces ?? [], embedding: { model: a.embedding_model, dims: a.embedding_dims },
    models: a.models, device: a.device, timings: a.timings ?? null,
  };
}

function files(sizes: Record<string, unknown> | null, name: (key: string) => string): Record<string, string> {
  return Object.fromEntries(Object.keys(sizes ?? {}).map((k) => [k, name(k)]));
}

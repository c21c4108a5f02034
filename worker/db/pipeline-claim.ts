// SQL for claiming a photo for one pipeline run: what the run reads of it, the claim, and the ownership
// check every later write of the run makes (a deleted, cancelled or taken-over photo refuses the write).
import type { Photo, StageName, StageStatus } from '../contract/photo';
import { eventRows, statsEventStatement } from './events';

/** What one pipeline run needs of a photo. */
export interface PipelinePhoto extends Pick<Photo, 'id' | 'mime' | 'kind' | 'bytes' | 'width' | 'height' | 'status'> {
  libraryId: string;
  stages: Partial<Record<StageName, { status: StageStatus; attempts: number }>>;
}

export async function loadPipelinePhoto(db: D1Database, libraryId: string, id: string): Promise<PipelinePhoto | null> {
  const row = await db
    .prepare(
      `SELECT p.id, p.library_id, p.mime, p.kind, p.bytes, p.width, p.height, p.status,
              (SELECT json_group_object(s.stage, json_object('status', s.status, 'attempts', s.attempts))
                 FROM photo_stages s WHERE s.photo_id = p.id) AS stages
         FROM photos p WHERE p.library_id = ?1 AND p.id = ?2`,
    )
    .bind(libraryId, id)
    .first<Omit<PipelinePhoto, 'libraryId' | 'stages'> & { library_id: string; stages: string | null }>();
  if (!row) return null;
  const { library_id, stages, ...rest } = row;
  return { ...rest, libraryId: library_id, stages: JSON.parse(stages ?? '{}') };
}

/** The run's write was refused: its photo was deleted, cancelled or claimed by a newer run. */
export class LostClaim extends Error {}

/**
 * Claims the photo for one run: only a pending photo, or a processing one whose run has gone quiet
 * for `staleBefore` (its consumer died), can be claimed. Every later write of the run checks `token`.
 */
export async function claimRun(db: D1Database, libraryId: string, id: string, token: string, staleBefore: number, now: number) {
  const [claim, ...events] = await db.batch([
    db
      .prepare(
        `UPDATE photos SET status = 'processing', run_token = ?3, updated_at = ?4
          WHERE library_id = ?1 AND id = ?2 AND status IN ('pending', 'processing')
            AND (run_token IS NULL OR updated_at < ?5)
          RETURNING id`,
      )
      .bind(libraryId, id, token, now, staleBefore),
    statsEventStatement(db, libraryId, now),
  ]);
  return { claimed: claim.results.length === 1, events: eventRows(events) };
}

/** SQL condition: the run holding `?T` still owns photo `?1` (T is the parameter number). */
export const OWNS = (t: number) => `EXISTS (SELECT 1 FROM photos WHERE id = ?1 AND run_token = ?${t})`;

/**
 * Throws LostClaim unless the statement changed the run's own row, which it returns (RETURNING): a
 * status change also writes library_counts by trigger, and D1 counts those writes in meta.changes.
 */
export function owned(result: D1Result) {
  if (result.results.length !== 1) throw new LostClaim('the photo was deleted, cancelled or taken over by another run');
}

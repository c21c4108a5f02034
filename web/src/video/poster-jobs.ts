// Where posters come from: the upload page makes one from the local file as soon as the upload is
// acknowledged; the analysis tab makes one from the stored original for a video that reached it without
// (uploaded through the API, or the uploading tab closed first). Either way it is PUT to the server, which
// develops it like a photo (thumbnails, ThumbHash, variants) and then analyses it.
import type { AnalysisJob } from '../../../worker/contract/analysis';
import type { Photo } from '../../../worker/contract/photo';
import type { Api } from '../lib/api';
import { makePoster } from './poster';

type PosterApi = Pick<Api, 'putPoster'>;

/** After an upload: a video the server has no poster for gets one from the file in hand. Best effort. */
export async function posterAfterUpload(api: PosterApi, file: Blob, photo: Photo): Promise<void> {
  if (photo.kind !== 'video' || photo.stages.thumbnails) return;
  try {
    await api.putPoster(photo.id, await makePoster(file));
  } catch (err) {
    // The analysis tab makes it from the stored original later; nothing is lost.
    console.warn(`no poster for ${photo.filename} from the upload page`, err);
  }
}

/** An analysis job for a video without a poster: make it from the original the job points at. Throws why not. */
export async function posterForJob(api: PosterApi, job: AnalysisJob, signal?: AbortSignal): Promise<void> {
  await api.putPoster(job.photoId, await makePoster(job.imageUrl, signal));
}

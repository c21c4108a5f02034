// Similarity thresholds per face-embedding model. Embeddings of different models (or dimensions) live in
// different spaces, so a model key — id@version#dims — partitions faces and people; nothing compares across.
//
// A threshold is the cosine similarity of two unit embeddings above which they are the same person:
//  - SFace (opencv/face_recognition_sface, 128-d, the default embedder in `opencv/yunet-sface`): 0.363.
//    It is OpenCV's own verification threshold for SFace (FaceRecognizerSF samples, OpenCV Zoo), chosen on
//    LFW; SFace's training margin puts same-person pairs mostly at 0.4–0.8 and different people near 0–0.2.
//  - ArcFace-family 512-d embedders: 0.5, Immich's default (maxDistance 0.5 in cosine distance).
//  - Anything else (including the generated tiny test models): 0.5. Unknown geometry, so lean towards
//    purity: a face left waiting costs a click; a stranger merged into someone costs trust.
// Centroids are compared with the same number: a person's centroid sits closer to each member than members
// sit to one another, so it errs on the side of joining only the right person.

export interface FaceModel {
  key: string;
  threshold: number;
}

/** Immich's default: a new person appears once this many similar unassigned faces agree. */
export const MIN_FACES = 3;

const RULES: Array<[RegExp, number]> = [
  [/sface/i, 0.363],
  [/arcface|buffalo|antelope|w600k|mobileface/i, 0.5],
];
export const DEFAULT_THRESHOLD = 0.5;

export function thresholdFor(modelKey: string): number {
  return RULES.find(([re]) => re.test(modelKey))?.[1] ?? DEFAULT_THRESHOLD;
}

/** The face-embedding model of a submission: `faceEmbedding` when named, else the face model folder. */
export function faceModel(models: { faces?: { id: string; version?: string }; faceEmbedding?: { id: string; version?: string } }, dims: number): FaceModel {
  const m = models.faceEmbedding ?? models.faces;
  const id = m ? (m.version ? `${m.id}@${m.version}` : m.id) : 'unknown';
  const key = `${id}#${dims}`;
  return { key, threshold: thresholdFor(key) };
}

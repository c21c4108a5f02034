// The analysis models darkroom knows: the defaults, the alternatives the settings page offers, and their
// licences. A library's setting may also name another model (a self-hosted fine-tune, the generated test
// stand-ins); for a model listed here, its known output size is enforced so a typo cannot split a library.
export type ModelRole = 'caption' | 'embedding' | 'faces' | 'faceEmbedding';

export interface CatalogModel {
  role: ModelRole;
  id: string;
  /** The hub revision the app loads. */
  version: string;
  /** Output length, for embedders. */
  dims?: number;
  licence: string;
  /** Offered only when chosen explicitly (a licence that forbids commercial use, say). */
  optIn?: true;
  note: string;
}

export const MODEL_CATALOG: readonly CatalogModel[] = [
  { role: 'caption', id: 'onnx-community/Florence-2-base-ft', version: 'main', licence: 'MIT', note: 'default: captions, detailed descriptions, OCR' },
  { role: 'caption', id: 'Xenova/vit-gpt2-image-captioning', version: 'main', licence: 'Apache-2.0', note: 'light option: short captions only' },
  { role: 'embedding', id: 'Xenova/clip-vit-base-patch32', version: 'main', dims: 512, licence: 'MIT', note: 'default' },
  { role: 'embedding', id: 'Xenova/siglip-base-patch16-224', version: 'main', dims: 768, licence: 'Apache-2.0', note: 'quality option' },
  { role: 'embedding', id: 'Xenova/mobileclip_s0', version: 'main', dims: 512, licence: 'Apple sample code licence (research only)', optIn: true, note: 'opt-in only' },
  { role: 'faces', id: 'opencv/face_detection_yunet', version: '2023mar', licence: 'MIT', note: 'default (opencv/opencv_zoo)' },
  { role: 'faceEmbedding', id: 'opencv/face_recognition_sface', version: '2021dec', dims: 128, licence: 'Apache-2.0', note: 'default (opencv/opencv_zoo)' },
];

/** The known output size of an embedder, or null for a model darkroom does not list. */
export function knownDims(role: 'embedding' | 'faceEmbedding', id: string): number | null {
  return MODEL_CATALOG.find((m) => m.role === role && m.id === id)?.dims ?? null;
}

const pick = (role: ModelRole, id: string) => {
  const m = MODEL_CATALOG.find((x) => x.role === role && x.id === id)!;
  return { id: m.id, version: m.version, ...(m.dims !== undefined && { dims: m.dims }) };
};

export const DEFAULT_MODELS = {
  caption: pick('caption', 'onnx-community/Florence-2-base-ft'),
  embedding: pick('embedding', 'Xenova/clip-vit-base-patch32') as { id: string; version: string; dims: number },
  faces: pick('faces', 'opencv/face_detection_yunet'),
  faceEmbedding: pick('faceEmbedding', 'opencv/face_recognition_sface') as { id: string; version: string; dims: number },
};

/** The key stored with each embedding (photo_analysis.embedding_model): "id@version". */
export const modelKey = (m: { id: string; version?: string }) => (m.version ? `${m.id}@${m.version}` : m.id);

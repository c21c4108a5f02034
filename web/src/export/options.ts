// What an export does, and the models it may use. Background-removal models are all licensed for
// commercial use; RMBG-1.4/2.0 (BRIA, non-commercial) are deliberately not offered.

export type OutputFormat = 'png' | 'webp' | 'jpeg';

export interface ExportOptions {
  removeBackground: boolean;
  /** Key of BACKGROUND_MODELS. */
  backgroundModel: BackgroundModelKey;
  cropFaces: boolean;
  /** Margin around each face box, as a fraction of the box's size on each side. */
  facePadding: number;
  faceAspect: 'square' | 'original';
  /** Longest side of each face crop, px. */
  faceSize: number;
  resize: boolean;
  /** Longest side of whole-photo outputs when `resize`, px (never enlarged). */
  maxSide: number;
  format: OutputFormat;
  /** 0–1, for WebP and JPEG. */
  quality: number;
  source: 'display' | 'original';
  /** Camera, date and description written into the outputs; off writes none. */
  keepMetadata: boolean;
  /** Location too (only with keepMetadata). Off by default: an export is usually shared. */
  keepGps: boolean;
  /** Also upload every output into the library, each recording its source photo (derivedFrom). */
  saveToLibrary: boolean;
}

export const DEFAULT_OPTIONS: ExportOptions = {
  removeBackground: true, backgroundModel: 'birefnet-lite', cropFaces: false, facePadding: 0.4, faceAspect: 'square',
  faceSize: 512, resize: false, maxSide: 2048, format: 'png', quality: 0.9, source: 'display', keepMetadata: false,
  keepGps: false, saveToLibrary: false,
};

export interface BackgroundModel {
  label: string;
  /** Repository on the model host (hub id, or folder under /models/). */
  repo: string;
  licence: string;
}

// ISNet is DIS's isnet-general-use weights (Apache-2.0) as rembg exported them (MIT), in transformers.js's
// layout. Not onnx-community/ISNet-ONNX: that repacks IMG.LY's models (shipped with their AGPL-3.0
// library) and its card states no licence.
export const BACKGROUND_MODELS = {
  'birefnet-lite': { label: 'BiRefNet lite (general, best edges)', repo: 'onnx-community/BiRefNet_lite-ONNX', licence: 'MIT' },
  isnet: { label: 'ISNet general-use', repo: 'Ko033/isnet-general-use-onnx', licence: 'Apache-2.0' },
  modnet: { label: 'MODNet (portraits, fast)', repo: 'Xenova/modnet', licence: 'Apache-2.0' },
} as const satisfies Record<string, BackgroundModel>;
export type BackgroundModelKey = keyof typeof BACKGROUND_MODELS;

/** YuNet, for photos without stored face boxes (the same repository the analysis tab's faces come from). */
export const FACE_DETECTOR = { repo: 'opencv/opencv_zoo', file: 'models/face_detection_yunet/face_detection_yunet_2023mar.onnx', licence: 'MIT' };

/**
 * Which files: the real models, or the generated stand-ins with the same layout (`tiny/…`, and
 * `bench/…` with the real models' compute), named by the last part of the repository.
 */
export type ModelSet = 'real' | 'tiny' | 'bench';

export function modelRepo(repo: string, set: ModelSet): string {
  return set === 'real' ? repo : `${set}/${repo.split('/').pop()}`;
}

export const EXTENSIONS: Record<OutputFormat, string> = { png: 'png', webp: 'webp', jpeg: 'jpg' };
export const MIME: Record<OutputFormat, string> = { png: 'image/png', webp: 'image/webp', jpeg: 'image/jpeg' };

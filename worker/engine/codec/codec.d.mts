// Types for the emscripten glue built by worker/scripts/build-codec.sh (exports listed in manifest.json).
export interface CodecModule {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  _cx_version(): number;
  _cx_decode(ptr: number, len: number, boxLong: number, boxShort: number, budget: number, maxPixels: number): number;
  _cx_decode_avif(
    colour: number, len: number, alpha: number, alphaLen: number, w: number, h: number, orientation: number, icc: number, iccLen: number,
    boxLong: number, boxShort: number, budget: number, maxPixels: number,
  ): number;
  _cx_output(boxLong: number, boxShort: number, quality: number, method: number): number;
  _cx_keep(slot: number, boxLong: number, boxShort: number): number;
  _cx_encode(slot: number, quality: number, method: number): number;
  _cx_rgba(maxSide: number): number;
  _cx_get(key: number): number;
  _cx_message(): number;
  _cx_reset(): void;
}

export interface CodecModuleOptions {
  noInitialRun?: boolean;
  locateFile?: (path: string) => string;
  instantiateWasm(
    imports: WebAssembly.Imports,
    done: (instance: WebAssembly.Instance, module?: WebAssembly.Module) => void,
  ): WebAssembly.Exports | Record<string, never>;
}

declare const createCodec: (options: CodecModuleOptions) => Promise<CodecModule>;
export default createCodec;

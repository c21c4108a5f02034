// Wrangler (and the vitest plugin) import .wasm files as compiled modules.
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
declare module 'libheif-js/libheif-wasm/libheif.js' {
  const factory: unknown;
  export default factory;
}

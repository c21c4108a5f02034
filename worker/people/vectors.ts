// Vector maths for face embeddings. Embeddings are compared as unit vectors (cosine = dot product) and
// stored as int8 of the unit vector with one scale: a quarter of float32, about 1% error on cosine.

export function unit(values: ArrayLike<number>): Float32Array {
  const v = Float32Array.from(values);
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i] * v[i];
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function quantize(v: Float32Array): { bytes: Uint8Array; scale: number } {
  let max = 0;
  for (const x of v) max = Math.max(max, Math.abs(x));
  const scale = (max || 1) / 127;
  const q = new Int8Array(v.length);
  for (let i = 0; i < v.length; i++) q[i] = Math.round(v[i] / scale);
  return { bytes: new Uint8Array(q.buffer), scale };
}

/** D1 hands BLOBs back as ArrayBuffer or as an array of byte values, depending on the runtime. */
export function blobBytes(blob: ArrayBuffer | ArrayBufferView | number[]): Uint8Array {
  if (blob instanceof ArrayBuffer) return new Uint8Array(blob);
  if (ArrayBuffer.isView(blob)) return new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength);
  return Uint8Array.from(blob);
}

/** An int8 embedding back as a unit vector (re-normalised: rounding moves the length a little). */
export function dequantize(blob: ArrayBuffer | ArrayBufferView | number[], scale: number): Float32Array {
  const b = blobBytes(blob);
  const q = new Int8Array(b.buffer, b.byteOffset, b.byteLength);
  const v = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) v[i] = q[i] * scale;
  return unit(v);
}

/** A float32 vector to and from its bytes (people's centroid sums). */
export const floatBytes = (v: Float32Array) => new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
export function bytesFloat(blob: ArrayBuffer | ArrayBufferView | number[]): Float32Array {
  const b = blobBytes(blob);
  return new Float32Array(b.slice().buffer);
}

// int8 dot products over rows kept inside WebAssembly memory (dot.wat, SIMD). Plain JS needs ~120 ms
// for 100,000 × 512 on this machine; the SIMD loop needs ~4 ms. The rows live in the module's memory,
// so a query copies nothing but itself.
import dotModule from './dot.wasm';

interface DotExports {
  memory: WebAssembly.Memory;
  dotAll(q: number, rows: number, n: number, dims: number, out: number): void;
  dotSome(q: number, rows: number, slots: number, count: number, dims: number, out: number): void;
}

const PAGE = 65536;
/** Bytes reserved for the query vector at address 0 (dims are at most 4096). */
const QUERY_BYTES = 4096;

/** Rows are padded to a multiple of 16 bytes: one SIMD step reads 16. */
export const strideFor = (dims: number) => Math.ceil(dims / 16) * 16;

export class DotRows {
  readonly stride: number;
  private readonly wasm: DotExports;
  private capacity = 0;

  constructor(readonly dims: number) {
    this.stride = strideFor(dims);
    this.wasm = new WebAssembly.Instance(dotModule).exports as unknown as DotExports;
    this.reserve(1024);
  }

  /** Layout: query | rows (capacity × stride) | out (capacity × 4) | slot list (capacity × 4). */
  private get outAt() {
    return QUERY_BYTES + this.capacity * this.stride;
  }
  private get slotsAt() {
    return this.outAt + this.capacity * 4;
  }

  /** Rows stay where they are when the capacity grows; the scratch areas after them just move. */
  reserve(rows: number) {
    if (rows <= this.capacity) return;
    // A quarter more at a time, not double: at 100,000 × 512 bytes, doubling could idle 50 MB of a
    // Durable Object's 128 MB.
    let capacity = Math.max(this.capacity, 1024);
    while (capacity < rows) capacity = Math.ceil(capacity * 1.25);
    const need = QUERY_BYTES + capacity * (this.stride + 8);
    const have = this.wasm.memory.buffer.byteLength;
    if (need > have) this.wasm.memory.grow(Math.ceil((need - have) / PAGE));
    this.capacity = capacity;
  }

  /** Bytes of WebAssembly memory held (rows, scratch and headroom). */
  get bytes() {
    return this.wasm.memory.buffer.byteLength;
  }

  row(slot: number): Int8Array {
    return new Int8Array(this.wasm.memory.buffer, QUERY_BYTES + slot * this.stride, this.stride);
  }

  setRow(slot: number, values: Int8Array) {
    this.reserve(slot + 1);
    const row = this.row(slot);
    row.fill(0);
    row.set(values.subarray(0, this.dims));
  }

  clearRow(slot: number) {
    this.row(slot).fill(0);
  }

  moveRow(from: number, to: number) {
    const mem = new Int8Array(this.wasm.memory.buffer);
    const at = QUERY_BYTES + from * this.stride;
    mem.copyWithin(QUERY_BYTES + to * this.stride, at, at + this.stride);
  }

  private setQuery(q: Int8Array) {
    const mem = new Int8Array(this.wasm.memory.buffer, 0, this.stride);
    mem.fill(0);
    mem.set(q.subarray(0, this.dims));
  }

  /** Dot products of `q` with rows 0…n-1. The view is valid until the next call. */
  dotAll(q: Int8Array, n: number): Int32Array {
    this.setQuery(q);
    this.wasm.dotAll(0, QUERY_BYTES, n, this.stride, this.outAt);
    return new Int32Array(this.wasm.memory.buffer, this.outAt, n);
  }

  /** Dot products of `q` with the given rows, in their order. */
  dotSome(q: Int8Array, slots: ArrayLike<number>): Int32Array {
    this.setQuery(q);
    new Int32Array(this.wasm.memory.buffer, this.slotsAt, slots.length).set(slots);
    this.wasm.dotSome(0, QUERY_BYTES, this.slotsAt, slots.length, this.stride, this.outAt);
    return new Int32Array(this.wasm.memory.buffer, this.outAt, slots.length);
  }
}

export function norm(v: Int8Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

// develop() in two steps for the pipeline: one decode and the whole resize cascade (largest first) up
// front, keeping each output as pixels; then encoding on demand, in the order the caller wants (cheap
// thumbnails first, so they are stored and shown before the display variants are encoded). The session
// holds the isolate's codec until `use` settles: callers must not keep it open longer than one photo.
import type { CodecModule } from './codec/codec.mjs';
import { check, decodeOnce, largestFirst, lastOutput, makePreview, type DecodedInfo, type Developed, type DevelopOptions, type Encoded } from './codec';
import { memoryBytes, withCodec } from './codec-instance';

export interface DevelopSession extends DecodedInfo {
  preview: Developed['preview'];
  /** Names of the outputs, in the order they were kept (largest first). */
  names: string[];
  /** Encodes one kept output (once: its pixels are released). */
  encode(name: string): Encoded;
  /** Wasm memory now (= the peak so far). */
  wasmBytes(): number;
}

const MAX_SLOTS = 8; // CX_SLOTS in codec.h

export type SessionRunner = <T>(bytes: Uint8Array, o: DevelopOptions, use: (s: DevelopSession) => Promise<T>) => Promise<T>;

export const withSession: SessionRunner = (bytes, o, use) => withCodec((m) => use(openSession(m, bytes, o)));

/** A session on a given instance (inside withCodec); exported for tests that shape the instance first. */
export function openSession(m: CodecModule, bytes: Uint8Array, o: DevelopOptions): DevelopSession {
  if (o.outputs.length > MAX_SLOTS) throw new Error(`develop: at most ${MAX_SLOTS} outputs`);
  const info = decodeOnce(m, bytes, o);
  const order = largestFirst(info, o.outputs);
  order.forEach((spec, slot) => check(m, m._cx_keep(slot, spec.long, spec.short)));
  const preview = makePreview(m, o);
  const done = new Set<string>();
  return {
    ...info,
    preview,
    names: order.map((s) => s.name),
    encode(name) {
      const slot = order.findIndex((s) => s.name === name);
      if (slot < 0 || done.has(name)) throw new Error(`develop: output ${name} was not asked for or is already encoded`);
      const spec = order[slot];
      check(m, m._cx_encode(slot, spec.quality ?? o.quality ?? 80, spec.method ?? o.method ?? 4));
      done.add(name);
      return { name, ...lastOutput(m) };
    },
    wasmBytes: () => memoryBytes(m),
  };
}

import { describe, expect, it } from 'vitest';
import { decodeYunet } from './yunet';

const SIZE = 64;

/** Zeroed YuNet outputs for a SIZE×SIZE input, with `cells` set: [stride, col, row, cls·obj, bbox, kps]. */
function outputs(cells: Array<[number, number, number, number, number[], number[]]>) {
  const out: Record<string, { data: Float32Array }> = {};
  for (const s of [8, 16, 32]) {
    const n = (SIZE / s) ** 2;
    Object.assign(out, {
      [`cls_${s}`]: { data: new Float32Array(n) }, [`obj_${s}`]: { data: new Float32Array(n) },
      [`bbox_${s}`]: { data: new Float32Array(n * 4) }, [`kps_${s}`]: { data: new Float32Array(n * 10) },
    });
  }
  for (const [s, col, row, score, bbox, kps] of cells) {
    const i = row * (SIZE / s) + col;
    out[`cls_${s}`].data[i] = score;
    out[`obj_${s}`].data[i] = 1;
    out[`bbox_${s}`].data.set(bbox, i * 4);
    out[`kps_${s}`].data.set(kps, i * 10);
  }
  return out;
}

const kps = [0.25, 0.25, 0.75, 0.25, 0.5, 0.5, 0.25, 0.75, 0.75, 0.75];

describe('decodeYunet', () => {
  it('decodes a cell into a box and landmarks around it, normalised to the input', () => {
    // stride 8, cell (2, 3): centre ((2+0.5)·8, (3+0.5)·8) = (20, 28), side e^ln2·8 = 16 px
    const [face, ...rest] = decodeYunet(outputs([[8, 2, 3, 0.81, [0.5, 0.5, Math.LN2, Math.LN2], kps]]), SIZE, { max: 10 });
    expect(rest).toEqual([]);
    expect(face.score).toBeCloseTo(0.9);
    face.box.forEach((v, k) => expect(v).toBeCloseTo([12 / 64, 20 / 64, 16 / 64, 16 / 64][k]));
    expect(face.landmarks).toHaveLength(5);
    expect(face.landmarks[2][0]).toBeCloseTo((2.5 * 8) / 64);
    expect(face.landmarks[2][1]).toBeCloseTo((3.5 * 8) / 64);
  });

  it('drops low scores and overlapping boxes (keeping the best), then keeps at most `max`', () => {
    const big = [0.5, 0.5, Math.LN2, Math.LN2];
    const cells: Parameters<typeof outputs>[0] = [
      [8, 2, 3, 0.64, big, kps], // 0.8
      [16, 1, 1, 0.81, [0.25, 0.25, 0, 0], kps], // 0.9, centre (20, 20) 16 px: overlaps the first (IoU 1/3 > 0.3)
      [8, 6, 6, 0.49, big, kps], // 0.7, elsewhere
      [8, 0, 7, 0.25, big, kps], // 0.5 < 0.6
    ];
    const faces = decodeYunet(outputs(cells), SIZE, { max: 10 });
    expect(faces.map((f) => Math.round(f.score * 10) / 10)).toEqual([0.9, 0.7]);
    expect(decodeYunet(outputs(cells), SIZE, { max: 1 })).toHaveLength(1);
    expect(decodeYunet(outputs(cells), SIZE, { max: 10, scoreMin: 0.4 })).toHaveLength(3);
  });
});

import { describe, expect, it } from 'vitest';
import { faceRect, fitWithin, scaledTo } from './crop';

describe('faceRect', () => {
  it('pads the box on every side and squares it around its centre', () => {
    // a 100×50 box at (400, 300) in 1000×1000, 20% padding → 140×70, squared → 140×140
    expect(faceRect([0.4, 0.3, 0.1, 0.05], 1000, 1000, 0.2, 'square')).toEqual({ x: 380, y: 255, w: 140, h: 140 });
    expect(faceRect([0.4, 0.3, 0.1, 0.05], 1000, 1000, 0.2, 'original')).toEqual({ x: 380, y: 290, w: 140, h: 70 });
  });

  it('moves a crop at the edge inside the image instead of cutting it', () => {
    expect(faceRect([0, 0, 0.1, 0.2], 1000, 500, 0.5, 'square')).toEqual({ x: 0, y: 0, w: 200, h: 200 });
    expect(faceRect([0.95, 0.9, 0.05, 0.1], 1000, 500, 0.5, 'square')).toEqual({ x: 900, y: 400, w: 100, h: 100 });
  });

  it('shrinks a crop larger than the image, staying square', () => {
    expect(faceRect([0.2, 0.1, 0.6, 0.8], 400, 200, 0.5, 'square')).toEqual({ x: 100, y: 0, w: 200, h: 200 });
  });
});

describe('output sizes', () => {
  it('scales crops to the requested side and never enlarges whole photos', () => {
    expect(scaledTo(140, 70, 512)).toEqual({ width: 512, height: 256 });
    expect(fitWithin(4000, 3000, 2048)).toEqual({ width: 2048, height: 1536 });
    expect(fitWithin(800, 600, 2048)).toEqual({ width: 800, height: 600 });
  });
});

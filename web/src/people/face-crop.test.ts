import { describe, expect, it } from 'vitest';
import { cropStyle, faceCrop } from './face-crop';

describe('faceCrop', () => {
  it('centres a square with a margin on the face', () => {
    // A square image, a face 0.2 wide in the middle: the avatar spans 0.32 of the image around it.
    const c = faceCrop([0.4, 0.4, 0.2, 0.2], 1);
    expect(c.width).toBeCloseTo(100 / 0.32);
    expect(c.left).toBeCloseTo((-0.34 / 0.32) * 100);
    expect(c.top).toBeCloseTo((-0.34 / 0.32) * 100);
  });

  it('keeps the square inside the image at an edge', () => {
    const c = faceCrop([0, 0, 0.1, 0.1], 1);
    expect(c.left).toBe(-0);
    expect(c.top).toBe(-0);
    const end = faceCrop([0.9, 0.9, 0.1, 0.1], 1);
    // The square ends where the image ends: left + width = 100%.
    expect(end.left + end.width).toBeCloseTo(100);
  });

  it('accounts for the aspect ratio: a box as wide as it is tall in pixels stays square', () => {
    // 2:1 image; the face is 0.1 of the width (0.2 in height units) and 0.2 of the height.
    const c = faceCrop([0.45, 0.4, 0.1, 0.2], 2, 0);
    expect(c.width).toBeCloseTo((2 / 0.2) * 100);
    expect(c.left).toBeCloseTo((-0.9 / 0.2) * 100);
    expect(c.top).toBeCloseTo((-0.4 / 0.2) * 100);
  });

  it('never zooms out past the whole image', () => {
    const c = faceCrop([0, 0, 1, 1], 1.5);
    expect(c.width).toBeCloseTo(150);
    expect(cropStyle(c)).toMatch(/^width: 150\.000%; left: -?\d/);
  });
});

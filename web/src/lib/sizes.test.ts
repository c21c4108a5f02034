import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../worker/contract/settings';
import { thumbnailAtLeast, thumbnailSrcset, variantsBySize, variantSrcset } from './sizes';

describe('sizes', () => {
  it('picks the smallest thumbnail big enough, whatever sizes the library is configured with', () => {
    expect(thumbnailAtLeast({ '150': '/a', '300': '/b', '600': '/c' }, 300)).toBe('/b');
    expect(thumbnailAtLeast({ '200': '/a', '400': '/b', '800': '/c' }, 300)).toBe('/b');
    expect(thumbnailAtLeast({ '150': '/a', '300': '/b' }, 1000)).toBe('/b');
    expect(thumbnailAtLeast({ '150': '/a', '600': '/c', '300': '/b' }, Infinity)).toBe('/c');
    expect(thumbnailAtLeast({}, 300)).toBeUndefined();
    expect(thumbnailSrcset({ '150': '/a', '300': '/b' })).toBe('/a 150w, /b 300w');
  });

  it('orders variants by the widths in the settings and leaves unknown ones out of srcset', () => {
    const variants = variantsBySize({ '2160': '/big', old: '/old', '1080': '/small' }, DEFAULT_SETTINGS.variantSizes);
    expect(variants).toEqual([{ url: '/small', width: 1080 }, { url: '/big', width: 2160 }, { url: '/old', width: undefined }]);
    expect(variantSrcset(variants)).toBe('/small 1080w, /big 2160w');
    const renamed = variantsBySize({ web: '/w', print: '/p' }, [{ name: 'print', width: 3000, height: 3000 }, { name: 'web', width: 1200, height: 1200 }]);
    expect(renamed.map((v) => v.url)).toEqual(['/w', '/p']);
  });
});

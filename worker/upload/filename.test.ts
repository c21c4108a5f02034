// L2: names keep what people can see and lose what hides or reorders text.
import { describe, expect, it } from 'vitest';
import { cleanFilename } from './filename';

describe('cleanFilename', () => {
  it('drops bidi overrides and isolates, so a name cannot disguise its extension', () => {
    expect(cleanFilename('photo\u202egpj.exe')).toBe('photogpj.exe');
    expect(cleanFilename('a\u2066b\u2067c\u2068d\u2069e\u202a\u202b\u202c\u202d.jpg')).toBe('abcde.jpg');
    expect(cleanFilename('x\u200e\u200f\u061c.jpg')).toBe('x.jpg');
  });

  it('drops C0 and C1 controls, zero-width characters and the BOM', () => {
    expect(cleanFilename('a\u0000b\u001bc\u007fd\u0085e\u009bf.jpg')).toBe('abcdef.jpg');
    expect(cleanFilename('\ufeffz\u200bw\u200cj\u200d\u2060.jpg')).toBe('zwj.jpg');
  });

  it('keeps ordinary non-ASCII names and the last path segment only', () => {
    expect(cleanFilename('../../Фото été 写真.HEIC')).toBe('Фото été 写真.HEIC');
    expect(cleanFilename('dir\\sub\\ok.jpg')).toBe('ok.jpg');
    expect(cleanFilename('\u202e\u200b')).toBe('untitled');
  });
});

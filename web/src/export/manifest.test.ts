import { describe, expect, it } from 'vitest';
import { manifestCsv, outputStem } from './manifest';

describe('manifestCsv', () => {
  it('writes a header and quotes what needs quoting', () => {
    const csv = manifestCsv([
      { sourcePhoto: 'abc', sourceFilename: 'a, "b".jpg', operation: 'crop-face', model: 'opencv/opencv_zoo', outputFile: 'x/face-1.png' },
      { sourcePhoto: 'def', sourceFilename: '=HYPERLINK("x")', operation: 'remove-background', model: 'onnx-community/BiRefNet_lite-ONNX', outputFile: 'y.png', libraryPhoto: 'ghi' },
    ]);
    expect(csv.split('\r\n')).toEqual([
      'source_photo,source_filename,operation,model,output_file,library_photo',
      'abc,"a, ""b"".jpg",crop-face,opencv/opencv_zoo,x/face-1.png,',
      `def,"'=HYPERLINK(""x"")",remove-background,onnx-community/BiRefNet_lite-ONNX,y.png,ghi`,
      '',
    ]);
  });
});

describe('outputStem', () => {
  it('keeps names readable and unique per photo', () => {
    expect(outputStem('Summer trip/IMG 0001.HEIC', '0mx4o7p2obog0auqygfev')).toBe('Summer_trip_IMG_0001-qygfev');
    expect(outputStem('../secret.jpg', 'aaaaaaaaaaaaaaaaaaaaa')).toBe('secret-aaaaaa');
    expect(outputStem('.jpg', 'bbbbbbbbbbbbbbbbbbbbb')).toBe('photo-bbbbbb');
  });
});

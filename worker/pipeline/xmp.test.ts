// XMP text is XML: what the photo page shows must be the decoded text ("Tom & Jerry"), not the escaped
// form, while still being stored as plain data.
import { describe, expect, it } from 'vitest';
import type { UploadResponse } from '../contract/http';
import { decodeXmlEntities } from '../formats/xml-entities';
import { fixture, newLibrary, put, settled, waitForPhoto } from '../test/helpers';

const XMP = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Tom &amp; Jerry &lt;3 &#x1F600;</rdf:li></rdf:Alt></dc:title>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">&quot;Fish &amp; chips&quot; at Bob&apos;s &#38; co&#1;</rdf:li></rdf:Alt></dc:description>
<dc:subject><rdf:Bag><rdf:li>R&amp;D</rdf:li><rdf:li>&lt;script&gt;</rdf:li></rdf:Bag></dc:subject>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>`;

/** A JPEG with an XMP APP1 segment put right after SOI. */
function withXmp(jpeg: Uint8Array): Uint8Array {
  const payload = new TextEncoder().encode(`http://ns.adobe.com/xap/1.0/\0${XMP}`);
  const segment = new Uint8Array(4 + payload.length);
  segment.set([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]);
  segment.set(payload, 4);
  const out = new Uint8Array(jpeg.length + segment.length);
  out.set(jpeg.subarray(0, 2));
  out.set(segment, 2);
  out.set(jpeg.subarray(2), 2 + segment.length);
  return out;
}

describe('XMP text', () => {
  it('is stored with its entities decoded, and control characters still stripped', async () => {
    const { token } = await newLibrary();
    const res = await put(withXmp(await fixture('photo-noexif.jpg')), 'xmp.jpg', token);
    expect(res.status).toBe(201);
    const { photo: uploaded } = await res.json<UploadResponse>();
    const photo = await waitForPhoto(uploaded.id, token, settled);
    expect(photo.status).toBe('completed');
    expect(photo.exif?.title).toBe('Tom & Jerry <3 😀');
    expect(photo.exif?.description).toBe(`"Fish & chips" at Bob's & co`);
    expect(photo.exif?.keywords).toEqual(['R&D', '<script>']);
  });

  it('decodes the predefined entities and character references, and leaves anything else alone', () => {
    expect(decodeXmlEntities('a &amp;amp; b')).toBe('a &amp; b'); // decoded once, not twice
    expect(decodeXmlEntities('&#65;&#x42;&#X43;')).toBe('ABC');
    expect(decodeXmlEntities('&nbsp; &#xD800; &#x110000; & ;')).toBe('&nbsp; &#xD800; &#x110000; & ;');
  });
});

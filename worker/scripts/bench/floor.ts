// The floor for bench:upload: a bare R2 put of the request body, nothing else.
export default {
  async fetch(req: Request, env: { PHOTOS: R2Bucket }): Promise<Response> {
    await env.PHOTOS.put(`floor/${crypto.randomUUID()}`, req.body);
    return new Response(null, { status: 201 });
  },
};

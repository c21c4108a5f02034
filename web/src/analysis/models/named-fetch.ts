// transformers.js names a model file the host answers with an error status ("Could not locate file: <url>"),
// but a download that fails outright (offline, DNS, a blocked host) surfaces as a bare "Failed to fetch".
// Its fetch goes through this (env.fetch), so that failure too says which file, and why.
export function namedFetch(fetchImpl: typeof fetch) {
  return async (url: string | URL, init?: RequestInit): Promise<Response> => {
    try {
      return await fetchImpl(url, init);
    } catch (err) {
      if ((err as Error)?.name === 'AbortError') throw err;
      throw new Error(`Could not download ${String(url)}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
}

// Who a claim comes from, for the per-client lease cap: the bearer token (a prefix of its hash, never
// the token) plus the id the tab sends. Without an id, every tab of the library counts as one client, so
// an old client that sends none still gets jobs but cannot take more than one client's share.
import { sha256Hex } from '../hash';

export async function clientKey(authorization: string | undefined, clientId: string | undefined): Promise<string> {
  if (!clientId) return 'library';
  const token = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1] ?? '';
  return `${(await sha256Hex(token)).slice(0, 16)}:${clientId}`;
}

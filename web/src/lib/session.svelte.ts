// The library token, kept across reloads. Verified against the API before it is stored.
import { Api, ApiError, errorMessage } from './api';

const KEY = 'darkroom.token';

export class Session {
  token = $state<string | null>(localStorage.getItem(KEY));
  api = $derived(this.token ? new Api(this.token) : null);

  async signIn(token: string): Promise<string | null> {
    const trimmed = token.trim();
    if (!trimmed) return 'Enter your library token.';
    try {
      await new Api(trimmed).listPhotos(null, 1);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return 'That token is not valid for this darkroom.';
      return errorMessage(err, 'Could not check the token.');
    }
    localStorage.setItem(KEY, trimmed);
    this.token = trimmed;
    return null;
  }

  signOut() {
    localStorage.removeItem(KEY);
    this.token = null;
  }
}

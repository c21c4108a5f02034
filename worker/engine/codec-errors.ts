// How the codec's failures are told apart. Bad input is a PermanentError (retrying cannot help); the rest
// say what the caller should do instead: another engine (unsupported / over budget) or a retry.
import { PermanentError } from '../errors';

export type CodecErrorKind = 'unsupported' | 'over_budget' | 'no_memory' | 'internal';

/** Truncated, corrupt or not what it claims to be: fail the stage at once, with the decoder's words. */
export class CodecInputError extends PermanentError {
  readonly kind = 'bad_input';
}

/** Not about the input's validity. `retryable` is true for no_memory (a fresh instance may succeed). */
export class CodecError extends Error {
  constructor(
    readonly kind: CodecErrorKind,
    message: string,
  ) {
    super(message);
  }
  get retryable(): boolean {
    return this.kind === 'no_memory';
  }
}

// Result codes of worker/engine/codec/src/codec.h.
export function codecError(code: number, message: string): Error {
  switch (code) {
    case -1:
      return new CodecInputError(`The image could not be decoded: ${message}`);
    case -2:
      return new CodecError('unsupported', message);
    case -3:
      return new CodecError('over_budget', message);
    case -4:
      return new CodecError('no_memory', message);
    default:
      return new CodecError('internal', `codec error ${code}: ${message}`);
  }
}

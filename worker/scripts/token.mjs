// `npm run token -- create <library> [--label text] [--remote]`
// `npm run token -- list [--remote]`
// `npm run token -- revoke <token> [--remote]`
// Tokens are random, shown once, and stored only as SHA-256 hashes in D1 (table api_tokens).
import { randomBytes } from 'node:crypto';
import { run } from './lib.mjs';
import { LIST_TOKENS_SQL, createTokenSql, hashToken, isLibraryId, revokeTokenSql } from './token-sql.mjs';

const [command, arg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flag = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1] ?? true;
};
const where = flag('remote') ? '--remote' : '--local';

function execute(command) {
  if (where === '--local') run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local'], { stdio: 'ignore' });
  run('wrangler', ['d1', 'execute', 'DB', where, '--command', command]);
}

if (command === 'create') {
  if (!isLibraryId(arg)) {
    console.error('Usage: npm run token -- create <library>   (library: lowercase letters, digits and dashes)');
    process.exit(2);
  }
  const token = `drk_${randomBytes(24).toString('base64url')}`;
  const label = typeof flag('label') === 'string' ? flag('label') : null;
  let statement;
  try {
    statement = createTokenSql({ tokenHash: await hashToken(token), libraryId: arg, label, now: Date.now() });
  } catch (err) {
    console.error(err.message);
    process.exit(2);
  }
  execute(statement);
  console.log(`\nToken for library "${arg}" (shown once; store it somewhere safe):\n\n  ${token}\n`);
} else if (command === 'list') {
  execute(LIST_TOKENS_SQL);
} else if (command === 'revoke' && arg) {
  execute(revokeTokenSql(await hashToken(arg)));
  console.log('Revoked (if it existed).');
} else {
  console.error('Usage: npm run token -- create <library> | list | revoke <token>   [--remote]');
  process.exit(2);
}

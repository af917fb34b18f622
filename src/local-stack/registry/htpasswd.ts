import { writeFile } from 'node:fs/promises';
import { hash } from 'bcryptjs';

/**
 * Writes an htpasswd file holding one bcrypt-hashed user, in the `$2y$` form Apache's htpasswd writes
 * (the same algorithm as `$2b$`; docker-registry reads both). bcrypt's lowest cost (4) is enough for a
 * random 24-byte password and keeps docker-registry's check of every request cheap.
 */
export async function writeHtpasswd(file: string, username: string, password: string): Promise<void> {
  const hashed = (await hash(password, 4)).replace(/^\$2b\$/, '$2y$');
  await writeFile(file, `${username}:${hashed}\n`, { mode: 0o600 });
}

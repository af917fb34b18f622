import { spawn } from 'node:child_process';
import { chmodSync } from 'node:fs';

/**
 * Writes an htpasswd file holding one bcrypt-hashed user, with Apache's `htpasswd`. The password goes
 * in on standard input (`-i`), never on the command line where `ps` would show it. bcrypt's lowest
 * cost (4) is enough for a random 24-byte password and keeps docker-registry's check of every request cheap.
 */
export function writeHtpasswd(file: string, username: string, password: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('htpasswd', ['-iBc', '-C', '4', file, username], {
      stdio: ['pipe', 'ignore', 'pipe']
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', (error) =>
      reject(new Error(`Could not run htpasswd (${error.message}). Install apache2-utils.`))
    );
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`htpasswd exited with ${code}: ${stderr.trim()}`));
      chmodSync(file, 0o600);
      resolve();
    });
    child.stdin.end(password);
  });
}

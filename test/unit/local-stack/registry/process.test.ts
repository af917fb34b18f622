import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registryConfig } from '../../../../src/local-stack/registry/config.js';
import { writeHtpasswd } from '../../../../src/local-stack/registry/htpasswd.js';
import { registryLayout } from '../../../../src/local-stack/registry/layout.js';
import { RegistryPortTaken, startRegistryProcess } from '../../../../src/local-stack/registry/process.js';

describe('docker-registry process', () => {
  let dataDir: string;
  let squatter: Server;
  let address: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'modelship-registry-process-'));
    squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    address = `127.0.0.1:${(squatter.address() as { port: number }).port}`;
  });
  afterAll(() => {
    squatter.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reports a private port someone else took, so the stack can choose another', async () => {
    const layout = registryLayout(dataDir);
    mkdirSync(layout.storageDir, { recursive: true });
    await writeHtpasswd(layout.htpasswdFile, 'user', 'secret');
    writeFileSync(
      layout.configFile,
      registryConfig({
        listenAddress: address,
        storageDir: layout.storageDir,
        htpasswdFile: layout.htpasswdFile,
        httpSecret: 's'
      })
    );
    const authorization = `Basic ${Buffer.from('user:secret').toString('base64')}`;
    await expect(startRegistryProcess(layout, address, authorization)).rejects.toBeInstanceOf(
      RegistryPortTaken
    );
  });
});

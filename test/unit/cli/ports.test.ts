import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { choosePorts, isFree, rememberedPorts, rememberPorts } from '../../../src/cli/ports.js';

/** Listens on a free loopback port until closed: a port some other program holds. */
async function holdPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server.address() as { port: number }).port, server };
}

/** A port nothing listens on (held, then released). */
async function releasedPort(): Promise<number> {
  const { port, server } = await holdPort();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the ports a local stack starts on', () => {
  let dataDir: string;
  const held: Server[] = [];
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'modelship-ports-'));
  });
  afterEach(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await Promise.all(held.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });
  async function busyPort(): Promise<number> {
    const { port, server } = await holdPort();
    held.push(server);
    return port;
  }

  it('takes the defaults while they are free', async () => {
    const defaults = { port: await releasedPort(), registryPort: await releasedPort() };
    expect(await choosePorts(dataDir, {}, defaults)).toEqual(defaults);
  });

  it('takes free ports (0) where a default is taken, as by another repository’s running stack', async () => {
    const defaults = { port: await busyPort(), registryPort: await busyPort() };
    expect(await choosePorts(dataDir, {}, defaults)).toEqual({ port: 0, registryPort: 0 });
  });

  it('keeps the ports the data directory used last over the defaults', async () => {
    const last = { port: await releasedPort(), registryPort: await releasedPort() };
    rememberPorts(dataDir, last);
    const defaults = { port: await releasedPort(), registryPort: await releasedPort() };
    expect(await choosePorts(dataDir, {}, defaults)).toEqual(last);
  });

  it('moves the endpoint off a remembered port that is taken, but never the registry (images name it)', async () => {
    const last = { port: await busyPort(), registryPort: await releasedPort() };
    rememberPorts(dataDir, last);
    const defaults = { port: await releasedPort(), registryPort: await releasedPort() };
    expect(await choosePorts(dataDir, {}, defaults)).toEqual({
      port: defaults.port,
      registryPort: last.registryPort
    });

    const held = await busyPort();
    rememberPorts(dataDir, { ...last, registryPort: held });
    await expect(choosePorts(dataDir, {}, defaults)).rejects.toThrow(
      `Registry port ${held} is already in use. The stack of ${dataDir} keeps it`
    );
    expect(await choosePorts(dataDir, { registryPort: 0 }, defaults)).toEqual({
      port: defaults.port,
      registryPort: 0
    });
  });

  it('lets given ports win, 0 included', async () => {
    rememberPorts(dataDir, { port: 7001, registryPort: 7002 });
    expect(await choosePorts(dataDir, { port: 0, registryPort: 6000 })).toEqual({
      port: 0,
      registryPort: 6000
    });
  });

  it('ignores a ports file that is not what it wrote', () => {
    writeFileSync(join(dataDir, 'local-stack-ports.json'), '{"port": "4510", "registryPort": -1, "x": 3}');
    expect(rememberedPorts(dataDir)).toEqual({});
    writeFileSync(join(dataDir, 'local-stack-ports.json'), 'not json');
    expect(rememberedPorts(dataDir)).toEqual({});
  });

  it('tells a held port from a free one', async () => {
    expect(await isFree(await busyPort())).toBe(false);
    expect(await isFree(await releasedPort())).toBe(true);
  });
});

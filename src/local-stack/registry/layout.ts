import { join } from 'node:path';

/** Where the registry keeps its files inside the local stack's data directory. */
export interface RegistryLayout {
  dir: string;
  configFile: string;
  htpasswdFile: string;
  storageDir: string;
  logFile: string;
  pidFile: string;
  /** A Docker client config (config.json) already logged in with the stack's internal credentials. */
  dockerConfigDir: string;
}

export function registryLayout(dataDir: string): RegistryLayout {
  const dir = join(dataDir, 'registry');
  return {
    dir,
    configFile: join(dir, 'config.yml'),
    htpasswdFile: join(dir, 'htpasswd'),
    storageDir: join(dir, 'storage'),
    logFile: join(dir, 'registry.log'),
    pidFile: join(dir, 'registry.pid'),
    dockerConfigDir: join(dir, 'docker-config')
  };
}

import { stringify } from 'yaml';

export interface RegistryConfigOptions {
  /** host:port the registry binds; always on the loopback interface. */
  listenAddress: string;
  storageDir: string;
  htpasswdFile: string;
  /** Signs upload state between requests; any random value works for a single instance. */
  httpSecret: string;
}

/**
 * docker-registry's configuration (distribution's config.yml). Deletes are enabled so ECR's
 * BatchDeleteImage can remove manifests; htpasswd guards every request. Only warnings are logged: at
 * info level every request of a push adds lines to the log.
 */
export function registryConfig(options: RegistryConfigOptions): string {
  return stringify({
    version: 0.1,
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: options.storageDir },
      delete: { enabled: true },
      maintenance: { uploadpurging: { enabled: true, age: '24h', interval: '1h', dryrun: false } }
    },
    http: { addr: options.listenAddress, secret: options.httpSecret },
    auth: { htpasswd: { realm: 'modelship-local', path: options.htpasswdFile } }
  });
}

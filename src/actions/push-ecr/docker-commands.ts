/**
 * The exact docker argument arrays push-ecr runs. Every registry operation names the temporary config
 * directory, so credentials never touch the user's ~/.docker.
 */
export function loginArgs(configDir: string, registry: string, username: string): string[] {
  return ['--config', configDir, 'login', '--username', username, '--password-stdin', registry];
}

export function inspectImageArgs(image: string): string[] {
  return ['image', 'inspect', '--format', '{{json .}}', image];
}

export function tagArgs(image: string, target: string): string[] {
  return ['tag', image, target];
}

export function pushArgs(configDir: string, reference: string): string[] {
  return ['--config', configDir, 'push', reference];
}

/** `docker manifest inspect` reads a tag from any registry with the login's credentials. */
export function manifestInspectArgs(configDir: string, reference: string, insecure: boolean): string[] {
  return [
    '--config',
    configDir,
    'manifest',
    'inspect',
    '--verbose',
    ...(insecure ? ['--insecure'] : []),
    reference
  ];
}

/** The manifest digest docker push prints last: `<tag>: digest: sha256:… size: 528`. */
export function pushedDigest(output: string): string | undefined {
  const matches = [...output.matchAll(/digest: (sha256:[a-f0-9]{64})/g)];
  return matches.at(-1)?.[1];
}

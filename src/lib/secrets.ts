/** Registers a value with the runner so it is shown as `***` (core.setSecret in actions). */
export type Mask = (secret: string) => void;

/**
 * Masks a secret in every form it can take in the log: as given, URL-encoded and URL-decoded (a password
 * in a URL), and JSON-escaped (a password inside a printed request body).
 */
export function maskSecret(secret: string, mask: Mask): void {
  for (const form of secretForms(secret)) mask(form);
}

export function secretForms(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
  try {
    forms.add(decodeURIComponent(secret));
  } catch {
    // Not percent-encoded: the value as given is its only URL form.
  }
  return [...forms].filter((form) => form !== '');
}

export interface BasicCredentials {
  username: string;
  password: string;
}

/** The `Authorization: Basic` value for a user, masking the password and the encoded pair first. */
export function basicAuthorization(credentials: BasicCredentials, mask: Mask): string {
  maskSecret(credentials.password, mask);
  const encoded = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  mask(encoded);
  return `Basic ${encoded}`;
}

export interface SplitUrl {
  /** The URL without user information: safe to print. */
  url: string;
  /** The `Authorization: Basic` value for the user information, when there was some. */
  authorization?: string;
}

/**
 * Takes `user:password@` out of a URL, masking the password (or a lone user name, which is then a token,
 * as in `https://TOKEN@host`) in every form before anything can print it.
 */
export function splitUrlCredentials(value: string, mask: Mask): SplitUrl {
  const url = new URL(value);
  if (url.username === '' && url.password === '') return { url: value };
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  if (url.password !== '') maskSecret(url.password, mask);
  else maskSecret(url.username, mask);
  const authorization = basicAuthorization({ username, password }, mask);
  url.username = '';
  url.password = '';
  const bare = url.toString();
  // URL adds a '/' path to a bare origin; keep the value as the user wrote it.
  return { url: url.pathname === '/' && !value.endsWith('/') ? bare.slice(0, -1) : bare, authorization };
}

/** A URL for messages: user information replaced by `***`, whatever else the text is. */
export function redactUrl(value: string): string {
  return value.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
}

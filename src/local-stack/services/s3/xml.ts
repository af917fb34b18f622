import { escapeXml } from '../../wire/xml.js';
import { malformedXml } from './errors.js';

export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** A member's value: text, a nested element, or repeated elements (S3 lists are flat, unwrapped). */
export type XmlValue = string | number | boolean | Date | XmlElement | XmlElement[] | string[] | undefined;
export interface XmlElement {
  [name: string]: XmlValue;
}

/** An S3 response document: `<?xml…?><Root xmlns="…">members</Root>`; undefined members are left out. */
export function xmlDocument(root: string, members: XmlElement, namespace = root !== 'Error'): string {
  const xmlns = namespace ? ` xmlns="${S3_NAMESPACE}"` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${xmlns}>${elements(members)}</${root}>`;
}

function elements(members: XmlElement): string {
  return Object.entries(members)
    .map(([name, value]) => element(name, value))
    .join('');
}

function element(name: string, value: XmlValue): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((item: string | XmlElement) => element(name, item)).join('');
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object') return `<${name}>${elements(value)}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/**
 * The few request documents S3 takes (CreateBucketConfiguration, CompleteMultipartUpload, Delete) are
 * flat lists of simple elements, so they are read with a strict pattern rather than a general parser:
 * `xmlChildren(text, 'Part')` gives each <Part>…</Part>'s inner text, `xmlText(part, 'ETag')` one member.
 */
export function xmlChildren(document: string, name: string): string[] {
  const found: string[] = [];
  const pattern = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, 'g');
  for (const match of document.matchAll(pattern)) found.push(match[1] ?? '');
  return found;
}

export function xmlText(fragment: string, name: string): string | undefined {
  const [inner] = xmlChildren(fragment, name);
  if (inner === undefined) {
    // An empty element (`<Quiet/>`) is present with no text.
    return new RegExp(`<${name}(?:\\s[^>]*)?/>`).test(fragment) ? '' : undefined;
  }
  if (/</.test(inner)) throw malformedXml();
  return unescapeXml(inner);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]+);/g, (_entity: string, name: string) => {
    if (name.startsWith('#')) {
      const code = name.startsWith('#x') ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (code > 0x10ffff) throw malformedXml();
      return String.fromCodePoint(code);
    }
    const character = ENTITIES[name];
    if (character === undefined) throw malformedXml();
    return character;
  });
}

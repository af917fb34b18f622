/**
 * Serializes an operation's output for the AWS Query protocol. Lists become <member> elements, dates
 * ISO 8601, nested objects nested elements; undefined members are left out, as AWS does.
 */
export function toXml(value: unknown, indent = ''): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return escapeXml(value.toISOString());
  if (Array.isArray(value)) {
    return (
      value.map((item) => `\n${indent}<member>${toXml(item, indent + '  ')}</member>`).join('') +
      `\n${indent.slice(2)}`
    );
  }
  if (typeof value === 'object') {
    const parts = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined && member !== null)
      .map(([key, member]) => `\n${indent}<${key}>${toXml(member, indent + '  ')}</${key}>`);
    return parts.length === 0 ? '' : parts.join('') + `\n${indent.slice(2)}`;
  }
  // What is left is a scalar: a string as it is, a number or boolean as JSON writes it.
  return escapeXml(typeof value === 'string' ? value : JSON.stringify(value));
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;');
}

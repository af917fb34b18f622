import {
  basicAuthorization,
  maskSecret,
  redactUrl,
  secretForms,
  splitUrlCredentials
} from '../../../src/lib/secrets.js';

describe('secrets', () => {
  it('lists a secret as given, URL-encoded, URL-decoded and JSON-escaped', () => {
    expect(secretForms('a"b/c%41')).toEqual(['a"b/c%41', 'a%22b%2Fc%2541', 'a\\"b/c%41', 'a"b/cA']);
    expect(secretForms('plain')).toEqual(['plain']);
    expect(secretForms('%E0%A4%A')).toEqual(['%E0%A4%A', '%25E0%25A4%25A']);
  });

  it('masks every form, and the encoded pair of basic auth', () => {
    const masked: string[] = [];
    maskSecret('x y', (secret) => masked.push(secret));
    expect(masked).toEqual(['x y', 'x%20y']);
    masked.length = 0;
    expect(basicAuthorization({ username: 'u', password: 'p' }, (secret) => masked.push(secret))).toBe(
      'Basic dTpw'
    );
    expect(masked).toEqual(['p', 'dTpw']);
  });

  it('takes user information out of a URL', () => {
    const masked: string[] = [];
    const mask = (secret: string) => masked.push(secret);
    expect(splitUrlCredentials('http://host:5000/base', mask)).toEqual({ url: 'http://host:5000/base' });
    expect(masked).toEqual([]);
    expect(splitUrlCredentials('http://me:s%3Ecret@host:5000/base', mask)).toEqual({
      url: 'http://host:5000/base',
      authorization: `Basic ${Buffer.from('me:s>cret').toString('base64')}`
    });
    expect(masked).toEqual(
      expect.arrayContaining(['s%3Ecret', 's>cret', Buffer.from('me:s>cret').toString('base64')])
    );
  });

  it('redacts user information of any URL in a message', () => {
    expect(redactUrl('TypeError: cannot fetch http://u:p@h:1/x; see https://h2/ok')).toBe(
      'TypeError: cannot fetch http://***@h:1/x; see https://h2/ok'
    );
  });
});

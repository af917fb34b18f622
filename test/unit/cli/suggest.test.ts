import { closestMatches, didYouMean, editDistance } from '../../../src/cli/suggest.js';

describe('editDistance', () => {
  it.each([
    ['port', 'port', 0],
    ['prot', 'port', 1], // neighbours swapped
    ['loacl', 'local', 1],
    ['stat', 'status', 2],
    ['kitten', 'sitting', 3],
    ['', 'env', 3]
  ])('%s → %s is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('closestMatches', () => {
  const options = ['--data-dir', '--port', '--registry-port', '--region', '--token-ttl', '--help'];

  it.each([
    ['--prot', ['--port']],
    ['--regoin', ['--region']],
    ['--data-dri', ['--data-dir']],
    ['--reg', ['--registry-port', '--region']], // too far for a typo: the options it begins
    ['--colour', []],
    ['-x', []]
  ])('%s → %j', (word, expected) => {
    expect(closestMatches(word, options)).toEqual(expected);
  });

  it('offers every candidate at the smallest distance', () => {
    expect(closestMatches('dawn', ['down', 'dawns', 'serve'])).toEqual(['down', 'dawns']);
  });

  it('offers nothing for a short word that is no typo of any candidate', () => {
    expect(closestMatches('ab', ['up', 'env'])).toEqual([]);
  });
});

describe('didYouMean', () => {
  it('words the suggestion, or says nothing', () => {
    expect(didYouMean('--prot', ['--port'])).toBe(' Did you mean --port?');
    expect(didYouMean('stat', ['status', 'serve'], (name) => `'local ${name}'`)).toBe(
      " Did you mean 'local status'?"
    );
    expect(didYouMean('--colour', ['--port'])).toBe('');
  });
});

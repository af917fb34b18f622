import { join } from 'node:path';
import { cacheDirectory, compileCacheEnvironment } from '../../../src/runner/node-runtime.js';

describe("the actions' Node compile cache", () => {
  it("is modelship's cache directory unless the caller set one", () => {
    expect(compileCacheEnvironment({ PATH: '/usr/bin' })).toEqual({
      NODE_COMPILE_CACHE: join(cacheDirectory(), 'node-compile-cache')
    });
    expect(compileCacheEnvironment({ NODE_COMPILE_CACHE: '/mine' })).toEqual({});
    expect(cacheDirectory({ XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/modelship');
  });
});

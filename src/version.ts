import pkg from '../package.json' with { type: 'json' };

/** smoke's version, from package.json (bundled into dist/smoke.mjs with the rest of src/). */
export const VERSION: string = pkg.version;

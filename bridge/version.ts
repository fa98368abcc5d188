import pkg from '../package.json' with { type: 'json' };

/** The package version, for discovery's origin, /healthz and /metrics (inlined by the bundle build). */
export const VERSION: string = pkg.version;

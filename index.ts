// deeptrace: the package's main entry, everything of the subpath entries (deeptrace/core,
// deeptrace/reference, deeptrace/plants, deeptrace/loop, deeptrace/client, deeptrace/johnny-five).
export * from './api/core.ts';
export * from './api/reference.ts';
export * from './api/plants.ts';
export * from './api/loop.ts';
export * from './api/client.ts';
export * from './api/johnny-five.ts';

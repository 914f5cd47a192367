#!/usr/bin/env node
// The `deeptrace` command. The host is written in TypeScript; tsx compiles it on load so that a
// checkout runs without a separate compile step.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../host/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));

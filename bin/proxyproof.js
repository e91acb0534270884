#!/usr/bin/env node
// The CLI runs the TypeScript sources directly through tsx, so `npx proxyproof`
// in a fresh clone needs no build step and can never run stale output.
import { register } from 'tsx/esm/api';

register();
await import('../harness/cli/main.ts');

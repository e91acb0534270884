#!/usr/bin/env node
// The CLI runs the TypeScript sources directly through tsx, so `npx proxyproof`
// in a fresh clone needs no build step and can never run stale output.
import { register } from 'tsx/esm/api';

// The AWS SDK warns on Node < 22 about its releases after January 2027; the
// version pinned here supports Node 20, so the warning is noise in our output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
try {
  await import('../harness/cli/main.ts');
} catch (e) {
  // The CLI itself did not load: a defect (or a broken install), never a verdict.
  process.stderr.write(
    `proxyproof: internal error, the CLI could not load; please report it with this output:\n${e?.stack ?? e}\n`,
  );
  process.exitCode = 70;
}

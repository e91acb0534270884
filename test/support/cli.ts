import { execa } from 'execa';

export const BIN = new URL('../../bin/proxyproof.js', import.meta.url).pathname;

/**
 * Runs the real CLI in a clean environment: no AWS settings or credentials of
 * the developer's, the tests' engine, and the variables given. Never throws on
 * a non-zero exit.
 */
export function proxyproof(args: string[], env: Record<string, string> = {}) {
  return execa('node', [BIN, ...args], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      // The engine the tests run against, when it is not the default one.
      ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
      ...env,
    },
    extendEnv: false,
    reject: false,
  });
}

/** stderr of a command that refused bad input: one line naming the problem, no stack trace. */
export function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  if (lines.length !== 1 || /^\s+at /m.test(stderr))
    throw new Error(`expected one line on stderr, got:\n${stderr}`);
  return lines[0]!;
}

/**
 * A problem with the user's input or environment (no Docker, no base image, bad
 * scenario): the message says what to do, so the CLI prints it without a stack.
 */
export class SetupError extends Error {
  override name = 'SetupError';
}

/** Something the harness relies on broke: its own invariant, not the user's input or machine. */
export class HarnessDefect extends Error {
  override name = 'HarnessDefect';
}

/**
 * Why the harness could not finish something: its environment (an engine error,
 * a container removed under it, a timeout, a refused connection, an AWS API
 * refusal) or a defect of its own. CI tells a broken setup from a broken
 * harness by this, and neither from a broken product.
 */
export type ErrorKind = 'environment' | 'harness';

/** JavaScript's own errors, which only a bug in the harness throws. */
const DEFECTS = [TypeError, ReferenceError, RangeError, SyntaxError, EvalError, URIError];

export function errorKind(e: unknown): ErrorKind {
  if (e instanceof HarnessDefect) return 'harness';
  if (DEFECTS.some((type) => e instanceof type)) return 'harness';
  // Everything else is what the world threw at the harness: dockerode's HTTP
  // errors, system errors (ECONNREFUSED, ENOENT), testcontainers' timeouts,
  // the AWS SDK's service errors, SetupError.
  return 'environment';
}

/** An error in one line, as a person reads it, named when its name says something (an AWS exception). */
export function errorLine(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const named = e.name !== 'Error' && !(e instanceof SetupError) && !e.message.startsWith(e.name);
  return `${named ? `${e.name}: ` : ''}${e.message}`.replace(/\s*\n\s*/g, ' ').trim();
}

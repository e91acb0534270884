/**
 * A problem with the user's input or environment (no Docker, no base image, bad
 * scenario): the message says what to do, so the CLI prints it without a stack.
 */
export class SetupError extends Error {
  override name = 'SetupError';
}

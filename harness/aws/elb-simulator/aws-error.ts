/** HTTP status per error code where AWS's is not 400 (from the SDK's model). */
const STATUS: Record<string, number> = { InvalidConfigurationRequest: 409, InternalFailure: 500 };

/** An error as AWS names it: the SDK turns Code into the exception's name. */
export class AwsError extends Error {
  readonly status: number;

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.status = STATUS[code] ?? 400;
  }
}

/** AWS's wording when a required member is absent from the request (both APIs). */
export const missing = (member: string): AwsError =>
  new AwsError(
    'ValidationError',
    `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
  );

/** One of AWS's constraint violations, as its validation messages word them. */
export const violation = (value: string | number, member: string, rule: string): string =>
  `Value '${value}' at '${member}' failed to satisfy constraint: Member must ${rule}`;

/** AWS's ValidationError naming every violation at once. */
export function validationErrors(violations: string[]): AwsError {
  const n = violations.length;
  return new AwsError(
    'ValidationError',
    `${n} validation error${n > 1 ? 's' : ''} detected: ${violations.join('; ')}`,
  );
}

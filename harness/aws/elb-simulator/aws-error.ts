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

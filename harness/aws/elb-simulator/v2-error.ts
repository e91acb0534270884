import { AwsError } from './aws-error.ts';

/**
 * An ELBv2 error. Every code the v2 API models is a 400, including
 * InvalidConfigurationRequest, which the Classic API answers with 409.
 */
export class ElbV2Error extends AwsError {
  override readonly status = 400;
}

/** AWS's wording when a required member is absent from the request. */
export const missing = (member: string): ElbV2Error =>
  new ElbV2Error(
    'ValidationError',
    `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
  );

import { AwsError } from './aws-error.ts';

/**
 * An ELBv2 error. Every code the v2 API models is a 400 but HealthUnavailable
 * (a 500), including InvalidConfigurationRequest, which the Classic API
 * answers with 409.
 */
export class ElbV2Error extends AwsError {
  override readonly status = this.code === 'HealthUnavailable' ? 500 : 400;
}

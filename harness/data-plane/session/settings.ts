// What an NLB target group decides about the PROXY header, as the data plane
// reads it for each new connection (settings-file.ts). Pure.
import { z } from 'zod';
import { SetupError } from '../../errors.ts';

/**
 * proxy_protocol_v2.client_to_server.header_placement: AWS's default holds
 * the header until the client's first payload and sends it in front of it;
 * `on_first_ack` (only AWS support sets it) sends it as soon as the target
 * connection is up, before any payload.
 */
export const HEADER_PLACEMENTS = ['on_first_ack_with_payload', 'on_first_ack'] as const;
export type HeaderPlacement = (typeof HEADER_PLACEMENTS)[number];

/** TLVs the target header can carry (the names of HAProxy's proxy-v2-options). */
export const TARGET_TLVS = ['crc32c', 'unique-id', 'authority'] as const;
export type TargetTlv = (typeof TARGET_TLVS)[number];

const schema = z
  .object({
    /** proxy_protocol_v2.enabled: false (AWS's default) sends no target header at all. */
    proxyProtocol: z.boolean().default(false),
    headerPlacement: z.enum(HEADER_PLACEMENTS).default('on_first_ack_with_payload'),
    /** Carried in this order, CRC32C first (as HAProxy and AWS place it). */
    tlvs: z.array(z.enum(TARGET_TLVS)).default([]),
    /**
     * Read a PROXY header (v1 or v2) the client side sends first, as a balancer
     * behind another proxy (a TLS front) must: its source is then the client.
     */
    acceptProxy: z.boolean().default(false),
  })
  .strict();

export type DataPlaneSettings = Readonly<z.infer<typeof schema>>;

/** A fresh NLB TCP target group: no PROXY header; placement and TLVs at their defaults. */
export const DEFAULT_SETTINGS: DataPlaneSettings = schema.parse({});

/** Settings text that cannot be used, with every problem by field. */
export class SettingsError extends SetupError {
  override readonly name = 'SettingsError';
}

/** Settings from their JSON text; a key left out takes the AWS default. */
export function parseSettings(text: string): DataPlaneSettings {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SettingsError(`not JSON: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.length ? i.path.join('.') : '(settings)'}: ${i.message}`,
    );
    throw new SettingsError(problems.join('; '));
  }
  return parsed.data;
}

/** Why reading a capture stopped before its end. Stable: scripts match on them. */
export type DamageCode =
  | 'EMPTY_FILE'
  | 'NOT_A_CAPTURE'
  | 'UNSUPPORTED_LINK_TYPE'
  | 'PCAP_TRUNCATED_HEADER'
  | 'PCAP_TRUNCATED_RECORD'
  | 'PCAP_RECORD_TOO_LONG'
  | 'PCAPNG_TRUNCATED_BLOCK'
  | 'PCAPNG_BAD_BLOCK_LENGTH'
  | 'PCAPNG_BAD_BYTE_ORDER'
  | 'PCAPNG_UNSUPPORTED_VERSION'
  | 'PCAPNG_SHORT_BLOCK'
  | 'PCAPNG_BAD_PACKET_LENGTH'
  | 'PCAPNG_BAD_OPTION'
  | 'PCAPNG_UNKNOWN_INTERFACE';

/** What of a capture was not read: everything from `offset` on. */
export interface CaptureDamage {
  /** Byte offset in the file of the header, record or block that could not be read. */
  offset: number;
  code: DamageCode;
  message: string;
}

/** What was not read, for people: under decode's table, on stderr, in a scenario's reason. */
export const unreadText = (damage: CaptureDamage) =>
  `unread from byte ${damage.offset}: ${damage.message} (${damage.code})`;

/** Thrown by the capture readers where a file cannot be read on; extraction returns it as damage. */
export class CaptureFormatError extends Error {
  override name = 'CaptureFormatError';

  constructor(
    readonly code: DamageCode,
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }

  get damage(): CaptureDamage {
    return { offset: this.offset, code: this.code, message: this.message };
  }
}

/** Runs `read`, returning the damage a CaptureFormatError stopped it at: null when none did. */
export function damageOf(read: () => void): CaptureDamage | null {
  try {
    read();
    return null;
  } catch (e) {
    if (e instanceof CaptureFormatError) return e.damage;
    throw e;
  }
}

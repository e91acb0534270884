import { unreadText, type CaptureDamage } from '../capture/damage.ts';
import { streamProxyHeadersFromFile } from '../capture/extract.ts';
import type { CapturedConnection } from '../capture/proxy-headers.ts';
import { SetupError } from '../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { decodeProxyHeader } from '../proxy-protocol/decode.ts';
import { connectionLine, connectionTable, hexResult, shown, unreadLine } from './decode-output.ts';

/** stdout in batches: a write per line would cost more than making the line. */
class Output {
  private lines: string[] = [];
  private size = 0;

  line(text: string): void {
    this.lines.push(text);
    this.size += text.length;
    if (this.size > 1 << 16) this.flush();
  }

  flush(): void {
    if (this.lines.length > 0) process.stdout.write(`${this.lines.join('\n')}\n`);
    this.lines = [];
    this.size = 0;
  }
}

/**
 * `proxyproof decode`: the connections of a capture that begin with a PROXY
 * header, printed as they are read (the file is streamed), or one header given as hex.
 * Exit codes:
 * - 0: at least one header decoded, none malformed, and the file read whole
 *   (--hex: the header decoded);
 * - 1: a check failed, or nothing was checked: a malformed or cut-short header
 *   (--hex: an invalid one), or no connection begins with a PROXY header;
 * - 2: bad input: bad usage (--hex that is not hex), a file that cannot be
 *   read, or one read only in part (damaged, cut short, an unsupported link
 *   type): what was whole is printed, then what was not read, from which byte.
 *   2 wins over 1.
 */
export async function decode(
  file: string | undefined,
  options: { hex?: string; format: string },
): Promise<number> {
  if (options.format !== 'json' && options.format !== 'table') {
    throw new SetupError(`--format must be json or table, not ${JSON.stringify(options.format)}`);
  }
  if (options.hex !== undefined) {
    const text = options.hex.replace(/\s+/g, '');
    if (!/^([0-9a-fA-F]{2})*$/.test(text)) {
      throw new SetupError(
        `--hex ${JSON.stringify(options.hex)} is not an even number of hex digits`,
      );
    }
    const input = Buffer.from(text, 'hex');
    const { ok, json } = hexResult(input, decodeProxyHeader(input));
    process.stdout.write(
      `${options.format === 'table' ? JSON.stringify(json, null, 2) : JSON.stringify(json)}\n`,
    );
    return ok ? EXIT.passed : EXIT.failed;
  }
  if (!file) throw new SetupError('give a capture file, or --hex <header bytes>');

  const table = options.format === 'table';
  const out = new Output();
  // The table's columns are as wide as their widest cell, so its rows wait for the end.
  const rows: CapturedConnection[] = [];
  let connections = 0;
  let withHeaders = 0;
  let malformed = 0;
  let damage: CaptureDamage | null;
  try {
    damage = streamProxyHeadersFromFile(file, (c) => {
      connections++;
      if (c.headers.length > 0) withHeaders++;
      if (c.error) malformed++;
      if (!shown(c)) return;
      if (table) rows.push(c);
      else out.line(connectionLine(c));
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).syscall === undefined) throw e;
    throw new SetupError(`cannot read ${file}: ${(e as Error).message}`);
  }
  if (table) out.line(connectionTable(rows));
  if (damage) out.line(table ? unreadText(damage) : unreadLine(damage));
  out.flush();
  if (damage) {
    process.stderr.write(`proxyproof: ${file}: ${unreadText(damage)}\n`);
    return EXIT.setup;
  }
  if (malformed > 0) return EXIT.failed;
  if (withHeaders === 0) {
    process.stderr.write(
      `proxyproof: no connection in ${file} begins with a PROXY header (${connections} TCP connections read)\n`,
    );
    return EXIT.failed;
  }
  return EXIT.passed;
}

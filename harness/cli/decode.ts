import { readFile } from 'node:fs/promises';
import { extractProxyHeaders } from '../capture/extract.ts';
import { PcapFormatError } from '../capture/pcap.ts';
import { SetupError } from '../errors.ts';
import { decodeProxyHeader } from '../proxy-protocol/decode.ts';
import { connectionLines, connectionTable, errorLine, hexResult } from './decode-output.ts';

/** `proxyproof decode`: exit 0 decoded, 1 an invalid --hex header, 2 bad usage or file. */
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
      process.stdout.write(
        `${errorLine({ code: 'BAD_HEX', message: 'the argument is not an even number of hex digits' })}\n`,
      );
      return 1;
    }
    const input = Buffer.from(text, 'hex');
    const { ok, json } = hexResult(input, decodeProxyHeader(input));
    process.stdout.write(
      `${options.format === 'table' ? JSON.stringify(json, null, 2) : JSON.stringify(json)}\n`,
    );
    return ok ? 0 : 1;
  }
  if (!file) throw new SetupError('give a capture file, or --hex <header bytes>');
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new SetupError(`cannot read ${file}: ${(e as Error).message}`);
  }
  let connections;
  try {
    connections = extractProxyHeaders(bytes);
  } catch (e) {
    if (e instanceof PcapFormatError) throw new SetupError(`${file}: ${e.message}`);
    throw e;
  }
  const out =
    options.format === 'table' ? [connectionTable(connections)] : connectionLines(connections);
  if (out.length > 0) process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

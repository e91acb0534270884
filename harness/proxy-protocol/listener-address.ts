/**
 * The destination of every header a proxy sends is its own listener: one
 * address per family. Its text is kept with the bytes it was read from and
 * reused while the next header's bytes match, instead of parsed or printed
 * again. The decoders run synchronously, one header at a time.
 */
export class ListenerAddress {
  text = '';
  /** 0 until an address is kept. */
  length = 0;
  private readonly bytes = new Uint8Array(64);

  /** Whether `b[start, end)` are the kept address's bytes. */
  matches(b: Uint8Array, start: number, end: number): boolean {
    if (this.length === 0 || end - start !== this.length) return false;
    for (let i = 0; i < this.length; i++) if (b[start + i] !== this.bytes[i]) return false;
    return true;
  }

  /** Keeps `text` as the text of `b[start, end)`, and returns it. */
  keep(b: Uint8Array, start: number, end: number, text: string): string {
    if (end - start > this.bytes.length) return text;
    for (let i = start; i < end; i++) this.bytes[i - start] = b[i]!;
    this.length = end - start;
    this.text = text;
    return text;
  }
}

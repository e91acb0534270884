// Text of a byte range by Buffer's own decoders, which take any Uint8Array: one
// native call, no view made. They are undocumented (Buffer#toString calls them);
// every codec test decodes through them, so a Node that dropped them fails there. Decoders cut one such string per header with
// substring() rather than make one per field.
const decoders = Buffer.prototype as unknown as {
  latin1Slice: (this: Uint8Array, start: number, end: number) => string;
  hexSlice: (this: Uint8Array, start: number, end: number) => string;
};

export const latin1 = (b: Uint8Array, start: number, end: number): string =>
  decoders.latin1Slice.call(b, start, end);

export const hex = (b: Uint8Array, start: number, end: number): string =>
  decoders.hexSlice.call(b, start, end);

import { firstErrorPacket } from '../../harness/probes/mysql-error-packet.ts';

const packet = (seq: number, payload: Buffer) => {
  const h = Buffer.alloc(4);
  h.writeUIntLE(payload.length, 0, 3);
  h[3] = seq;
  return Buffer.concat([h, payload]);
};

describe("the server's error packet, read from the socket", () => {
  test('after a greeting, the ERR packet gives its name and message', () => {
    const greeting = packet(0, Buffer.from('\x0a5.5.5-10.11.18-MariaDB\x00', 'latin1'));
    const err = Buffer.concat([
      Buffer.from([0xff, 0x6a, 0x04]),
      Buffer.from('#HY000Proxy header is not accepted from 10.0.0.1'),
    ]);
    expect(firstErrorPacket(Buffer.concat([greeting, packet(1, err)]))).toEqual({
      name: 'ER_HOST_NOT_PRIVILEGED',
      message: 'Proxy header is not accepted from 10.0.0.1',
    });
  });
  test('no ERR packet, or a cut one, gives null', () => {
    expect(firstErrorPacket(packet(0, Buffer.from('\x0agreeting', 'latin1')))).toBeNull();
    expect(
      firstErrorPacket(packet(1, Buffer.from([0xff, 0x6a, 0x04, 0x41])).subarray(0, 6)),
    ).toBeNull();
  });
});

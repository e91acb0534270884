import { createWriteStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { consumeSingleFile } from '../topology/container-archive.ts';
import { containerOutput } from '../topology/docker.ts';
import { readRecords } from './capture-file.ts';
import { decodeTcpSegment } from './packet.ts';

const PCAP_IN_CONTAINER = '/capture/backend.pcap';
const MARKER_ADDRESS = '127.0.0.1';
const CATCH_UP_DEADLINE_MS = 10_000;

/** What tcpdump said about its own capture when it stopped. */
export interface CaptureStats {
  /** Packets the kernel dropped before tcpdump read them: the pcap is incomplete if > 0. */
  droppedByKernel: number;
}

/** tcpdump running in a backend's network namespace. */
export interface CaptureSidecar {
  containerId: string;
  /**
   * Waits until tcpdump has written everything the clients did, stops it and
   * copies the pcap to `file`.
   */
  collect(file: string): Promise<CaptureStats>;
}

export async function startCaptureSidecar(opts: {
  image: string;
  name: string;
  backendContainerId: string;
  port: number;
  labels: Record<string, string>;
  onCreated: (id: string) => void;
}): Promise<CaptureSidecar> {
  const started: StartedTestContainer = await new GenericContainer(opts.image)
    .withName(opts.name)
    .withLabels(opts.labels)
    .withNetworkMode(`container:${opts.backendContainerId}`)
    .withCommand([
      'tcpdump',
      '-i',
      'any',
      '-n',
      '-U',
      '-B',
      '16384',
      '-Z',
      'root',
      '-w',
      PCAP_IN_CONTAINER,
      'tcp',
      'port',
      String(opts.port),
    ])
    .withWaitStrategy(Wait.forLogMessage(/listening on/))
    .withStartupTimeout(30_000)
    .start();
  opts.onCreated(started.getId());
  return {
    containerId: started.getId(),
    async collect(file) {
      await catchUp(started, opts.port, file);
      const stopped = await started.stop({ remove: false, timeout: 5_000 });
      await extractSingleFile(await stopped.copyArchiveFromContainer(PCAP_IN_CONTAINER), file);
      return { droppedByKernel: droppedByKernel(await containerOutput(started.getId())) };
    },
  };
}

/**
 * tcpdump may still be behind the kernel when the clients finish, and stopping
 * it then loses packets. So a marker connection is made on the backend's
 * loopback *after* the clients' traffic, and we wait until the marker is in the
 * file: everything before it is then written too.
 */
async function catchUp(
  sidecar: StartedTestContainer,
  port: number,
  scratch: string,
): Promise<void> {
  await sidecar.exec(['bash', '-c', `exec 3<>/dev/tcp/${MARKER_ADDRESS}/${port}`]);
  const deadline = Date.now() + CATCH_UP_DEADLINE_MS;
  try {
    while (Date.now() < deadline) {
      await extractSingleFile(await sidecar.copyArchiveFromContainer(PCAP_IN_CONTAINER), scratch);
      // tcpdump is still writing: a record cut at the end is expected, and what is whole will do.
      const { records } = readRecords(await readFile(scratch));
      if (records.some((r) => decodeTcpSegment(r.linkType, r.data)?.dst === MARKER_ADDRESS)) return;
      await sleep(100);
    }
  } finally {
    await rm(scratch, { force: true });
  }
  throw new Error(
    `the capture did not catch up with the clients within ${CATCH_UP_DEADLINE_MS / 1000} s`,
  );
}

/** tcpdump's closing statistics: "N packets dropped by kernel". */
export function droppedByKernel(tcpdumpOutput: string): number {
  const m = /(\d+) packets? dropped by kernel/.exec(tcpdumpOutput);
  if (!m) throw new Error(`tcpdump did not report its statistics:\n${tcpdumpOutput}`);
  return Number(m[1]);
}

/** A file copied out of the container, written to `file` as it streams. */
const extractSingleFile = (archive: NodeJS.ReadableStream, file: string) =>
  consumeSingleFile(archive, (content) => pipeline(content, createWriteStream(file)), file);

import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import tar from 'tar-stream';

const PCAP_IN_CONTAINER = '/capture/backend.pcap';

/** tcpdump running in a backend's network namespace. */
export interface CaptureSidecar {
  containerId: string;
  /** Stops tcpdump (it flushes on SIGTERM) and copies the pcap to `file`. */
  collect(file: string): Promise<void>;
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
      '--immediate-mode',
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
      const stopped = await started.stop({ remove: false, timeout: 5_000 });
      const archive = await stopped.copyArchiveFromContainer(PCAP_IN_CONTAINER);
      await extractSingleFile(archive, file);
    },
  };
}

/** Docker hands files out as a tar archive; this writes its one entry to `file`. */
async function extractSingleFile(archive: NodeJS.ReadableStream, file: string): Promise<void> {
  const extract = tar.extract();
  let found = false;
  extract.on('entry', (header, stream, next) => {
    if (header.type === 'file' && !found) {
      found = true;
      pipeline(stream, createWriteStream(file)).then(() => next(), next);
    } else {
      stream.on('end', () => next());
      stream.resume();
    }
  });
  await pipeline(archive, extract);
  if (!found) throw new Error(`the capture archive held no file for ${file}`);
}

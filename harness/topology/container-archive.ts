// Docker moves files in and out of containers as tar archives.
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';

/** A file put into a container before it starts. */
export interface ContainerFile {
  content: string;
  target: string;
}

/** Files as an archive Docker extracts at the container's root. */
export function archiveOf(files: readonly ContainerFile[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const f of files) pack.entry({ name: f.target.replace(/^\//, ''), mode: 0o644 }, f.content);
  pack.finalize();
  return buffer(pack);
}

/**
 * Hands the one file in an archive Docker gave out (a path copied out of a
 * container) to `consume`, streamed; `what` names it if the archive holds none.
 */
export async function consumeSingleFile(
  archive: NodeJS.ReadableStream,
  consume: (content: AsyncIterable<unknown>) => Promise<void>,
  what: string,
): Promise<void> {
  const extract = tar.extract();
  // Set in the entry callback, which TypeScript's narrowing does not follow.
  let found = false as boolean;
  extract.on('entry', (header, stream, next) => {
    if (header.type === 'file' && !found) {
      found = true;
      consume(stream).then(() => next(), next);
    } else {
      stream.on('end', () => next());
      stream.resume();
    }
  });
  await pipeline(archive, extract);
  if (!found) throw new Error(`the archive held no file for ${what}`);
}

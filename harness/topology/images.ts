import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GenericContainer, ImageName } from 'testcontainers';
import { SetupError } from '../errors.ts';
import { docker } from './docker.ts';

export type ImageKind = 'balancer' | 'backend' | 'capture';
export type Images = Record<ImageKind, string>;

/** Every Dockerfile in containers/ starts FROM this. */
export const BASE_IMAGE = 'debian:bookworm-slim';

export const CONTAINERS_DIR = new URL('../../containers/', import.meta.url).pathname;

/** A tag that changes exactly when the build context changes. */
async function contextTag(kind: ImageKind): Promise<string> {
  const dir = join(CONTAINERS_DIR, kind);
  const hash = createHash('sha256');
  for (const name of (await readdir(dir)).sort()) {
    hash
      .update(name)
      .update('\0')
      .update(await readFile(join(dir, name)))
      .update('\0');
  }
  return `proxyproof/${kind}:${hash.digest('hex').slice(0, 12)}`;
}

/**
 * Builds the image for `kind` from containers/<kind> unless an image for the
 * same context is already there, so a build happens once per change.
 */
export async function ensureImage(
  kind: ImageKind,
  onBuild: (tag: string) => void,
): Promise<string> {
  const tag = await contextTag(kind);
  const client = await docker();
  if (await client.image.exists(ImageName.fromString(tag))) return tag;
  onBuild(tag);
  await ensureBaseImage();
  await GenericContainer.fromDockerfile(join(CONTAINERS_DIR, kind)).build(tag, {
    deleteOnExit: false,
  });
  return tag;
}

let baseImage: Promise<void> | undefined;

/** The base image, pulled if a registry answers; otherwise a message that says how to make it. */
function ensureBaseImage(): Promise<void> {
  baseImage ??= (async () => {
    const problem = await imageUnavailable(BASE_IMAGE);
    if (problem) {
      throw new SetupError(
        `${BASE_IMAGE} is not on this Docker engine and cannot be pulled: ${problem}. ` +
          'Without a registry, make it from Debian packages with: bash .ci/base-image.sh',
      );
    }
  })();
  return baseImage;
}

export async function ensureImages(onBuild: (tag: string) => void): Promise<Images> {
  const [balancer, backend, capture] = await Promise.all(
    (['balancer', 'backend', 'capture'] as const).map((k) => ensureImage(k, onBuild)),
  );
  return { balancer: balancer!, backend: backend!, capture: capture! };
}

/** Null when `image` is on the engine or can be pulled; otherwise why not. */
export async function imageUnavailable(image: string): Promise<string | null> {
  const client = await docker();
  const name = ImageName.fromString(image);
  if (await client.image.exists(name)) return null;
  try {
    await client.image.pull(name);
    return null;
  } catch (e) {
    return `no registry answers: ${(e as Error).message.split('\n')[0]!.trim()}`;
  }
}

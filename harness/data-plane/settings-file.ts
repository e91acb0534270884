// The data plane's settings as a JSON file, read again for every new
// connection: the harness changes a target group's attributes by rewriting it
// (inside the container, through the engine's archive API), and the next
// connection has them while established ones keep theirs, as on AWS.
import { readFile } from 'node:fs/promises';
import { parseSettings, SettingsError, type DataPlaneSettings } from './session/settings.ts';

export class SettingsFile {
  /** The problem said last, so a file that stays broken is reported once. */
  private problem: string | null = null;

  private constructor(
    readonly path: string,
    private last: DataPlaneSettings,
    private readonly onProblem: (problem: string) => void,
  ) {}

  /** Reads the file: it must hold valid settings to start with (throws with why not). */
  static async open(path: string, onProblem: (problem: string) => void): Promise<SettingsFile> {
    const text = await readFile(path, 'utf8');
    try {
      return new SettingsFile(path, parseSettings(text), onProblem);
    } catch (e) {
      throw new SettingsError(`${path}: ${(e as Error).message}`);
    }
  }

  /**
   * The settings in the file now. When it cannot be read or is not valid (a
   * rewrite caught half-way), the last good ones, and the problem is reported.
   */
  async current(): Promise<DataPlaneSettings> {
    try {
      this.last = parseSettings(await readFile(this.path, 'utf8'));
      this.problem = null;
    } catch (e) {
      const problem = (e as Error).message;
      if (problem !== this.problem) this.onProblem(problem);
      this.problem = problem;
    }
    return this.last;
  }
}

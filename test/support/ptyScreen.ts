import xterm from '@xterm/headless';
import * as pty from 'node-pty';

/**
 * A program in a real pseudo-terminal, its screen kept by a headless terminal emulator:
 * what a person would see, read as text.
 */
export class PtyScreen {
  private readonly terminal: xterm.Terminal;
  private readonly process: pty.IPty;
  private exitCode: number | undefined;
  private readonly parsedListeners = new Set<() => void>();
  readonly exited: Promise<number>;
  /** Window titles the program set, in order (xterm's title stack on, as in most terminals). */
  readonly titles: string[] = [];
  /** Terminal bells the program rang. */
  bells = 0;

  constructor(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; cols?: number; rows?: number }) {
    const cols = options.cols ?? 120;
    const rows = options.rows ?? 40;
    this.terminal = new xterm.Terminal({
      cols,
      rows,
      allowProposedApi: true,
      scrollback: 0,
      windowOptions: { pushTitle: true, popTitle: true },
    });
    this.terminal.onTitleChange((title) => this.titles.push(title));
    this.terminal.onBell(() => {
      this.bells += 1;
    });
    this.process = pty.spawn(file, args, {
      name: 'xterm-256color',
      cols,
      rows,
      cwd: options.cwd,
      env: options.env as Record<string, string>,
    });
    // The write callback runs once xterm has parsed the data: the screen is up to date then.
    this.process.onData((data) => this.terminal.write(data, () => this.parsedListeners.forEach((listener) => listener())));
    // Answer the program's terminal queries (cursor position, device attributes) like a terminal does.
    this.terminal.onData((data) => this.process.write(data));
    this.exited = new Promise((resolve) =>
      this.process.onExit(({ exitCode }) => {
        this.exitCode = exitCode;
        resolve(exitCode);
      }),
    );
  }

  /** The emulator holding the screen (colours and all, for screenshots). */
  get screen(): xterm.Terminal {
    return this.terminal;
  }

  /** The visible screen, one string per row, trailing spaces removed. */
  text(): string {
    const buffer = this.terminal.buffer.active;
    return Array.from({ length: this.terminal.rows }, (_, y) => buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '').join(
      '\n',
    );
  }

  /** Waits until the screen shows `pattern`; fails with the screen if the program exits first or after the deadline. */
  waitFor(pattern: RegExp | string, timeoutMs = 60_000): Promise<string> {
    return this.whenScreen(
      (screen) => (typeof pattern === 'string' ? screen.includes(pattern) : pattern.test(screen)),
      timeoutMs,
      String(pattern),
    );
  }

  /**
   * Waits until the whole expectation holds on one frame: `expectations` (assertions, e.g.
   * vitest's expect) run on every parsed write until they all pass, so a half-drawn frame never
   * fails a test. After the deadline, or if the program exits first, it fails with the last
   * assertion's message and the screen.
   */
  async expectScreen(expectations: (screen: string) => void, timeoutMs = 60_000): Promise<string> {
    let lastError: unknown;
    try {
      return await this.whenScreen(
        (text) => {
          try {
            expectations(text);
            return true;
          } catch (error) {
            lastError = error;
            return false;
          }
        },
        timeoutMs,
        'the expected screen',
      );
    } catch (error) {
      const reason = lastError instanceof Error ? lastError.message : String(lastError);
      const what = (error as Error).message.split('\n')[0]!.replace(/(; the screen)?:$/, '');
      throw new Error(`${what}: ${reason}\nthe screen:\n${this.text()}`, { cause: error });
    }
  }

  /**
   * Resolves (with the screen) as soon as the program's output makes the screen satisfy `test`:
   * checked after each parsed write, so a benchmark timing it does not spin the CPU it measures.
   * Fails if the program exits without showing it (its last output parsed first), or after the deadline.
   */
  whenScreen(test: (text: string) => boolean, timeoutMs: number, what: string): Promise<string> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = () => {
        settled = true;
        clearTimeout(timer);
        this.parsedListeners.delete(check);
      };
      const check = () => {
        const text = this.text();
        if (settled || !test(text)) return;
        settle();
        resolve(text);
      };
      const timer = setTimeout(() => {
        settle();
        reject(new Error(`timed out waiting for ${what}; the screen:\n${this.text()}`));
      }, timeoutMs);
      void this.exited.then((exitCode) =>
        // An empty write's callback runs once everything written before it is parsed.
        this.terminal.write('', () => {
          check();
          if (settled) return;
          settle();
          reject(new Error(`the program exited (${exitCode}) before showing ${what}:\n${this.text()}`));
        }),
      );
      this.parsedListeners.add(check);
      check();
    });
  }

  /** Sends a signal to the program (like `kill` from another terminal). */
  signal(signal: NodeJS.Signals): void {
    this.process.kill(signal);
  }

  /**
   * Closes the terminal under the program, like closing its window or dropping the SSH session:
   * the kernel sends SIGHUP and the program's reads and writes on the terminal fail from then on.
   * `exited` still resolves with its exit code.
   */
  hangUp(): void {
    // node-pty's Unix terminal has destroy() (close the master side, then SIGHUP); its typings do not.
    (this.process as pty.IPty & { destroy(): void }).destroy();
  }

  press(keys: string): void {
    this.process.write(keys);
  }

  /** Ends the program if it still runs (test teardown). */
  async close(): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.process.kill('SIGKILL');
    await this.exited;
    this.terminal.dispose();
  }
}

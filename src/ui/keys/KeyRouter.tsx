import { Box, useInput, useStdin, useWindowSize, type Key } from 'ink';
import { createContext, useContext, useEffect, useLayoutEffect, useReducer, useRef, type ReactNode } from 'react';
import { editLine, lineOf, type LineEditor, type LineState } from '../components/TextInput.js';
import { OverlayView } from '../overlays/OverlayView.js';
import { bindingFor, CONFIRM_KEYS, HELP_KEYS, PROMPT_KEYS, type GlobalAction, type Keymap } from './keymap.js';
import { keyLabel, mouseReports, type KeyPress, type MouseEvent } from './keys.js';

/** Handlers by action id; the global ones (help, Ctrl-C) default to the router's. */
export type KeyHandlers<A extends string> = { [K in Exclude<A, GlobalAction>]: (press: KeyPress) => void } & {
  [K in Extract<A, GlobalAction>]?: (press: KeyPress) => void;
};

/** What a screen registers: its keymap, the state its availability rules read, its handlers. */
export interface ScreenLayer {
  keymap: Keymap<string, unknown>;
  /** The availability rules' input (a function: read at the keypress, for keys faster than renders). */
  context: () => unknown;
  handlers: Partial<Record<string, (press: KeyPress) => void>>;
  /** A text field: the keys no binding takes are typed into it. */
  editor?: LineEditor | undefined;
  onMouse?: ((event: MouseEvent) => void) | undefined;
}

export type Overlay =
  | { kind: 'help'; scroll: number }
  | { kind: 'confirm'; question: string; onYes(): void; onNo?: (() => void) | undefined }
  | {
      kind: 'prompt';
      label: string;
      placeholder: string;
      line: LineState;
      onSubmit(text: string): void;
      onCancel?: (() => void) | undefined;
    };

export interface PromptOptions {
  label: string;
  placeholder?: string;
  initial?: string;
  onSubmit(text: string): void;
  onCancel?(): void;
}

/** What screens may ask of the router. */
export interface Overlays {
  confirm(question: string, onYes: () => void, onNo?: () => void): void;
  prompt(options: PromptOptions): void;
  help(): void;
  /** Tell the user something about the last key (shown where the footer is, until the next key). */
  notify(message: string): void;
}

interface RouterView {
  router: KeyRouterCore;
  overlay: Overlay | undefined;
  notice: string | undefined;
}

const RouterContext = createContext<RouterView | undefined>(undefined);

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

const isSpecial = (key: Key) =>
  key.ctrl ||
  key.meta ||
  key.upArrow ||
  key.downArrow ||
  key.leftArrow ||
  key.rightArrow ||
  key.pageUp ||
  key.pageDown ||
  key.home ||
  key.end ||
  key.escape ||
  key.return ||
  key.tab ||
  key.backspace ||
  key.delete;

const pressOf = (char: string): KeyPress => ({
  input: char,
  key: { ...NO_KEY, tab: char === '\t', return: char === '\r', shift: char !== char.toLowerCase() },
});

/**
 * Routes every key of the app: an open overlay (help, a question, a text prompt) gets it first,
 * else the screen on top, through its keymap. A key whose action cannot act now shows the reason
 * instead of doing nothing. The overlay's state lives here, so a key that opens one and the keys
 * typed right after it (one burst of input) already go to it.
 */
class KeyRouterCore implements Overlays {
  overlay: Overlay | undefined;
  notice: string | undefined;
  private readonly layers: { current: ScreenLayer }[] = [];

  constructor(
    private readonly changed: () => void,
    readonly interrupt: { current: () => void },
  ) {}

  add(layer: { current: ScreenLayer }): void {
    this.layers.push(layer);
    this.setNotice(undefined);
  }

  remove(layer: { current: ScreenLayer }): void {
    const index = this.layers.indexOf(layer);
    if (index >= 0) this.layers.splice(index, 1);
  }

  /** The screen that gets the keys when no overlay is open. */
  top(): ScreenLayer | undefined {
    return this.layers.at(-1)?.current;
  }

  private setOverlay(overlay: Overlay | undefined): void {
    this.overlay = overlay;
    this.notice = undefined;
    this.changed();
  }

  private setNotice(notice: string | undefined): void {
    if (notice === this.notice) return;
    this.notice = notice;
    this.changed();
  }

  confirm(question: string, onYes: () => void, onNo?: () => void): void {
    this.setOverlay({ kind: 'confirm', question, onYes, onNo });
  }

  prompt(options: PromptOptions): void {
    this.setOverlay({
      kind: 'prompt',
      label: options.label,
      placeholder: options.placeholder ?? '',
      line: lineOf(options.initial ?? ''),
      onSubmit: options.onSubmit,
      onCancel: options.onCancel,
    });
  }

  help(): void {
    this.setOverlay({ kind: 'help', scroll: 0 });
  }

  notify(message: string): void {
    this.setNotice(message);
  }

  private close(then?: () => void): void {
    this.setOverlay(undefined);
    then?.();
  }

  /** At most how many lines the help of the top screen has (a binding's label wraps to a few). */
  private helpLength(): number {
    return (this.top()?.keymap.bindings.length ?? 0) * 3;
  }

  /** The target of the next key takes text (a prompt, or a screen's text field). */
  private takesText(): boolean {
    return this.overlay ? this.overlay.kind === 'prompt' : Boolean(this.top()?.editor);
  }

  /** A mouse report (Ink drops them before its key handlers: they come from stdin directly). */
  mouse(event: MouseEvent): void {
    if (!this.overlay) this.top()?.onMouse?.(event);
  }

  /** One chunk of input as Ink hands it over. */
  input(input: string, key: Key): void {
    if (isSpecial(key) || [...input].length <= 1) {
      this.dispatch({ input, key });
      return;
    }
    // Several characters at once: fast typing, a script, a paste. Commands are taken one by one;
    // once a text field has the keys (maybe opened by one of them), the rest is typed into it,
    // up to a line break, which submits (a pasted second line is dropped, never run as commands).
    const chars = [...input];
    for (let i = 0; i < chars.length; i += 1) {
      if (this.takesText() && i < chars.length - 1) {
        const rest = chars.slice(i).join('');
        const [line = '', ...more] = rest.split(/[\r\n]/);
        if (line) this.typeText(line);
        if (more.length > 0) this.dispatch(pressOf('\r'));
        return;
      }
      this.dispatch(pressOf(chars[i]!));
    }
  }

  private typeText(text: string): void {
    this.dispatch({ input: text, key: NO_KEY });
  }

  dispatch(press: KeyPress): void {
    if (this.overlay) this.dispatchToOverlay(this.overlay, press);
    else this.dispatchToScreen(press);
  }

  private dispatchToOverlay(overlay: Overlay, press: KeyPress): void {
    if (overlay.kind === 'help') {
      const action = bindingFor(HELP_KEYS, press)?.action;
      if (action === 'close') this.close();
      else if (action === 'lineUp') this.setOverlay({ ...overlay, scroll: Math.max(0, overlay.scroll - 1) });
      else if (action === 'lineDown') this.setOverlay({ ...overlay, scroll: Math.min(overlay.scroll + 1, this.helpLength()) });
      else if (action === 'interrupt') this.close(this.interrupt.current);
      else this.setNotice('Esc closes the help');
      return;
    }
    if (overlay.kind === 'confirm') {
      const action = bindingFor(CONFIRM_KEYS, press)?.action;
      if (action === 'yes') this.close(overlay.onYes);
      else if (action === 'no') this.close(overlay.onNo);
      else if (action === 'interrupt') this.close(this.interrupt.current);
      else this.setNotice('y answers yes, n or Esc no');
      return;
    }
    const action = bindingFor(PROMPT_KEYS, press)?.action;
    if (action === 'submit') this.close(() => overlay.onSubmit(overlay.line.value));
    else if (action === 'cancel') this.close(overlay.onCancel);
    else if (action === 'interrupt') this.close(this.interrupt.current);
    else {
      const line = editLine(overlay.line, press);
      if (line !== overlay.line) this.setOverlay({ ...overlay, line });
    }
  }

  private dispatchToScreen(press: KeyPress): void {
    const layer = this.top();
    if (!layer) return;
    const binding = bindingFor(layer.keymap, press);
    if (binding) {
      const reason = binding.unavailable?.(layer.context() as never, press);
      if (reason) {
        this.setNotice(reason);
        return;
      }
      this.setNotice(undefined);
      const handler = layer.handlers[binding.action] ?? this.global(binding.action as GlobalAction);
      handler?.(press);
      return;
    }
    if (layer.editor) {
      this.setNotice(undefined);
      layer.editor.apply(press);
      return;
    }
    const hasHelp = layer.keymap.bindings.some((b) => b.action === 'help');
    if (hasHelp && [...press.input].length === 1 && press.input >= ' ' && !press.key.ctrl && !press.key.meta) {
      this.setNotice(`${press.input} does nothing here: ${keyLabel({ char: '?' })} lists this screen’s keys`);
    }
  }

  private global(action: GlobalAction): (() => void) | undefined {
    if (action === 'help') return () => this.help();
    if (action === 'interrupt') return () => this.interrupt.current();
    return undefined;
  }
}

/**
 * The app's one key listener and its overlays, over the screen (which stays mounted under them,
 * so closing an overlay returns to exactly where the screen was).
 */
export const KeyRouter = ({ onInterrupt, children }: { onInterrupt(): void; children: ReactNode }) => {
  const { columns, rows } = useWindowSize();
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const interrupt = useRef(onInterrupt);
  interrupt.current = onInterrupt;
  const core = useRef<KeyRouterCore | undefined>(undefined);
  core.current ??= new KeyRouterCore(rerender, interrupt);
  const router = core.current;
  useInput((input, key) => router.input(input, key));
  const { stdin } = useStdin();
  useEffect(() => {
    const onData = (data: Buffer | string) => {
      for (const event of mouseReports(data.toString())) router.mouse(event);
    };
    stdin.on('data', onData);
    return () => void stdin.off('data', onData);
  }, [stdin, router]);
  const view: RouterView = { router, overlay: router.overlay, notice: router.notice };
  return (
    <RouterContext.Provider value={view}>
      <Box flexDirection="column" width={columns} height={rows} overflow="hidden">
        {children}
        {router.overlay ? (
          <OverlayView overlay={router.overlay} layer={router.top()} notice={router.notice} width={columns} height={rows} />
        ) : null}
      </Box>
    </RouterContext.Provider>
  );
};

const useRouterView = (): RouterView => {
  const view = useContext(RouterContext);
  if (!view) throw new Error('keys used outside <KeyRouter>');
  return view;
};

/** Open a question, a text prompt or the help over the current screen. */
export const useOverlays = (): Overlays => useRouterView().router;

/** The reason the last key could not act (shown in the footer). */
export const useKeyNotice = (): string | undefined => {
  const view = useRouterView();
  return view.overlay ? undefined : view.notice;
};

export interface ScreenKeys<A extends string, C> {
  keymap: Keymap<A, C>;
  context: C;
}

/**
 * Registers a screen's keys: `keymap` says which key is which action and when it is available,
 * `handlers` do the actions. Returns what the footer needs. `context` may be a function, read at
 * the keypress (screens whose state changes faster than renders).
 */
export const useScreenKeys = <A extends string, C>(
  keymap: Keymap<A, C>,
  context: C | (() => C),
  handlers: KeyHandlers<A>,
  options: { editor?: LineEditor | undefined; onMouse?: ((event: MouseEvent) => void) | undefined } = {},
): ScreenKeys<A, C> => {
  const { router } = useRouterView();
  const read = typeof context === 'function' ? (context as () => C) : () => context;
  const layer: ScreenLayer = {
    keymap: keymap as unknown as Keymap<string, unknown>,
    context: read,
    handlers: handlers as Partial<Record<string, (press: KeyPress) => void>>,
    editor: options.editor,
    onMouse: options.onMouse,
  };
  const entry = useRef({ current: layer });
  entry.current.current = layer;
  useLayoutEffect(() => {
    const registered = entry.current;
    router.add(registered);
    return () => router.remove(registered);
  }, [router]);
  return { keymap, context: read() };
};

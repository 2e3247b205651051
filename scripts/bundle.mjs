// `npm run build`: bundles the CLI into dist/cli/ with esbuild (type checking is `npm run typecheck`).
// Why a bundle: unbundled, the TUI loads ~900 modules (ink alone pulls in 415 files of
// es-toolkit for one `throttle`), and resolving them cost more start-up time than running them.
// The UI stays a separate chunk, loaded while the run's checks are going on.
import { build } from 'esbuild';
import fs from 'node:fs';

/**
 * yoga-layout (Ink's layout engine) embeds its wasm as a data: URI and loads it with fetch()
 * whenever fetch exists, which loads undici: ~40 ms of every TUI start. Its own fallback, which
 * decodes the base64 in place, is taken instead. The build fails if yoga changes that code.
 */
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(bundler) {
    bundler.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/].*\.js$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const check = '"function"!=typeof fetch';
      if (!source.includes(check)) throw new Error(`${args.path} no longer has \`${check}\`: revisit the yoga-without-fetch patch`);
      return { contents: source.replaceAll(check, '!0'), loader: 'js' };
    });
  },
};

fs.rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: ['src/cli/bin.ts'],
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  minifySyntax: true,
  sourcemap: 'linked',
  // node-pty is native; react-devtools-core is only imported by ink when DEV=true (not a dependency).
  external: ['node-pty', 'react-devtools-core'],
  // React and Ink choose their production builds at bundle time (main.ts sets it for tsx runs).
  define: { 'process.env.NODE_ENV': '"production"' },
  logOverride: { 'assign-to-define': 'silent' },
  // CommonJS packages inside an ES module bundle still call require() for node: built-ins.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  plugins: [yogaWithoutFetch],
  logLevel: 'warning',
});

// `node-pty` is installed as `@lydell/node-pty` (node-pty with prebuilt binaries, so no compiler
// at install time), through an npm alias. Its typings declare the module under that name: this
// gives them to `import * as pty from 'node-pty'`.
declare module 'node-pty' {
  export * from '@lydell/node-pty';
}

// Builds the operator console into build/console (or $CONSOLE_OUT): one JavaScript bundle,
// one stylesheet and the page. `make` runs it; ordo serves the result at /console.
import * as esbuild from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.env.CONSOLE_OUT || join(here, '..', 'build', 'console');

await mkdir(out, { recursive: true });
await esbuild.build({
  entryPoints: { app: join(here, 'src', 'main.jsx') },
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  format: 'iife',
  target: ['chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: out,
  logLevel: 'warning',
  // No build timestamps or absolute paths in the output: the same sources give the same
  // bytes, so the server's ETag changes only when the console does.
  legalComments: 'none',
});
for (const page of ['index.html', 'favicon.svg']) await copyFile(join(here, 'src', page), join(out, page));

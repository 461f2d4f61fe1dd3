#!/usr/bin/env node
// The `smoke` command: runs dist/smoke.mjs, bundled from src/ on the first run after a change.
import { ensureBundle } from './bundle.mjs';

// Node's source maps stay off (5 MiB of RSS): an internal error's stack is mapped to src/
// lines when it is printed (src/source-stack.ts).
const bundle = await ensureBundle();
await import(bundle);

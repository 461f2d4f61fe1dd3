#!/usr/bin/env node
// The `smoke` command: runs dist/smoke.mjs, bundled from src/ on the first run after a change.
import { ensureBundle } from './bundle.mjs';

// Stack traces of internal errors then name src/ files and lines, not the bundle's.
process.setSourceMapsEnabled(true);
const bundle = await ensureBundle();
await import(bundle);

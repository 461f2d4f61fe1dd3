#!/usr/bin/env node
// The composite action's entry (action.yml): src/actions/main.ts through tsx's loader, found
// beside this file whatever the working directory (the workflow's workspace) is.
import { register } from 'tsx/esm/api';

register();
await import('../src/actions/main.ts');

#!/usr/bin/env -S GLIBC_TUNABLES=glibc.malloc.hugetlb=1:${GLIBC_TUNABLES} node
// glibc's malloc asks for transparent huge pages (see GLIBC_TUNABLES in the README): a decode's
// buffers are then faulted in 2 MB at a time. A caller's own GLIBC_TUNABLES comes after, so it wins.
// The CLI runs its TypeScript sources on Node's own type stripping: no build step and no loader
// (tsx cost ~0.2 s a start). The compile cache keeps V8's compiled modules between invocations.
import { enableCompileCache } from 'node:module';

enableCompileCache();
await import('../src/main.ts');

/**
 * The environment and Node flags the language server is started with, on top of the editor's own: the VS
 * Code client passes them (client/src/languageClient.ts), the tests and the bench start the server with
 * them too, and README tells other editors how to set them. The server runs without them, with more
 * memory.
 *
 * `MALLOC_MMAP_THRESHOLD_`: glibc raises its mmap threshold, and with it the size it gives back to the
 * system, to the largest block freed so far. Loading the 2 MB server bundle frees such a block, so the
 * parser memory V8 uses right after (about 9 MB while compiling the bundle and the shell parser, all
 * freed) stays resident for the life of the process. Set explicitly, at glibc's own default of 128 KiB,
 * the threshold stays put: large blocks are mapped and returned on free. Measured on Node 20: 12 → 3 MB
 * of malloc heap after start, about 10 MB less resident memory (`npm run bench`, server-rss-vs-rcjsuen).
 * Other C libraries ignore the variable.
 */
export const SERVER_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '131072' };

/**
 * `--max-semi-space-size=2`: V8's young generation grows to 16 MB semi-spaces by default, and a server that
 * allocates a lot of short-lived garbage per keystroke gets there. Capped at 2 MB, resident memory after the
 * bench's workload (50 files, 1,000 edits) is about 99 MB, against 104–106 MB with a 4 MB cap and 125 MB
 * uncapped. Side by side (400 edits each), small files are not slower (214 lines p50 9.2 / 9.3 ms) and a
 * 1,113-line file, analysed in the worker thread, which the cap applies to as well (V8 flags are per process),
 * pays p50 30.1 → 31.7 ms, p95 63 → 71 ms. It can only be given on the command line: V8 sizes the young
 * generation when the process starts (server/src/main.ts sets the flags that can change later).
 */
export const SERVER_NODE_ARGS: readonly string[] = ['--max-semi-space-size=2'];

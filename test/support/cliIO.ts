import type { CliIO } from '../../server/src/cli/io';

/** A CliIO for in-process CLI tests: records output and the questions asked, answers them with `answer`. */
export function captureIO(interactive = false, answer = false): CliIO & { stdout: string; stderr: string; asked: string[] } {
  const io = {
    stdout: '',
    stderr: '',
    asked: [] as string[],
    interactive,
    out(t: string) { io.stdout += t.endsWith('\n') ? t : t + '\n'; },
    err(t: string) { io.stderr += t.endsWith('\n') ? t : t + '\n'; },
    confirm(q: string) { io.asked.push(q); return Promise.resolve(answer); },
  };
  return io;
}

/**
 * When the language server process dies: restart it and tell the user, unless it keeps dying
 * (5 times in 3 minutes), then stop and say how to restart it by hand. No `vscode` import: tested alone.
 */
export interface RestartDecision {
  readonly restart: boolean;
  readonly message: string;
}

export class RestartPolicy {
  private readonly crashes: number[] = [];

  constructor(private readonly maxRestarts = 4, private readonly windowMs = 3 * 60_000, private readonly now = () => Date.now()) {}

  onServerClosed(): RestartDecision {
    const t = this.now();
    this.crashes.push(t);
    while (this.crashes.length && t - this.crashes[0] > this.windowMs) this.crashes.shift();
    if (this.crashes.length <= this.maxRestarts) {
      return { restart: true, message: 'Cache Advisor: the language server stopped unexpectedly and has been restarted.' };
    }
    return {
      restart: false,
      message: `Cache Advisor: the language server stopped ${this.crashes.length} times in ${Math.round(this.windowMs / 60_000)} minutes and will not be restarted. Run "Cache Advisor: Restart Language Server" to try again; the "Dockerfile Cache Advisor" output channel has its log.`,
    };
  }
}

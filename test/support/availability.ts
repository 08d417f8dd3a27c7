/**
 * A tool a suite needs is missing: with CI=true that is a failure (CI installs everything it needs),
 * on a developer's machine the suite is skipped with the reason printed.
 */
export function skipOrFail(ctx: Mocha.Context, reason: string): never {
  if (process.env.CI === 'true') throw new Error(`CI=true but ${reason}`);
  console.log(`      skipped: ${reason}`);
  ctx.skip();
  throw new Error('unreachable: mocha skip() throws');
}

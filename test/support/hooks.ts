import { stopDocker } from './dockerd';

/** Mocha root hooks: stop a Docker engine the tests started, by its PID. */
export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(30_000);
    await stopDocker();
  },
};

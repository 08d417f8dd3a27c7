/**
 * What turns a package manager's cache off or empties it, in one place for every rule: the variables
 * that switch a cache off, the clean commands the package-manager table does not list as `clean`, and
 * Debian's docker-clean hook (with the one text that neutralises it).
 */
import type { DockerfileModel, InstructionFact } from './model';
import type { Manager } from './packageManagers';
import { unwrapCommand, type ShellCommand } from './shell';
import { alreadyDone } from './cacheMountFacts';

/** Variables that switch a package manager's cache off whatever their value, and the managers that read them. */
export const NO_CACHE_VARS: Readonly<Record<string, readonly Manager[]>> = {
  PIP_NO_CACHE_DIR: ['pip', 'pipenv'],
  UV_NO_CACHE: ['uv'],
};

/** The managers whose cache `name` switches off; undefined for any other variable. */
export const noCacheManagers = (name: string): readonly Manager[] | undefined =>
  Object.prototype.hasOwnProperty.call(NO_CACHE_VARS, name) ? NO_CACHE_VARS[name] : undefined;

/** Cache-clearing commands the package-manager table does not list as `clean` (go: which of its two caches). */
export function cacheCleanCommand(c: ShellCommand): { manager: Manager; which?: 'mod' | 'build' } | undefined {
  const w = unwrapCommand(c.words).map(x => x.value ?? '');
  const tool = w[0]?.replace(/^.*\//, '');
  if (/^pip\d*(\.\d+)?$/.test(tool) && w[1] === 'cache' && (w[2] === 'purge' || w[2] === 'remove')) return { manager: 'pip' };
  if (/^python\d*(\.\d+)?$/.test(tool) && w[1] === '-m' && w[2] === 'pip' && w[3] === 'cache' && (w[4] === 'purge' || w[4] === 'remove')) return { manager: 'pip' };
  if (tool === 'uv' && w[1] === 'cache' && w[2] === 'clean') return { manager: 'uv' };
  if (tool === 'poetry' && w[1] === 'cache' && w[2] === 'clear') return { manager: 'poetry' };
  if (tool === 'go' && w[1] === 'clean' && w.includes('-modcache')) return { manager: 'go', which: 'mod' };
  if (tool === 'go' && w[1] === 'clean' && w.includes('-cache')) return { manager: 'go', which: 'build' };
  if ((tool === 'composer' || tool === 'composer.phar') && ['clear-cache', 'clearcache', 'cc'].includes(w[1])) return { manager: 'composer' };
  if (tool === 'dotnet' && w[1] === 'nuget' && w[2] === 'locals' && w.includes('--clear')) return { manager: 'nuget' };
  return undefined;
}

/**
 * Shell text, put before a RUN's command, that removes Debian's docker-clean hook (it deletes every
 * downloaded .deb after an install) and keeps downloaded packages. Every fix uses this same text, so
 * docker-clean detection below recognises what an earlier fix wrote.
 */
export const KEEP_APT_DOWNLOADS = `rm -f /etc/apt/apt.conf.d/docker-clean && echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache && `;

/**
 * Whether a RUN up to and including `fact`, in this image, already deals with docker-clean. Only the
 * image's own RUNs count: a stage FROM a fresh Debian image has the hook again.
 */
export const dockerCleanHandled = (model: DockerfileModel, fact: InstructionFact): boolean => alreadyDone(model, fact, 'docker-clean');

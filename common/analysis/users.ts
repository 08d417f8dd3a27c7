import type { ShellCommand } from './shell';
import { unwrapCommand } from './shell';

/** The user a RUN executes as, with what can be known about it from the Dockerfile. */
export interface UserFact {
  readonly name: string;
  readonly uid?: number;
  readonly gid?: number;
  /** Home directory: /root for root, the created user's home, or HOME when set. */
  readonly home: string;
  readonly root: boolean;
  /**
   * True when the home is only a guess: a numeric USER with no account this Dockerfile creates and no
   * HOME set (Docker uses / only when the image has no passwd entry for it, and the base image may have one).
   */
  readonly homeUnknown?: boolean;
}

/** Accounts created by RUN commands (useradd, adduser, groupadd, addgroup) in a stage and its parents. */
export interface Accounts {
  readonly users: ReadonlyMap<string, { uid?: number; gid?: number; group?: string; home: string }>;
  readonly groups: ReadonlyMap<string, number | undefined>;
}

export const ROOT: UserFact = { name: 'root', uid: 0, gid: 0, home: '/root', root: true };

/** Users that well-known official base images already define. */
const IMAGE_USERS: Record<string, { uid: number; gid: number; home: string }> = {
  node: { uid: 1000, gid: 1000, home: '/home/node' },
  nobody: { uid: 65534, gid: 65534, home: '/nonexistent' },
};

const num = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined);

/** Options of useradd/adduser/groupadd/addgroup that take a value. */
const withValue = new Set(['-u', '--uid', '-g', '--gid', '-G', '--groups', '--ingroup', '-d', '--home', '--home-dir', '-h', '-s', '--shell', '-c', '--comment', '--gecos', '-k', '-K', '-e', '-f', '-p', '--firstuid', '--lastuid', '--key', '-b', '--base-dir']);
const ACCOUNT_TOOL = /(^|\/)(user|group)add$|(^|\/)add(user|group)$/;

/** Record accounts created by one shell command. */
export function recordAccount(cmd: ShellCommand, accounts: { users: Map<string, { uid?: number; gid?: number; group?: string; home: string }>; groups: Map<string, number | undefined> }): void {
  // runs for every command of every RUN on each analysis: leave the others at the first look
  if (!cmd.words.some(w => w.value !== undefined && ACCOUNT_TOOL.test(w.value))) return;
  const words = unwrapCommand(cmd.words).map(w => w.value ?? '');
  const tool = (words[0] ?? '').replace(/^.*\//, '');
  const opt = (names: string[]) => {
    for (let i = 1; i < words.length; i++) {
      for (const n of names) {
        if (words[i] === n) return words[i + 1];
        if (n.startsWith('--') && words[i].startsWith(n + '=')) return words[i].slice(n.length + 1);
      }
    }
    return undefined;
  };
  const lastPositional = () => {
    let last: string | undefined;
    for (let i = 1; i < words.length; i++) {
      if (words[i].startsWith('-')) { if (withValue.has(words[i])) i++; continue; }
      last = words[i];
    }
    return last;
  };
  if (tool === 'groupadd' || tool === 'addgroup') {
    const positional: string[] = [];
    for (let i = 1; i < words.length; i++) {
      if (words[i].startsWith('-')) { if (withValue.has(words[i])) i++; continue; }
      positional.push(words[i]);
    }
    // `addgroup user group` (Debian) adds an existing user to a group; only one positional creates a group
    if (positional.length === 1) accounts.groups.set(positional[0], num(opt(['-g', '--gid'])));
    return;
  }
  if (tool !== 'useradd' && tool !== 'adduser') return;
  const name = lastPositional();
  if (!name) return;
  const uid = num(opt(['-u', '--uid']));
  // useradd -g GROUP, busybox adduser -G GROUP, Debian adduser --ingroup GROUP / --gid N
  const groupOpt = tool === 'useradd' ? opt(['-g', '--gid']) : opt(['-G', '--ingroup', '--gid']);
  let gid = num(groupOpt);
  if (gid === undefined && groupOpt !== undefined) gid = accounts.groups.get(groupOpt);
  if (gid === undefined && groupOpt === undefined && accounts.groups.has(name)) gid = accounts.groups.get(name);
  const home = opt(['-d', '--home', '--home-dir', '-h']) ?? `/home/${name}`;
  accounts.users.set(name, { uid, gid, group: groupOpt, home });
}

/** Resolve a USER instruction's value against the accounts known in the stage. */
export function resolveUser(spec: string, accounts: Accounts, homeEnv: string | undefined): UserFact {
  const [name, group] = spec.split(':');
  const uidNum = num(name);
  if (name === 'root' || uidNum === 0) return { ...ROOT, home: homeEnv ?? '/root' };
  let known: { uid?: number; gid?: number; home: string; name: string } | undefined;
  if (uidNum !== undefined) {
    for (const [n, u] of accounts.users) if (u.uid === uidNum) known = { ...u, name: n };
  } else {
    const u = accounts.users.get(name);
    if (u) known = { ...u, name };
    else if (IMAGE_USERS[name]) known = { ...IMAGE_USERS[name], name };
  }
  let gid = num(group) ?? (group !== undefined ? accounts.groups.get(group) : undefined) ?? known?.gid;
  if (gid === undefined && group === undefined && uidNum !== undefined && !known) gid = undefined;
  return {
    name: known?.name ?? name,
    uid: uidNum ?? known?.uid,
    gid,
    // Docker sets HOME=/ for a uid with no passwd entry
    home: homeEnv ?? known?.home ?? (uidNum !== undefined ? '/' : `/home/${name}`),
    root: false,
    ...(homeEnv === undefined && !known && uidNum !== undefined ? { homeUnknown: true } : {}),
  };
}

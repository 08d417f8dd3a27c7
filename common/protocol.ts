/**
 * Every message between the VS Code client and the language server beyond LSP itself, typed once
 * for both sides (vscode-eslint's shared `customMessages.ts` is the model). A method name is written
 * here and nowhere else; each side imports the type and lets the LSP library check the params.
 */
import { NotificationType, RequestType, type Range } from 'vscode-languageserver-protocol';
import type { BuildTimeline } from './docker/timeline';

/** `initializationOptions` the VS Code client sends the server. */
export interface InitializationOptions {
  /** False in Restricted Mode; absent from clients without workspace trust (their settings are the user's own). */
  readonly workspaceTrusted?: boolean;
  /**
   * `'client'`: the client runs {@link LENS_DETAILS_COMMAND} itself (VS Code's quick pick). Otherwise the
   * server offers it through `workspace/executeCommand` (a message request, then `window/showDocument`).
   */
  readonly lensDetailsCommand?: 'client';
}

/** Client → server: the workspace was trusted (VS Code only grants trust while a window is open). */
export interface WorkspaceTrustParams {
  readonly trusted: boolean;
}
export const WorkspaceTrustNotification = new NotificationType<WorkspaceTrustParams>('cacheAdvisor/workspaceTrust');

/** Client → server: the last build's per-step timeline of a Dockerfile; `timeline: null` forgets it. */
export interface BuildTimelineParams {
  readonly uri: string;
  readonly timeline: BuildTimeline | null;
}
export const BuildTimelineNotification = new NotificationType<BuildTimelineParams>('cacheAdvisor/buildTimeline');

/** Why a file does or does not re-run steps. */
export type RebuildReason =
  /** outside the context folder */
  | 'outside-context'
  /** excluded by the ignore file */
  | 'ignored'
  /** in the context, but no step of the built stages copies or mounts it */
  | 'not-copied'
  /** copied or mounted by at least one step */
  | 'copied'
  /** excluded by the ignore file, but creating it creates a folder the builder receives */
  | 'new-folder'
  /** the ignore file of this build: an edit changes which files the builder receives */
  | 'ignore-file'
  /** the Dockerfile itself, not sent to the builder (or sent but copied by no step) */
  | 'build-definition';

/** The stable JSON shape of the CLI and the LSP request (1-based instruction lines, across stages). */
export interface RebuildJson {
  dockerfile: string;
  inContext: boolean;
  firstInvalidatedLine: number | null;
  rerunLines: number[];
  /** The rerunLines that re-run only under a condition, each with the reason it may stay cached. */
  conditionalLines: Array<{ line: number; reason: string }>;
  totalSteps: number;
}

export interface WhatRebuildsParams {
  /** The file that would change (a file: URI). */
  readonly uri: string;
  /** Stage to build; default the last stage of each Dockerfile. */
  readonly target?: string;
}

/** One Dockerfile's answer: the CLI's JSON plus what the editor needs to highlight and explain. */
export interface DockerfileRebuild extends Omit<RebuildJson, 'conditionalLines'> {
  readonly uri: string;
  readonly reason: RebuildReason;
  /** "changing src/app.py re-runs 4 of 11 steps, from line 7" */
  readonly summary: string;
  /** Ranges of the re-run instructions (0-based LSP ranges, file order); the first is the first cache miss. */
  readonly ranges: Range[];
  /** Lines (1-based) among rerunLines that re-run only under a condition (the editor's highlight). */
  readonly conditionalLines: number[];
  /** The same lines with the reason each may stay cached: the CLI's `conditionalLines`. */
  readonly conditions: RebuildJson['conditionalLines'];
  /** The `--build-arg` values the answer used (the last build's), when there were any. */
  readonly buildArgs?: Record<string, string>;
  /** Last measured seconds of the re-run steps, when a build timeline knows them. */
  readonly measuredSeconds?: number;
}

export interface WhatRebuildsResult {
  readonly file: string;
  readonly dockerfiles: DockerfileRebuild[];
  /** False when the Dockerfile search stopped at its bound. */
  readonly complete: boolean;
}

/** Client → server: "What rebuilds if I change this file?" for every Dockerfile whose context holds it. */
export const WhatRebuildsRequest = new RequestType<WhatRebuildsParams, WhatRebuildsResult, void>('cacheAdvisor/whatRebuilds');

/**
 * The command a CodeLens runs when clicked. The client registers it; the lens carries its rows so the
 * click needs no round trip.
 */
export const LENS_DETAILS_COMMAND = 'cacheAdvisor.showLensDetails';

/** One row of a lens's quick pick. */
export interface LensDetail {
  readonly label: string;
  readonly description?: string;
  /** 1-based line the row reveals. */
  readonly line: number;
}

/** Arguments of {@link LENS_DETAILS_COMMAND}: the Dockerfile, the pick's title and its rows. */
export type LensDetailsArgs = [uri: string, title: string, details: LensDetail[]];

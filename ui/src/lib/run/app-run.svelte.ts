// The app's one run state: apply, undo (with their DNS waits) and the last verification.
// It lives beside the App, not in a page, so progress survives navigation and every page and
// the header observe the same run. The Rust side keeps the authoritative copy (run_status),
// which `sync` folds in after a reload; the journal lock still guards other processes.
import { getContext, setContext } from 'svelte';

import { toErrorPayload } from '../backend/errors';
import type { Acknowledged } from '../bindings/Acknowledged';
import type { ApplyReport } from '../bindings/ApplyReport';
import type { ErrorPayload } from '../bindings/ErrorPayload';
import type { GatherProgress } from '../bindings/GatherProgress';
import type { Progress } from '../bindings/Progress';
import type { RunKind } from '../bindings/RunKind';
import type { RunOutcome } from '../bindings/RunOutcome';
import type { RunStatus } from '../bindings/RunStatus';
import type { SavedRun } from '../bindings/SavedRun';
import type { UndoReport } from '../bindings/UndoReport';
import type { VerifyBackend } from '../verify/backend';
import type { UndoChoice, WizardBackend } from '../wizard/backend';
import type { Titles } from '../wizard/outcome';
import { IDLE, reduce, type RunView } from '../wizard/progress';

type RunBackend = Pick<WizardBackend, 'applyPlan' | 'undoChanges' | 'runStatus' | 'cancelRun'> &
  Pick<VerifyBackend, 'runVerification' | 'lastVerification'>;

export type RunResult = { kind: 'apply'; report: ApplyReport } | { kind: 'undo'; report: UndoReport };

/** How often a run started before a reload is read again until it ends. */
const POLL_MS = 1000;

export class AppRun {
  /** The current or last apply/undo; null before the first. */
  kind: RunKind | null = $state(null);
  outcome: RunOutcome | null = $state(null);
  view: RunView = $state.raw(IDLE);
  log: Progress[] = $state.raw([]);
  titles: Titles = {};
  cancelRequested = $state(false);
  error: ErrorPayload | null = $state.raw(null);
  result: RunResult | null = $state.raw(null);
  /** Bumped when a run ends: pages that show the organization read it again. */
  finished = $state(0);

  verification: SavedRun | null = $state.raw(null);
  verificationLoaded = $state(false);
  verifying = $state(false);
  verifyProgress: GatherProgress | null = $state.raw(null);
  verifyError: ErrorPayload | null = $state.raw(null);
  /** The profile the kept verification belongs to (another profile's is not shown). */
  private verificationProfile: string | null = null;

  constructor(private readonly backend: RunBackend) {}

  get running(): boolean {
    return this.outcome === 'running';
  }

  private begin(kind: RunKind) {
    this.kind = kind;
    this.outcome = 'running';
    this.view = IDLE;
    this.log = [];
    this.titles = {};
    this.cancelRequested = false;
    this.error = null;
    this.result = null;
  }

  private record = (p: Progress) => {
    if (p.kind === 'step') this.titles[p.id] = p.title;
    this.log = [...this.log, p];
    this.view = reduce(this.view, p);
  };

  private end(outcome: RunOutcome, error: ErrorPayload | null) {
    this.outcome = outcome;
    this.error = error;
    this.finished += 1;
  }

  private async execute(kind: RunKind, work: () => Promise<RunResult>) {
    // This window holds the run already: say so rather than ask the backend to refuse it.
    if (this.running) {
      throw {
        code: 'engine.run_in_progress',
        message: `An ${this.kind} is already running in this window: see the progress in the header (Cancel there stops it at its next safe point).`,
      } satisfies ErrorPayload;
    }
    this.begin(kind);
    try {
      this.result = await work();
      this.end('done', null);
    } catch (reason) {
      const error = toErrorPayload(reason);
      this.end(error.code === 'plan.cancelled' ? 'cancelled' : 'failed', error);
    }
  }

  apply(): Promise<void> {
    return this.execute('apply', async () => ({ kind: 'apply', report: await this.backend.applyPlan(this.record) }));
  }

  undo(choice: UndoChoice): Promise<void> {
    return this.execute('undo', async () => ({ kind: 'undo', report: await this.backend.undoChanges(this.record, choice) }));
  }

  /** Stops the run at its next safe point; the journal resumes it later. */
  async cancel() {
    if (!this.running) return;
    this.cancelRequested = true;
    try {
      await this.backend.cancelRun();
    } catch (reason) {
      this.error = toErrorPayload(reason);
    }
  }

  /** Takes in a run the Rust side holds (a reloaded window), and follows it until it ends. */
  async sync() {
    let status: RunStatus | null;
    try {
      status = await this.backend.runStatus();
    } catch {
      return;
    }
    if (status === null || (this.running && status.outcome === 'running' && this.log.length >= status.log.length)) return;
    if (this.kind !== null && !this.running && status.outcome !== 'running') return;
    this.kind = status.kind;
    this.outcome = status.outcome;
    this.cancelRequested = status.cancelRequested;
    this.error = status.error ?? null;
    this.view = IDLE;
    this.log = [];
    for (const p of status.log) this.record(p);
    if (status.outcome === 'running') setTimeout(() => void this.sync(), POLL_MS);
    else this.finished += 1;
  }

  /** The profile's kept verification, read once per profile (navigating back shows it). */
  async loadVerification(profile: string) {
    if (this.verificationLoaded && this.verificationProfile === profile) return;
    this.verificationProfile = profile;
    try {
      this.verification = await this.backend.lastVerification();
    } catch {
      this.verification = null;
    }
    this.verificationLoaded = true;
  }

  /** An acknowledgement changed: every result of that check id carries it. */
  acknowledged(id: string, ack: Acknowledged | undefined) {
    const run = this.verification;
    if (run === null) return;
    this.verification = { ...run, results: run.results.map((r) => (r.id === id ? { ...r, acknowledged: ack } : r)) };
  }

  async verify() {
    if (this.verifying) return;
    this.verifying = true;
    this.verifyError = null;
    this.verifyProgress = null;
    try {
      this.verification = await this.backend.runVerification((p) => (this.verifyProgress = p));
    } catch (reason) {
      this.verifyError = toErrorPayload(reason);
    } finally {
      this.verifying = false;
    }
  }
}

const KEY = Symbol('app-run');

export function provideRun(run: AppRun): AppRun {
  return setContext(KEY, run);
}

/** The app's run; components rendered outside the App (tests) get a fresh one for `backend`. */
export function useRun(backend?: RunBackend): AppRun {
  const run = getContext<AppRun | undefined>(KEY);
  if (run !== undefined) return run;
  if (backend === undefined) throw new Error('useRun: no AppRun provided and no backend given');
  return provideRun(new AppRun(backend));
}

// One reviewed plan run inside a section (the certificate roll, a removal): the review first,
// nothing runs until confirmed, then progress and the outcome. The app's run state covers
// apply and undo only; these runs still hold the profile's journal, which refuses a second run.
import { toErrorPayload } from '../backend/errors';
import type { ApplyReport } from '../bindings/ApplyReport';
import type { ErrorPayload } from '../bindings/ErrorPayload';
import type { PlanView } from '../bindings/PlanView';
import type { Progress } from '../bindings/Progress';

export type Phase = 'idle' | 'reviewing' | 'review' | 'running' | 'done' | 'failed';

export class PlanRunner {
  phase: Phase = $state('idle');
  review: PlanView | null = $state.raw(null);
  log: Progress[] = $state.raw([]);
  report: ApplyReport | null = $state.raw(null);
  error: ErrorPayload | null = $state.raw(null);

  /** Reads the review; a refusal (an expired certificate, Exchange's refusal) is the error. */
  async preview(read: () => Promise<PlanView>) {
    this.phase = 'reviewing';
    this.review = null;
    this.report = null;
    this.error = null;
    this.log = [];
    try {
      this.review = await read();
      this.phase = 'review';
    } catch (reason) {
      this.error = toErrorPayload(reason);
      this.phase = 'failed';
    }
  }

  /** Runs what was reviewed; only called from the review's confirm button. */
  async confirm(run: (onProgress: (p: Progress) => void) => Promise<ApplyReport>) {
    if (this.phase !== 'review') return;
    this.phase = 'running';
    this.log = [];
    try {
      this.report = await run((p) => (this.log = [...this.log, p]));
      this.phase = 'done';
    } catch (reason) {
      this.error = toErrorPayload(reason);
      this.phase = 'failed';
    }
  }

  cancel() {
    this.phase = 'idle';
    this.review = null;
  }

  /** The last progress line, in words. */
  get current(): string {
    const p = this.log.at(-1);
    if (p === undefined) return 'Starting…';
    const at = `${p.index + 1}/${p.total}`;
    switch (p.kind) {
      case 'step':
        return `${at} ${p.title}`;
      case 'invoking':
        return `${at} ${p.line}`;
      case 'publishing':
      case 'waitingForDns':
        return `${at} ${p.record}`;
      case 'stepDone':
        return `${at} done`;
      case 'stepFailed':
        return `${at} failed: ${p.error}`;
    }
  }
}

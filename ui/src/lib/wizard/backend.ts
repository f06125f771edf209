// What the wizard pages (Before you begin, steps 1–4) ask of the Rust side. The Backend
// interface extends this; tauri.ts maps each method to one command.
import type { ApplyReport } from '../bindings/ApplyReport';
import type { ApplyReview } from '../bindings/ApplyReview';
import type { CheckResult } from '../bindings/CheckResult';
import type { FieldProblem } from '../bindings/FieldProblem';
import type { LiveRecord } from '../bindings/LiveRecord';
import type { PlanDocument } from '../bindings/PlanDocument';
import type { PlanView } from '../bindings/PlanView';
import type { Progress } from '../bindings/Progress';
import type { RunStatus } from '../bindings/RunStatus';
import type { UndoReport } from '../bindings/UndoReport';
import type { UndoReview } from '../bindings/UndoReview';

/** How an undo runs: everything, or newest first down to and including `backTo`. */
export interface UndoChoice {
  backTo: string | null;
  /** Remove federated domains with -Force (the Federation Gateway cannot be reached). */
  forceDomains: boolean;
}

export interface WizardBackend {
  /** The profile's current plan in the file's shape (`plan_document`). */
  planDocument(): Promise<PlanDocument>;
  /** Every problem of an edited document, keyed by field (the plan file's rules). */
  checkPlanDocument(document: PlanDocument): Promise<FieldProblem[]>;
  /** Validates with the plan file's rules and saves. */
  savePlanDocument(document: PlanDocument): Promise<PlanDocument>;
  /** Observed state versus the plan (the saved one, or `document` unsaved): every step that would run. */
  planPreview(document?: PlanDocument): Promise<PlanView>;
  /** Runs the whole plan (Exchange's order); progress arrives through `onProgress`. */
  applyPlan(onProgress: (progress: Progress) => void): Promise<ApplyReport>;
  /** Reverses what the journal says was applied, newest first (all, or back to a step). */
  undoChanges(onProgress: (progress: Progress) => void, choice: UndoChoice): Promise<UndoReport>;
  /** What Apply would change, object by object, read fresh; nothing runs (`apply_review`). */
  applyReview(): Promise<ApplyReview>;
  /** What Undo would reverse, newest first, with its script (`undo_review`). */
  undoReview(): Promise<UndoReview>;
  /** The app's running (or last) apply/undo with its whole log; null before the first. */
  runStatus(): Promise<RunStatus | null>;
  /** Asks the running apply/undo to stop at its next safe point; false when none runs. */
  cancelRun(): Promise<boolean>;
  prerequisites(): Promise<CheckResult[]>;
  /** One check per configuration step: does the organization match the plan now? */
  verifyPlan(): Promise<CheckResult[]>;
  domainProofs(): Promise<LiveRecord[]>;
  autodiscoverRecords(): Promise<LiveRecord[]>;
  /** The actions a sharing policy entry may grant (SharingPolicyAction). */
  sharingActions(): Promise<string[]>;
}

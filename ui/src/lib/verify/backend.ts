// What the Verify page, the explainer, page 2's partner preview and profile switching ask of
// the Rust side. The Backend interface extends this; tauri.ts maps each method to one command.
import type { Acknowledged } from '../bindings/Acknowledged';
import type { ApplyReport } from '../bindings/ApplyReport';
import type { CertificateStatus } from '../bindings/CertificateStatus';
import type { ConnectionInfo } from '../backend/types';
import type { Explanation } from '../bindings/Explanation';
import type { FreeBusyProof } from '../bindings/FreeBusyProof';
import type { FreeBusyRequest } from '../bindings/FreeBusyRequest';
import type { GatherProgress } from '../bindings/GatherProgress';
import type { KeptProof } from '../bindings/KeptProof';
import type { PartnerDiscovery } from '../bindings/PartnerDiscovery';
import type { PlanView } from '../bindings/PlanView';
import type { Progress } from '../bindings/Progress';
import type { SavedRun } from '../bindings/SavedRun';

export interface VerifyBackend {
  /** Every check of the catalogue, concurrently; each finished read arrives through `onProgress`. */
  runVerification(onProgress: (progress: GatherProgress) => void): Promise<SavedRun>;
  /** The active profile's last verification, kept with its time; null if never run. */
  lastVerification(): Promise<SavedRun | null>;
  /** Accepts a finding until `expires` (YYYY-MM-DD); it keeps its status, marked acknowledged. */
  acknowledge(checkId: string, reason: string, expires: string): Promise<Acknowledged>;
  /** Resolves false when the check was not acknowledged. */
  removeAcknowledgement(checkId: string): Promise<boolean>;
  /** Likely causes of a pasted error text; empty when nothing known matches. */
  explainError(text: string): Promise<Explanation[]>;
  /** GetFederationInformation discovery for a partner domain, before anything is created. */
  partnerPreview(domain: string): Promise<PartnerDiscovery>;
  /** Makes a saved profile the app's active one; resolves with its first connection. */
  useProfile(name: string): Promise<ConnectionInfo>;
  activeProfile(): Promise<string>;
  /** The free/busy proof: our EWS asked for a day of a partner mailbox's free/busy (read-only). */
  proveFreeBusy(request: FreeBusyRequest): Promise<FreeBusyProof>;
  /** The active profile's last proof per direction. */
  freeBusyProofs(): Promise<KeptProof[]>;
  /** Days left per federation certificate and the metadata refresh verdict. */
  certificateStatus(): Promise<CertificateStatus>;
  /** The certificate roll's steps and script against the organization as it is. */
  certificateRollPreview(): Promise<PlanView>;
  /** Runs the roll with the journal; an expired certificate is refused with the rebuild's words. */
  certificateRoll(onProgress: (progress: Progress) => void): Promise<ApplyReport>;
}

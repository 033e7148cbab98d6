import type { Logger } from '../../util/log';
import type { P2PProtocolError } from '../../wire/protocol-error';
import type { Frame, FrameGate } from '../../wire/framing';
import type { HygieneConfig } from './config';
import { PeerRateLimits } from './rate-limits';
import { type GuardedSocket, SendBufferGuard } from './send-buffer';
import { MisbehaviourScore, type Violation } from './violations';

/** What the guard needs from the connection it protects. */
export interface GuardedPeer {
  readonly address: string;
  isClosed(): boolean;
  /** Drop the connection as a violator (the owner bans it). */
  drop(v: Violation): void;
  /** Process one message (called in order, possibly later than it arrived). */
  deliver(frame: Frame): void;
}

/**
 * One connection's hygiene, between the socket and the message handlers: the frame gate (what is
 * not buffered at all), per-message rate limits, the send-buffer cap and the misbehaviour score.
 */
export class PeerGuard {
  readonly misbehaviour: MisbehaviourScore;
  readonly limits = new PeerRateLimits();
  /** For the FrameParser: refuses payloads from their header. */
  readonly gate: FrameGate;
  private readonly sendBuffer: SendBufferGuard<Frame>;
  /** The violation, if any, of the frame the parser is reading past unbuffered. */
  private refused: Violation | null = null;

  constructor(
    socket: GuardedSocket,
    config: HygieneConfig,
    private readonly peer: GuardedPeer,
    private readonly log: Logger,
  ) {
    this.misbehaviour = new MisbehaviourScore(config.misbehaviourThreshold);
    this.sendBuffer = new SendBufferGuard(
      socket,
      { capBytes: config.sendBufferBytes, stallMs: config.sendStallMs },
      (frame) => this.deliverChecked(frame),
      (message) => peer.drop({ code: 'SEND_BUFFER_FULL', points: 0, message }),
    );
    this.gate = {
      admit: (command, length) => {
        // The rest of a chunk is still parsed after a drop: it must not count against the peer.
        if (peer.isClosed()) return false;
        const admission = this.limits.admit(command, length);
        this.refused = admission.buffer ? null : admission.violation;
        return admission.buffer;
      },
      skipped: () => {
        if (this.refused) this.misbehaving(this.refused);
        this.refused = null;
      },
    };
  }

  /** A parsed message: processed now, or held while the peer is not reading our replies. */
  offer(frame: Frame): void {
    this.sendBuffer.offer(frame);
  }

  /** Whether reading is paused because the peer is not reading our replies. */
  get sendPaused(): boolean {
    return this.sendBuffer.paused;
  }

  /** Call after every write to the peer. */
  afterWrite(): void {
    this.sendBuffer.afterWrite();
  }

  /**
   * Core's Misbehaving(howmuch, message): adds points with a reason; at the threshold the peer is
   * dropped as a violator.
   */
  misbehaving(v: Violation): void {
    if (this.peer.isClosed()) return;
    const crossed = this.misbehaviour.add(v);
    this.log.debug('peer misbehaving', {
      peer: this.peer.address,
      code: v.code,
      points: v.points,
      score: this.misbehaviour.score,
      reason: v.message,
    });
    if (crossed) this.peer.drop(v);
  }

  /** As Core's Misbehaving(100): a protocol violation is worth the whole threshold at once. */
  protocolViolation(err: P2PProtocolError): void {
    this.misbehaviour.add({ code: err.code, points: this.misbehaviour.threshold, message: err.message });
  }

  dispose(): void {
    this.sendBuffer.dispose();
  }

  private deliverChecked(frame: Frame): void {
    if (this.peer.isClosed()) return;
    const violation = this.limits.check(frame.command);
    if (violation) return this.misbehaving(violation);
    this.peer.deliver(frame);
  }
}

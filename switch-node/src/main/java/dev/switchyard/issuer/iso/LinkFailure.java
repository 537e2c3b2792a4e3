package dev.switchyard.issuer.iso;

/**
 * A request did not reach the issuer or its answer could not come: no connection signed on (the request was never
 * written, {@link #sent()} is false), or the connection closed or failed after it was written (the issuer may have
 * it).
 */
public final class LinkFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final boolean sent;

  public LinkFailure(String message) {
    this(message, true);
  }

  private LinkFailure(String message, boolean sent) {
    super(message, null, false, false);
    this.sent = sent;
  }

  /** The request was never written: the issuer cannot have it. */
  public static LinkFailure notSent(String message) {
    return new LinkFailure(message, false);
  }

  /** False only when the request certainly never left the switch. */
  public boolean sent() {
    return sent;
  }
}

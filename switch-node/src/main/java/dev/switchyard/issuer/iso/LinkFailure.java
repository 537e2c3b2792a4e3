package dev.switchyard.issuer.iso;

/** A request did not reach the issuer or its answer could not come: no connection signed on, or it closed. */
public final class LinkFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public LinkFailure(String message) {
    super(message, null, false, false);
  }
}

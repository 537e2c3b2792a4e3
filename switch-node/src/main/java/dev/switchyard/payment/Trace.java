package dev.switchyard.payment;

import dev.switchyard.protocol.v1.IssuerTrace;

/**
 * How a request to the issuer is identified: its route, STAN, transmission time and RRN. Decided by the issuer
 * side without I/O and recorded in the payment's journal before the request is sent, so that a reversal can name
 * the request it undoes whichever node sends it.
 */
public record Trace(String route, String stan, long transmittedAtMillis, String rrn) {

  /** No trace: events written before the issuer link. */
  public static final Trace NONE = new Trace("", "", 0, "");

  public IssuerTrace toProto() {
    return IssuerTrace.newBuilder().setRoute(route).setStan(stan).setTransmittedAtMillis(transmittedAtMillis)
        .setRrn(rrn).build();
  }

  public static Trace fromProto(IssuerTrace t) {
    return new Trace(t.getRoute(), t.getStan(), t.getTransmittedAtMillis(), t.getRrn());
  }
}

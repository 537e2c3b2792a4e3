package dev.switchyard.payment;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * Why an issuer call's outcome is unknown, in the fixed words that go into events and answers. The exception
 * behind it is logged with the payment id, never written anywhere an acquirer or the journal would see it.
 */
enum IssuerFailure {
  TIMEOUT("no issuer answer in time"),
  LINK_FAILURE("the issuer link failed"),
  NODE_RESTARTED("the node restarted while waiting for the issuer"),
  DEADLINE_PASSED("no issuer answer before the deadline");

  private final String reason;

  IssuerFailure(String reason) {
    this.reason = reason;
  }

  String reason() {
    return reason;
  }

  static IssuerFailure of(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    return cause instanceof TimeoutException ? TIMEOUT : LINK_FAILURE;
  }
}
